/**
 * Hide and Seek on a grid, after OpenAI's hide-and-seek (Baker et al. 2020)
 * and Open-Ended Learning's games: the first `hiders` agents hide, the rest
 * seek. A seeker sees an agent within `sight` cells (Chebyshev) when no
 * obstacle lies on the straight line between their cells. Every step after
 * the preparation phase, team rewards as in Baker et al.: hiders +1 each if
 * no seeker sees any hider, else −1 each; seekers the opposite. During the
 * first `prep` steps the seekers cannot move and nobody is rewarded.
 *
 * ## Action Space
 * Discrete(5): stay, north, east, south, west (grid-players.ts).
 *
 * ## Observation
 * Box(5 + 4·(N − 1) + 8), per agent: role one-hot (hider, seeker), position
 * (x/width, y/height), 1 during the preparation phase; per other agent:
 * whether this agent sees it, and if so its offset and role (zeros if not);
 * the 8 cells around.
 *
 * ## Events (per agent)
 * `seen` (a hider some seeker sees), `spotted` (a seeker that sees a hider),
 * `hidden` (every hider unseen, after the preparation phase), `bump`.
 *
 * ## Episode end
 * Truncated after `maxSteps` (100) steps, every agent at once.
 */
import { z } from "zod";
import { Box, Discrete } from "../../core/spaces.js";
import { agentFeature, SOCIAL_FEATURES, type AgentFeature } from "../multi/core.js";
import { defineParallelEnv, type ParallelEnvSpec } from "../multi/spec.js";
import { GridPlayers, type GridOptions } from "./grid-players.js";

const EVENTS = ["seen", "spotted", "hidden", "bump"] as const;
const [SEEN, SPOTTED, HIDDEN, BUMP] = [1, 2, 4, 8];

export interface HideAndSeekOptions extends GridOptions {
  hiders: number;
  seekers: number;
  sight: number;
  prep: number;
  maxSteps: number;
}

export class HideAndSeek extends GridPlayers {
  readonly agentNames: readonly string[];
  readonly observationSpace: Box;
  readonly actionSpace = new Discrete(5);
  readonly events: readonly string[] = EVENTS;
  readonly maxSteps: number;
  readonly features: readonly AgentFeature<any>[] = [
    agentFeature<HideAndSeek>("hider", "1 for a hider, 0 for a seeker", (c, j) => (c.isHider(j) ? 1 : 0)),
    agentFeature<HideAndSeek>("hiders.seen", "hiders some seeker sees now", (c) => c.hidersSeen()),
    agentFeature<HideAndSeek>("preparing", "1 during the preparation phase", (c) => (c.stepCount < c.options.prep ? 1 : 0)),
    ...SOCIAL_FEATURES,
  ];

  constructor(readonly options: HideAndSeekOptions) {
    super(options.hiders + options.seekers, options);
    const N = options.hiders + options.seekers;
    this.agentNames = Array.from({ length: N }, (_, j) => (j < options.hiders ? `hider_${j}` : `seeker_${j - options.hiders}`));
    this.observationSpace = new Box(-1, 1, [5 + 4 * (N - 1) + 8]);
    this.maxSteps = options.maxSteps;
  }

  isHider(j: number): boolean {
    return j < this.options.hiders;
  }

  /** Whether agent a sees agent b: within `sight` cells and no obstacle on the line between (Bresenham). */
  sees(a: number, b: number): boolean {
    let [x0, y0] = [this.x[a], this.y[a]];
    const [x1, y1] = [this.x[b], this.y[b]];
    if (Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0)) > this.options.sight) return false;
    const dx = Math.abs(x1 - x0);
    const dy = -Math.abs(y1 - y0);
    const sx = x0 < x1 ? 1 : -1;
    const sy = y0 < y1 ? 1 : -1;
    let err = dx + dy;
    for (;;) {
      if (x0 === x1 && y0 === y1) return true;
      if (this.blocked[y0 * this.grid.width + x0]) return false;
      const e2 = 2 * err;
      if (e2 >= dy) {
        err += dy;
        x0 += sx;
      }
      if (e2 <= dx) {
        err += dx;
        y0 += sy;
      }
    }
  }

  /** Hiders seen by at least one seeker. */
  hidersSeen(): number {
    let seen = 0;
    for (let h = 0; h < this.options.hiders; h++) {
      for (let s = this.options.hiders; s < this.numAgents; s++) {
        if (this.sees(s, h)) {
          seen++;
          break;
        }
      }
    }
    return seen;
  }

  protected start(): void {
    this.clearCells();
    for (let j = 0; j < this.numAgents; j++) this.place(j);
  }

  protected override canMove(j: number): boolean {
    // stepCount already counts the step being taken.
    return this.isHider(j) || this.stepCount > this.options.prep;
  }

  protected act(actions: ArrayLike<number>, offset: number): void {
    const { hiders, prep } = this.options;
    const N = this.numAgents;
    this.moveAll(actions, offset, BUMP);
    let anySeen = false;
    for (let s = hiders; s < N; s++) {
      for (let h = 0; h < hiders; h++) {
        if (!this.sees(s, h)) continue;
        anySeen = true;
        this.eventMasks[s] |= SPOTTED;
        this.eventMasks[h] |= SEEN;
      }
    }
    if (this.stepCount <= prep) return;
    for (let j = 0; j < N; j++) {
      const hiderWins = !anySeen;
      this.rewards[j] = this.isHider(j) === hiderWins ? 1 : -1;
      if (hiderWins) this.eventMasks[j] |= HIDDEN;
    }
  }

  protected observe(j: number, obs: Float32Array, offset: number): void {
    const { width, height, prep } = this.options;
    obs[offset] = this.isHider(j) ? 1 : 0;
    obs[offset + 1] = this.isHider(j) ? 0 : 1;
    obs[offset + 2] = this.x[j] / width;
    obs[offset + 3] = this.y[j] / height;
    obs[offset + 4] = this.stepCount < prep ? 1 : 0;
    let o = offset + 5;
    for (let k = 0; k < this.numAgents; k++) {
      if (k === j) continue;
      const visible = this.sees(j, k);
      obs[o] = visible ? 1 : 0;
      obs[o + 1] = visible ? (this.x[k] - this.x[j]) / width : 0;
      obs[o + 2] = visible ? (this.y[k] - this.y[j]) / height : 0;
      obs[o + 3] = visible && this.isHider(k) ? 1 : 0;
      o += 4;
    }
    this.observeAround(j, obs, o);
  }

  /** The grid as text: `#` obstacle, `H`/`h` a hider (capital: seen), `S` a seeker. */
  render(): string {
    const { width, hiders } = this.options;
    const seen = (h: number) => {
      for (let s = hiders; s < this.numAgents; s++) if (this.sees(s, h)) return true;
      return false;
    };
    return this.renderCells((x, y, who) => (who < 0 ? (this.blocked[y * width + x] ? "#" : ".") : who >= hiders ? "S" : seen(who) ? "H" : "h"), `step ${this.stepCount}`);
  }

}

/** A wall across the middle with two gaps: places to hide behind. */
const DEFAULT_OBSTACLES: [number, number][] = [[4, 1], [4, 2], [4, 3], [4, 5], [4, 6], [1, 4], [2, 4], [6, 4], [7, 4]];

const HideKwargs = z
  .object({
    hiders: z.number().int().min(1).max(8).default(2).describe("agents that hide (first)"),
    seekers: z.number().int().min(1).max(8).default(2).describe("agents that seek"),
    width: z.number().int().min(3).max(64).default(9).describe("grid columns"),
    height: z.number().int().min(3).max(64).default(9).describe("grid rows"),
    obstacles: z
      .array(z.tuple([z.number().int().min(0), z.number().int().min(0)]))
      .default(DEFAULT_OBSTACLES)
      .describe("obstacle cells as [x, y]; they block moves and sight"),
    sight: z.number().int().min(1).max(64).default(4).describe("how far a seeker sees (cells, Chebyshev)"),
    prep: z.number().int().min(0).default(10).describe("steps at the start when seekers cannot move and nobody is rewarded"),
    maxSteps: z.number().int().min(1).max(100_000).default(100).describe("steps per episode"),
  })
  .strict()
  .superRefine((k, ctx) => {
    k.obstacles.forEach(([ox, oy], i) => {
      if (ox >= k.width || oy >= k.height) ctx.addIssue({ code: "custom", path: ["obstacles", i], message: `expected a cell inside the ${k.width} × ${k.height} grid, got [${ox}, ${oy}]` });
    });
    if (k.width * k.height - k.obstacles.length < k.hiders + k.seekers) ctx.addIssue({ code: "custom", path: ["seekers"], message: "more agents than free cells" });
  });

export const hideAndSeekGames: ParallelEnvSpec[] = [
  defineParallelEnv({
    id: "HideAndSeek",
    family: "social",
    summary: "hiders against seekers on a grid with walls that block sight: +1/−1 per step to the team that wins it (Baker et al. 2020)",
    kwargs: HideKwargs,
    create: (k) => new HideAndSeek(k),
  }),
];
