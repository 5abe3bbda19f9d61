/**
 * Co-play tasks: the competitive games (Tag, Hide and Seek, Capture the
 * Flag) as universe tasks. A task is a game, the seat the learner takes and
 * a scripted co-player in each other seat (co-players.ts); the learner sees
 * one agent's view, as a single-agent environment, and the co-players act
 * from the environment's own random stream.
 *
 * Tasks come from a seeded generator by index, like a benchmark: the last
 * tenth are held out, and **a held-out task has a held-out co-player**: the
 * co-players at ε = 0.25 (`still@0.25`, `chase@0.25`, `flee@0.25`) sit in
 * at least one seat of every held-out task and in no training task. So
 * evaluating on the `test` split measures play with co-players never met.
 *
 * ## Observation
 * Box(3 + 31): the game one-hot (Tag, HideAndSeek, CaptureTheFlag), then
 * the learner's observation in that game (as the game writes it for its
 * seat), zero-padded to the widest game's.
 *
 * ## Action Space
 * Discrete(5): stay, north, east, south, west.
 *
 * ## Rewards
 * The learner's reward in the game. In Tag a runner earns 0.01 per step
 * untagged, so every game's return is positive exactly when the learner
 * came out ahead: a tagger that tagged, a runner never tagged, a hider
 * hidden more often than seen (a seeker the reverse), a team that captured
 * more flags than it conceded.
 *
 * ## Events
 * Every game's events (`tag`, `seen`, `capture`, …) and `success`: the
 * episode ended with a positive return.
 *
 * ## Episode end
 * Truncated after 100 steps (every game's length here).
 */
import { z } from "zod";
import { Rng } from "../../core/rng.js";
import { Box, Discrete } from "../../core/spaces.js";
import { UserError } from "../../core/errors.js";
import { EnvCore, feature, type Feature } from "../core.js";
import { createMultiAgentCore } from "../multi/registry.js";
import { defineEnv } from "../spec.js";
import type { CaptureTheFlag } from "../social/ctf.js";
import type { GridPlayers } from "../social/grid-players.js";
import type { HideAndSeek } from "../social/hide-and-seek.js";
import type { Tag } from "../social/tag.js";
import { splitRange } from "./benchmark.js";
import { coPlayerAction, coPlayerName, nearestOpponent, type CoPlayer } from "./co-players.js";

/** The games, with what a co-play task changes in them and who plays against whom. */
const GAMES = [
  { id: "Tag", kwargs: { survival: 0.01 }, opponents: (g: GridPlayers) => (j: number, k: number) => (g as Tag).isTagger(j) !== (g as Tag).isTagger(k) },
  { id: "HideAndSeek", kwargs: {}, opponents: (g: GridPlayers) => (j: number, k: number) => (g as HideAndSeek).isHider(j) !== (g as HideAndSeek).isHider(k) },
  { id: "CaptureTheFlag", kwargs: { maxSteps: 100 }, opponents: (g: GridPlayers) => (j: number, k: number) => (g as CaptureTheFlag).team(j) !== (g as CaptureTheFlag).team(k) },
] as const;
export type CoPlayGameId = (typeof GAMES)[number]["id"];
const STEPS = 100;

/**
 * Every co-player, by index: training tasks draw from the first
 * `TRAIN_CO_PLAYERS`; the rest (ε = 0.25) are held out.
 */
export const CO_PLAYERS: readonly CoPlayer[] = Object.freeze(
  (
    [
      ["still", 0],
      ["random", 0],
      ["chase", 0],
      ["flee", 0],
      ["still", 0.5],
      ["chase", 0.5],
      ["flee", 0.5],
      ["still", 0.25],
      ["chase", 0.25],
      ["flee", 0.25],
    ] as const
  ).map(([kind, epsilon]) => Object.freeze({ kind, epsilon })),
);
export const TRAIN_CO_PLAYERS = 7;

export interface CoPlayTask {
  /** Index into the environment's games. */
  game: number;
  /** The learner's seat. */
  seat: number;
  /** Per seat, who plays it: an index into `CO_PLAYERS` (the learner's entry is unused). */
  coPlayers: number[];
}

export const CoPlayKwargs = z
  .object({
    games: z.array(z.enum(["Tag", "HideAndSeek", "CaptureTheFlag"])).min(1).default(["Tag", "HideAndSeek", "CaptureTheFlag"]).describe("games tasks are drawn from"),
    count: z.number().int().min(1).max(10_000_000).default(10_000).describe("tasks in the generated benchmark"),
    benchmarkSeed: z.number().int().min(0).max(1_000_000).default(0).describe("seed of the generated benchmark"),
    split: z.enum(["train", "test", "all"]).default("train").describe("which tasks episodes draw from: train (the first 90%), test (the held-out last 10%, each with a held-out co-player) or all"),
    task: z.number().int().min(0).optional().describe("always this task (its index); otherwise one drawn per episode from the split"),
  })
  .strict();
export type CoPlayKwargs = z.output<typeof CoPlayKwargs>;

export class CoPlayEnv extends EnvCore {
  readonly observationSpace: Box;
  readonly actionSpace = new Discrete(5);
  readonly maxSteps = STEPS;
  readonly events: readonly string[];
  readonly features: readonly Feature<any>[] = [
    feature("game", "index of the current game in `games`", (e: CoPlayEnv) => e.task.game),
    feature("seat", "the learner's seat in the game", (e: CoPlayEnv) => e.task.seat),
    feature("task.index", "index of the current task", (e: CoPlayEnv) => e.taskIndex),
    feature("opponent.distance", "grid distance to the nearest opponent", (e: CoPlayEnv) => e.opponentDistance()),
    feature("heldout.coplayers", "co-players of the current task that no training task has", (e: CoPlayEnv) => e.heldOutCoPlayers()),
  ];
  /** One table per game, made once and reused by every task of that game. */
  private readonly tables: { id: CoPlayGameId; core: GridPlayers; opponent: (j: number, k: number) => boolean; obs: Float32Array; actions: Int32Array; events: Uint32Array }[];
  readonly range: { start: number; end: number };
  task: CoPlayTask;
  taskIndex: number;
  /** The seed the current episode's game was reset with: `makeParallel(game).reset(gameSeed)` replays its start. */
  gameSeed = 0;
  private episodeReturn = 0;
  private readonly successBit: number;

  constructor(readonly kwargs: CoPlayKwargs) {
    super();
    const ids = [...new Set(kwargs.games)];
    const names: string[] = [];
    this.tables = ids.map((id) => {
      const game = GAMES.find((g) => g.id === id)!;
      const core = createMultiAgentCore(id, game.kwargs) as GridPlayers;
      for (const e of core.events) if (!names.includes(e)) names.push(e);
      // Each game's event bit → the same event's bit here.
      const events = Uint32Array.from(core.events, (e) => 1 << names.indexOf(e));
      return { id, core, opponent: game.opponents(core), obs: new Float32Array(core.numAgents * core.observationSpace.size), actions: new Int32Array(core.numAgents), events };
    });
    this.events = [...names, "success"];
    this.successBit = 1 << names.length;
    const width = Math.max(...this.tables.map((t) => t.core.observationSpace.size));
    this.observationSpace = new Box(-1, 1, [ids.length + width]);
    this.range = splitRange(kwargs.count, kwargs.split);
    if (this.range.end <= this.range.start) throw new UserError("kwargs.split", `the ${kwargs.split} split of ${kwargs.count} task(s) is empty`);
    if (kwargs.task !== undefined && kwargs.task >= kwargs.count) throw new UserError("kwargs.task", `expected an index below ${kwargs.count}, got ${kwargs.task}`);
    this.taskIndex = kwargs.task ?? this.range.start;
    this.task = this.taskAt(this.taskIndex);
  }

  /** Task `index` of this benchmark: the same for the same seed, games and count. */
  taskAt(index: number): CoPlayTask {
    const { count, benchmarkSeed } = this.kwargs;
    const rng = new Rng(benchmarkSeed * 4294967296 + index);
    const game = rng.int(this.tables.length);
    const m = this.tables[game].core.numAgents;
    const seat = rng.int(m);
    const heldOut = index >= splitRange(count, "train").end;
    // Held out: at least one held-out co-player, the other seats from every co-player.
    const coPlayers = Array.from({ length: m }, () => rng.int(heldOut ? CO_PLAYERS.length : TRAIN_CO_PLAYERS));
    if (heldOut) coPlayers[(seat + 1 + rng.int(m - 1)) % m] = TRAIN_CO_PLAYERS + rng.int(CO_PLAYERS.length - TRAIN_CO_PLAYERS);
    return { game, seat, coPlayers };
  }

  /** What task `index` is, in words: `Tag, seat 2, with chase, still@0.5, flee@0.25`. */
  describeTask(index: number): string {
    const t = this.taskAt(index);
    return `${this.tables[t.game].id}, seat ${t.seat}, with ${t.coPlayers.filter((_, k) => k !== t.seat).map((p) => coPlayerName(CO_PLAYERS[p])).join(", ")}`;
  }

  protected generate(): void {
    const { range } = this;
    this.taskIndex = this.kwargs.task ?? this.range.start + this.rng.int(range.end - range.start);
    this.task = this.taskAt(this.taskIndex);
    const table = this.tables[this.task.game];
    this.gameSeed = this.rng.int(2 ** 31);
    table.core.seed(this.gameSeed);
    table.core.reset(table.obs, 0);
    this.episodeReturn = 0;
  }

  protected transition(actions: ArrayLike<number>, offset: number): number {
    const { core, opponent, obs, events, actions: moves } = this.tables[this.task.game];
    const { seat, coPlayers } = this.task;
    for (let k = 0; k < core.numAgents; k++) moves[k] = k === seat ? actions[offset] : coPlayerAction(core, k, CO_PLAYERS[coPlayers[k]], opponent, this.rng);
    core.step(moves, 0, obs, 0);
    const reward = core.rewards[seat];
    this.episodeReturn += reward;
    const mask = core.eventMasks[seat];
    for (let b = 0; b < events.length; b++) if (mask & (1 << b)) this.eventMask |= events[b];
    if ((core.done || this.stepCount >= STEPS) && this.episodeReturn > 0) this.eventMask |= this.successBit;
    return reward;
  }

  observe(obs: Float32Array, offset: number): void {
    const table = this.tables[this.task.game];
    const games = this.tables.length;
    const size = table.core.observationSpace.size;
    obs.fill(0, offset, offset + this.observationSpace.size);
    obs[offset + this.task.game] = 1;
    const from = this.task.seat * size;
    for (let i = 0; i < size; i++) obs[offset + games + i] = table.obs[from + i];
  }

  opponentDistance(): number {
    const { core, opponent } = this.tables[this.task.game];
    return nearestOpponent(core, this.task.seat, opponent);
  }

  /** Co-players of the current task that no training task has. */
  heldOutCoPlayers(): number {
    let count = 0;
    this.task.coPlayers.forEach((p, k) => (count += k !== this.task.seat && p >= TRAIN_CO_PLAYERS ? 1 : 0));
    return count;
  }

  override info(): Record<string, unknown> {
    return { task: this.taskIndex, mission: this.describeTask(this.taskIndex), gameSeed: this.gameSeed };
  }

  render(): string {
    const { core } = this.tables[this.task.game];
    const { width, height } = core.grid;
    const rows: string[] = [];
    for (let y = 0; y < height; y++) {
      let row = "";
      for (let x = 0; x < width; x++) {
        const k = Array.from({ length: core.numAgents }, (_, j) => j).find((j) => core.x[j] === x && core.y[j] === y);
        row += k === undefined ? (core.wall(x, y) ? "#" : ".") : k === this.task.seat ? "@" : String(k);
      }
      rows.push(row);
    }
    return `${this.describeTask(this.taskIndex)}, step ${this.stepCount}\n${rows.join("\n")}`;
  }
}

export const coPlayEnvs = [
  defineEnv({
    id: "Universe-CoPlay",
    family: "grid",
    summary: "the universe's games with co-players: Tag, Hide and Seek, Capture the Flag, one seat learned, the others scripted; held-out tasks have held-out co-players",
    kwargs: CoPlayKwargs,
    create: (k) => new CoPlayEnv(k),
  }),
];
