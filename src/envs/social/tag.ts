/**
 * Tag: a competitive gridworld game, predator and prey (after PettingZoo's
 * MPE simple_tag on a grid, and the tag games of Open-Ended Learning). The
 * first `taggers` agents chase the others; a tagger that moves onto a
 * runner's cell or next to it (4-neighbourhood) tags it: the tagger earns +1,
 * the runner −1 and is sent back to a random free cell. Runners also earn
 * `survival` (0) per step untagged.
 *
 * ## Rules (one step)
 * All agents move at once (stay, north, east, south, west); a move into a
 * wall, an obstacle or a cell another agent already holds (moves go in a
 * random order) fails (grid-players.ts). Then every runner next to or under a tagger is
 * tagged, once per step, by the tagger nearest in index order.
 *
 * ## Action Space
 * Discrete(5): stay, north, east, south, west.
 *
 * ## Observation
 * Box(4 + 3·(N − 1) + 8), per agent: its role (tagger, runner), its position
 * (x/width, y/height); then for each other agent in index order: its
 * offset (dx/width, dy/height) and whether it is a tagger; then the 8 cells
 * around it (1 for wall or obstacle).
 *
 * ## Events (per agent)
 * `tag` (a tagger tagged someone), `tagged` (a runner was tagged), `bump`
 * (its move failed).
 *
 * ## Episode end
 * Truncated after `maxSteps` (100) steps, every agent at once.
 */
import { z } from "zod";
import { Box, Discrete } from "../../core/spaces.js";
import { agentFeature, SOCIAL_FEATURES, type AgentFeature } from "../multi/core.js";
import { defineParallelEnv, type ParallelEnvSpec } from "../multi/spec.js";
import { GridPlayers, type GridOptions } from "./grid-players.js";

const EVENTS = ["tag", "tagged", "bump"] as const;
const TAG = 1;
const TAGGED = 2;
const BUMP = 4;

export interface TagOptions extends GridOptions {
  players: number;
  taggers: number;
  survival: number;
  maxSteps: number;
}

export class Tag extends GridPlayers {
  readonly agentNames: readonly string[];
  readonly observationSpace: Box;
  readonly actionSpace = new Discrete(5);
  readonly events: readonly string[] = EVENTS;
  readonly maxSteps: number;
  readonly features: readonly AgentFeature<any>[] = [
    agentFeature<Tag>("tagger", "1 for a tagger, 0 for a runner", (c, j) => (c.isTagger(j) ? 1 : 0)),
    agentFeature<Tag>("nearest.opponent", "grid distance (|dx| + |dy|) to the nearest agent of the other role", (c, j) => c.nearestOpponent(j)),
    agentFeature<Tag>("agent.x", "the agent's column", (c, j) => c.x[j]),
    agentFeature<Tag>("agent.y", "the agent's row", (c, j) => c.y[j]),
    ...SOCIAL_FEATURES,
  ];

  constructor(readonly options: TagOptions) {
    super(options.players, options);
    const N = options.players;
    this.agentNames = Array.from({ length: N }, (_, j) => (j < options.taggers ? `tagger_${j}` : `runner_${j - options.taggers}`));
    this.observationSpace = new Box(-1, 1, [4 + 3 * (N - 1) + 8]);
    this.maxSteps = options.maxSteps;
  }

  isTagger(j: number): boolean {
    return j < this.options.taggers;
  }

  nearestOpponent(j: number): number {
    let best = Infinity;
    for (let k = 0; k < this.numAgents; k++) if (this.isTagger(k) !== this.isTagger(j)) best = Math.min(best, this.distance(j, k));
    return best;
  }

  protected start(): void {
    this.clearCells();
    for (let j = 0; j < this.numAgents; j++) this.place(j);
  }

  protected act(actions: ArrayLike<number>, offset: number): void {
    const N = this.numAgents;
    const { x, y, rewards, eventMasks } = this;
    this.moveAll(actions, offset, BUMP);
    // Tags: a runner next to a tagger is tagged by the first such tagger, then sent to a random free cell.
    for (let r = this.options.taggers; r < N; r++) {
      let by = -1;
      for (let t = 0; t < this.options.taggers && by < 0; t++) if (Math.abs(x[t] - x[r]) + Math.abs(y[t] - y[r]) <= 1) by = t;
      if (by < 0) {
        rewards[r] += this.options.survival;
        continue;
      }
      rewards[by] += 1;
      rewards[r] -= 1;
      eventMasks[by] |= TAG;
      eventMasks[r] |= TAGGED;
      this.place(r);
    }
  }

  protected observe(j: number, obs: Float32Array, offset: number): void {
    const { width, height } = this.options;
    const N = this.numAgents;
    obs[offset] = this.isTagger(j) ? 1 : 0;
    obs[offset + 1] = this.isTagger(j) ? 0 : 1;
    obs[offset + 2] = this.x[j] / width;
    obs[offset + 3] = this.y[j] / height;
    let o = offset + 4;
    for (let k = 0; k < N; k++) {
      if (k === j) continue;
      obs[o] = (this.x[k] - this.x[j]) / width;
      obs[o + 1] = (this.y[k] - this.y[j]) / height;
      obs[o + 2] = this.isTagger(k) ? 1 : 0;
      o += 3;
    }
    this.observeAround(j, obs, o);
  }

  /** The grid as text: `#` obstacle, `T`/`t` a tagger, `R`/`r` a runner (capital: index 0 of its role). */
  render(): string {
    const { width, taggers } = this.options;
    return this.renderCells((x, y, who) => (this.blocked[y * width + x] ? "#" : who < 0 ? "." : who < taggers ? (who === 0 ? "T" : "t") : who === taggers ? "R" : "r"), `step ${this.stepCount}`);
  }

}

const TagKwargs = z
  .object({
    players: z.number().int().min(2).max(16).default(4).describe("agents, taggers first"),
    taggers: z.number().int().min(1).default(1).describe("how many of them chase"),
    width: z.number().int().min(3).max(64).default(8).describe("grid columns"),
    height: z.number().int().min(3).max(64).default(8).describe("grid rows"),
    obstacles: z
      .array(z.tuple([z.number().int().min(0), z.number().int().min(0)]))
      .default([[3, 3], [4, 4], [3, 4], [4, 3]])
      .describe("obstacle cells as [x, y]"),
    survival: z.number().default(0).describe("a runner's reward per step untagged"),
    maxSteps: z.number().int().min(1).max(100_000).default(100).describe("steps per episode"),
  })
  .strict()
  .superRefine((k, ctx) => {
    if (k.taggers >= k.players) ctx.addIssue({ code: "custom", path: ["taggers"], message: `expected fewer taggers than players (${k.players})` });
    k.obstacles.forEach(([ox, oy], i) => {
      if (ox >= k.width || oy >= k.height) ctx.addIssue({ code: "custom", path: ["obstacles", i], message: `expected a cell inside the ${k.width} × ${k.height} grid, got [${ox}, ${oy}]` });
    });
    if (k.width * k.height - k.obstacles.length < k.players) ctx.addIssue({ code: "custom", path: ["players"], message: "more players than free cells" });
  });

export const tagGames: ParallelEnvSpec[] = [
  defineParallelEnv({
    id: "Tag",
    family: "social",
    summary: "competitive gridworld: taggers chase runners (+1 per tag, −1 for the tagged), roles in the observation",
    kwargs: TagKwargs,
    create: (k) => new Tag(k),
  }),
];
