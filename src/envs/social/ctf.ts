/**
 * Capture the Flag on a grid, a two-team game as in Open-Ended Learning's
 * and Jaderberg et al.'s CTF: red (the first `perTeam` agents) holds the
 * left half, blue the right; each team's flag sits on its base (the middle
 * cell of its outer column). Stepping onto the enemy's flag at its base
 * picks it up; carrying it to one's own base captures it: +1 to every member
 * of the scoring team, −1 to every member of the other, and the flag goes
 * home. In its own half an agent tags an enemy next to it: the tagged agent
 * restarts in its own half and drops a flag it carried (the flag goes home).
 *
 * ## Action Space
 * Discrete(5): stay, north, east, south, west (all at once, in a random
 * order, one agent per cell: grid-players.ts).
 *
 * ## Observation
 * Box(11 + 4·(N − 1) + 8), per agent: team one-hot (red, blue), position
 * (x/width, y/height), carrying the enemy flag, own flag at home, enemy flag
 * at home, offset to its own base, offset to the enemy flag (wherever it
 * is); per other agent: offset, same team, carrying a flag; the 8 cells
 * around.
 *
 * ## Events (per agent)
 * `pickup`, `capture` (this agent scored), `conceded` (the other team
 * scored), `tag`, `tagged`, `bump`.
 *
 * ## Episode end
 * Truncated after `maxSteps` (200) steps, every agent at once.
 */
import { z } from "zod";
import { Box, Discrete } from "../../core/spaces.js";
import { agentFeature, SOCIAL_FEATURES, type AgentFeature } from "../multi/core.js";
import { defineParallelEnv, type ParallelEnvSpec } from "../multi/spec.js";
import { GridPlayers, type GridOptions } from "./grid-players.js";

const EVENTS = ["pickup", "capture", "conceded", "tag", "tagged", "bump"] as const;
const [PICKUP, CAPTURE, CONCEDED, TAG, TAGGED, BUMP] = [1, 2, 4, 8, 16, 32];
export const RED = 0;
export const BLUE = 1;

export interface CtfOptions extends GridOptions {
  perTeam: number;
  maxSteps: number;
}

export class CaptureTheFlag extends GridPlayers {
  readonly agentNames: readonly string[];
  readonly observationSpace: Box;
  readonly actionSpace = new Discrete(5);
  readonly events: readonly string[] = EVENTS;
  readonly maxSteps: number;
  readonly features: readonly AgentFeature<any>[] = [
    agentFeature<CaptureTheFlag>("team", "0 red, 1 blue", (c, j) => c.team(j)),
    agentFeature<CaptureTheFlag>("carrying", "1 while the agent carries the enemy flag", (c, j) => (c.carrier[1 - c.team(j)] === j ? 1 : 0)),
    agentFeature<CaptureTheFlag>("score", "the agent's team's captures minus the other team's, this episode", (c, j) => c.score[c.team(j)] - c.score[1 - c.team(j)]),
    agentFeature<CaptureTheFlag>("enemy.flag.distance", "grid distance to the enemy flag, wherever it is", (c, j) => {
      const [fx, fy] = c.flagAt(1 - c.team(j));
      return Math.abs(fx - c.x[j]) + Math.abs(fy - c.y[j]);
    }),
    ...SOCIAL_FEATURES,
  ];
  /** Per team: its base cell [x, y], who carries its flag (−1: at home), its captures. */
  readonly base: readonly (readonly [number, number])[];
  readonly carrier: Int32Array;
  readonly score: Int32Array;

  constructor(readonly options: CtfOptions) {
    super(2 * options.perTeam, options);
    const k = options.perTeam;
    this.agentNames = Array.from({ length: 2 * k }, (_, j) => (j < k ? `red_${j}` : `blue_${j - k}`));
    this.observationSpace = new Box(-1, 1, [11 + 4 * (2 * k - 1) + 8]);
    this.maxSteps = options.maxSteps;
    const mid = Math.floor(options.height / 2);
    this.base = [[0, mid], [options.width - 1, mid]];
    this.carrier = new Int32Array(2);
    this.score = new Int32Array(2);
  }

  team(j: number): number {
    return j < this.options.perTeam ? RED : BLUE;
  }

  /** Whether cell column x lies in team t's half. */
  inHalf(t: number, x: number): boolean {
    const half = this.options.width / 2;
    return t === RED ? x < half : x >= half;
  }

  /** Where team t's flag is: its base, or its carrier's cell. */
  flagAt(t: number): [number, number] {
    const c = this.carrier[t];
    return c < 0 ? [this.base[t][0], this.base[t][1]] : [this.x[c], this.y[c]];
  }

  private placeInHalf(j: number): void {
    const half = Math.floor(this.options.width / 2);
    if (this.team(j) === RED) this.place(j, 0, half);
    else this.place(j, this.options.width - half, this.options.width);
  }

  protected start(): void {
    this.clearCells();
    this.carrier.fill(-1);
    this.score.fill(0);
    for (let j = 0; j < this.numAgents; j++) this.placeInHalf(j);
  }

  protected act(actions: ArrayLike<number>, offset: number): void {
    const N = this.numAgents;
    const { x, y, carrier, eventMasks } = this;
    this.moveAll(actions, offset, BUMP);
    // Tags: in its own half, an agent tags every enemy next to it (each tagged once per step).
    for (let b = 0; b < N; b++) {
      const tb = this.team(b);
      let by = -1;
      for (let a = 0; a < N && by < 0; a++) if (this.team(a) !== tb && this.inHalf(this.team(a), x[b]) && this.distance(a, b) <= 1) by = a;
      if (by < 0) continue;
      eventMasks[by] |= TAG;
      eventMasks[b] |= TAGGED;
      if (carrier[1 - tb] === b) carrier[1 - tb] = -1;
      this.placeInHalf(b);
    }
    // Pickups and captures.
    for (let j = 0; j < N; j++) {
      const t = this.team(j);
      const enemy = 1 - t;
      const [ex, ey] = this.base[enemy];
      if (carrier[enemy] < 0 && x[j] === ex && y[j] === ey) {
        carrier[enemy] = j;
        eventMasks[j] |= PICKUP;
      }
      const [hx, hy] = this.base[t];
      if (carrier[enemy] === j && x[j] === hx && y[j] === hy) {
        carrier[enemy] = -1;
        this.score[t]++;
        eventMasks[j] |= CAPTURE;
        for (let k = 0; k < N; k++) {
          this.rewards[k] += this.team(k) === t ? 1 : -1;
          if (this.team(k) !== t) eventMasks[k] |= CONCEDED;
        }
      }
    }
  }

  protected observe(j: number, obs: Float32Array, offset: number): void {
    const { width, height } = this.options;
    const t = this.team(j);
    const rel = (px: number, py: number, at: number) => {
      obs[at] = (px - this.x[j]) / width;
      obs[at + 1] = (py - this.y[j]) / height;
    };
    obs[offset] = t === RED ? 1 : 0;
    obs[offset + 1] = t === BLUE ? 1 : 0;
    obs[offset + 2] = this.x[j] / width;
    obs[offset + 3] = this.y[j] / height;
    obs[offset + 4] = this.carrier[1 - t] === j ? 1 : 0;
    obs[offset + 5] = this.carrier[t] < 0 ? 1 : 0;
    obs[offset + 6] = this.carrier[1 - t] < 0 ? 1 : 0;
    rel(this.base[t][0], this.base[t][1], offset + 7);
    const [fx, fy] = this.flagAt(1 - t);
    rel(fx, fy, offset + 9);
    let o = offset + 11;
    for (let k = 0; k < this.numAgents; k++) {
      if (k === j) continue;
      rel(this.x[k], this.y[k], o);
      obs[o + 2] = this.team(k) === t ? 1 : 0;
      obs[o + 3] = this.carrier[0] === k || this.carrier[1] === k ? 1 : 0;
      o += 4;
    }
    this.observeAround(j, obs, o);
  }

  /** The grid as text: `#` obstacle, `[` `]` the red and blue bases, `r`/`b` an agent (`R`/`B` carrying a flag). */
  render(): string {
    const { width } = this.options;
    const isBase = (t: number, x: number, y: number) => x === this.base[t][0] && y === this.base[t][1];
    return this.renderCells((x, y, who) => {
      if (who >= 0) {
        const carrying = this.carrier[0] === who || this.carrier[1] === who;
        return this.team(who) === RED ? (carrying ? "R" : "r") : carrying ? "B" : "b";
      }
      return this.blocked[y * width + x] ? "#" : isBase(RED, x, y) ? "[" : isBase(BLUE, x, y) ? "]" : ".";
    }, `step ${this.stepCount}, red ${this.score[RED]}, blue ${this.score[BLUE]}`);
  }

}

const CtfKwargs = z
  .object({
    perTeam: z.number().int().min(1).max(8).default(2).describe("agents per team (red first)"),
    width: z.number().int().min(4).max(64).refine((w) => w % 2 === 0, "expected an even number").default(10).describe("grid columns (even: two halves)"),
    height: z.number().int().min(3).max(64).default(7).describe("grid rows"),
    obstacles: z
      .array(z.tuple([z.number().int().min(0), z.number().int().min(0)]))
      .default([[4, 2], [5, 4]])
      .describe("obstacle cells as [x, y]"),
    maxSteps: z.number().int().min(1).max(100_000).default(200).describe("steps per episode"),
  })
  .strict()
  .superRefine((k, ctx) => {
    const mid = Math.floor(k.height / 2);
    k.obstacles.forEach(([ox, oy], i) => {
      if (ox >= k.width || oy >= k.height) ctx.addIssue({ code: "custom", path: ["obstacles", i], message: `expected a cell inside the ${k.width} × ${k.height} grid, got [${ox}, ${oy}]` });
      else if (oy === mid && (ox === 0 || ox === k.width - 1)) ctx.addIssue({ code: "custom", path: ["obstacles", i], message: `[${ox}, ${oy}] is a base` });
    });
    if ((k.width / 2) * k.height - k.obstacles.length < k.perTeam + 1) ctx.addIssue({ code: "custom", path: ["perTeam"], message: "more agents than free cells in a half" });
  });

export const ctfGames: ParallelEnvSpec[] = [
  defineParallelEnv({
    id: "CaptureTheFlag",
    family: "social",
    summary: "two teams on a grid: take the enemy flag from its base to yours (+1 to your team, −1 to theirs); tag intruders in your half",
    kwargs: CtfKwargs,
    create: (k) => new CaptureTheFlag(k),
  }),
];
