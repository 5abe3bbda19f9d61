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
 * wall, an obstacle or a cell another agent already claimed this step (in a
 * random order) fails. Then every runner next to or under a tagger is
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
import { agentFeature, MultiAgentCore, SOCIAL_FEATURES, type AgentFeature } from "../multi/core.js";
import { defineParallelEnv, type ParallelEnvSpec } from "../multi/spec.js";

const EVENTS = ["tag", "tagged", "bump"] as const;
const TAG = 1;
const TAGGED = 2;
const BUMP = 4;
const DX = [0, 0, 1, 0, -1];
const DY = [0, -1, 0, 1, 0];
/** The 8 cells around an agent, row by row. */
const AROUND: readonly [number, number][] = [[-1, -1], [0, -1], [1, -1], [-1, 0], [1, 0], [-1, 1], [0, 1], [1, 1]];

export interface TagOptions {
  players: number;
  taggers: number;
  width: number;
  height: number;
  /** Obstacle cells, as [x, y] pairs inside the grid. */
  obstacles: readonly (readonly [number, number])[];
  survival: number;
  maxSteps: number;
}

export class Tag extends MultiAgentCore {
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
  readonly x: Int32Array;
  readonly y: Int32Array;
  /** Per cell (y·width + x): 1 for an obstacle. */
  readonly blocked: Uint8Array;
  private readonly order: Int32Array;
  private readonly claimed: Int32Array;

  constructor(readonly options: TagOptions) {
    super(options.players);
    const N = options.players;
    this.agentNames = Array.from({ length: N }, (_, j) => (j < options.taggers ? `tagger_${j}` : `runner_${j - options.taggers}`));
    this.observationSpace = new Box(-1, 1, [4 + 3 * (N - 1) + 8]);
    this.maxSteps = options.maxSteps;
    this.x = new Int32Array(N);
    this.y = new Int32Array(N);
    this.blocked = new Uint8Array(options.width * options.height);
    for (const [ox, oy] of options.obstacles) this.blocked[oy * options.width + ox] = 1;
    this.order = new Int32Array(N);
    this.claimed = new Int32Array(options.width * options.height);
  }

  isTagger(j: number): boolean {
    return j < this.options.taggers;
  }

  /** Whether (x, y) is off the grid or an obstacle. */
  wall(x: number, y: number): boolean {
    const { width, height } = this.options;
    return x < 0 || y < 0 || x >= width || y >= height || this.blocked[y * width + x] === 1;
  }

  nearestOpponent(j: number): number {
    let best = Infinity;
    for (let k = 0; k < this.numAgents; k++) if (this.isTagger(k) !== this.isTagger(j)) best = Math.min(best, Math.abs(this.x[k] - this.x[j]) + Math.abs(this.y[k] - this.y[j]));
    return best;
  }

  protected start(): void {
    this.claimed.fill(-1);
    for (let j = 0; j < this.numAgents; j++) this.place(j);
  }

  /** Puts agent j on a random free cell (no obstacle, no other agent). */
  private place(j: number): void {
    const { width, height } = this.options;
    for (;;) {
      const x = this.rng.int(width);
      const y = this.rng.int(height);
      if (this.wall(x, y) || this.claimed[y * width + x] >= 0) continue;
      if (this.claimed[this.y[j] * width + this.x[j]] === j) this.claimed[this.y[j] * width + this.x[j]] = -1;
      this.x[j] = x;
      this.y[j] = y;
      this.claimed[y * width + x] = j;
      return;
    }
  }

  protected act(actions: ArrayLike<number>, offset: number): void {
    const N = this.numAgents;
    const { width } = this.options;
    const { x, y, claimed, order, rewards, eventMasks } = this;
    for (let j = 0; j < N; j++) order[j] = j;
    this.rng.shuffle(order);
    // Moves, in a random order: a cell holds one agent.
    for (const j of order) {
      const a = actions[offset + j];
      if (a === 0) continue;
      const nx = x[j] + DX[a];
      const ny = y[j] + DY[a];
      if (this.wall(nx, ny) || claimed[ny * width + nx] >= 0) {
        eventMasks[j] |= BUMP;
        continue;
      }
      claimed[y[j] * width + x[j]] = -1;
      x[j] = nx;
      y[j] = ny;
      claimed[ny * width + nx] = j;
    }
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
    for (const [dx, dy] of AROUND) obs[o++] = this.wall(this.x[j] + dx, this.y[j] + dy) ? 1 : 0;
  }

  /** The grid as text: `#` obstacle, `T`/`t` a tagger, `R`/`r` a runner (capital: index 0 of its role). */
  render(): string {
    const { width, height, taggers } = this.options;
    const lines: string[] = [];
    for (let yy = 0; yy < height; yy++) {
      let line = "";
      for (let xx = 0; xx < width; xx++) {
        const who = this.claimed[yy * width + xx];
        line += this.blocked[yy * width + xx] ? "#" : who < 0 ? "." : who < taggers ? (who === 0 ? "T" : "t") : who === taggers ? "R" : "r";
      }
      lines.push(line);
    }
    lines.push(`step ${this.stepCount}`);
    return lines.join("\n");
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
