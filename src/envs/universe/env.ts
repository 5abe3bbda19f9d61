/**
 * ## Description
 * The open-ended universe (XLand-MiniGrid's, on rewardlab's gridworld
 * engine): a world of one, two or four rooms holding colored shapes; a task
 * is a goal and production rules (rules.ts, goals.ts), drawn from a
 * benchmark (benchmark.ts) or given inline. The rules and the goal are hidden
 * unless `show` puts them in the observation, so an agent must find out what
 * turns into what. With `trial: k` one task is kept for k episodes (a
 * meta-RL trial): a memory agent can carry what it learned from one episode
 * to the next.
 * ## Actions  MiniGrid's seven: left, right, forward, pickup, drop, toggle (doors), done.
 * ## Rewards  1 − 0.9·(t/T) when the goal is met, 0 otherwise.
 * ## Termination  the goal met; truncated at T = 3·size² (XLand-MiniGrid's budget).
 * ## Events  the grid's, plus `pickup:shape`, `drop:shape` and `rule` (a production rule fired); `success` when the goal is met.
 * ## Registered  Universe-R1-9x9, Universe-R2-9x9, Universe-R4-13x13
 */
import { existsSync } from "node:fs";
import { z } from "zod";
import { UserError } from "../../core/errors.js";
import { defineEnv } from "../spec.js";
import { feature, type Feature } from "../core.js";
import { GridEnv, GridKwargs } from "../grid/engine.js";
import { E } from "../grid/events.js";
import { agentFeatures, carryingFeatures } from "../grid/features.js";
import { A, COLOR_NAMES, S, door } from "../grid/objects.js";
import { Benchmark, namedBenchmark, type Split } from "./benchmark.js";
import { goalMet } from "./goals.js";
import { applyRules, sideOffsets, type StepView } from "./rules.js";
import { encodeRuleset, rulesetFromJson, RulesetJson, type Ruleset } from "./ruleset.js";
import { DIFFICULTIES } from "./generate.js";
import { TrialLedger, type TaskChooser } from "./trial-ledger.js";

/** Rules shown in the observation with `show: rules` (the rest are cut). */
export const SHOWN_RULES = 16;

export const UniverseKwargs = GridKwargs.extend({
  viewSize: GridKwargs.shape.viewSize.removeDefault().default(5),
  layout: z.enum(["R1", "R2", "R4"]).default("R1").describe("one room, two rooms or four rooms joined by closed doors"),
  size: z.number().int().min(5).max(31).default(9).describe("side of the world, walls included"),
  benchmark: z.string().default("trivial").describe("tasks: a difficulty generated in-process (trivial, small, medium, high) or a benchmark file from `rewardlab universe generate`"),
  count: z.number().int().min(1).max(10_000_000).default(10_000).describe("tasks in a generated benchmark"),
  benchmarkSeed: z.number().int().min(0).default(0).describe("seed of a generated benchmark"),
  split: z.enum(["train", "test", "all"]).default("train").describe("which tasks episodes draw from: train (the first 90%), test (the held-out last 10%) or all"),
  task: z.number().int().min(0).optional().describe("always this task of the benchmark (its index); otherwise one drawn per trial from the split"),
  ruleset: RulesetJson.optional().describe("one task given inline (overrides benchmark)"),
  trial: z.number().int().min(1).max(1000).default(1).describe("episodes each task is kept for"),
  goal: z.enum(["task", "spec"]).default("task").describe("what ends an episode in success: the task's goal, or the run's reward spec (a reward machine or LTLf formula over the universe's events and features; success is its acceptance)"),
  show: z.enum(["nothing", "goal", "rules"]).default("nothing").describe("what of the task the observation carries: nothing, the goal, or the goal and rules (encoded)"),
}).strict();
export type UniverseKwargs = z.output<typeof UniverseKwargs>;

export class UniverseEnv extends GridEnv {
  readonly features: readonly Feature<any>[] = [
    ...agentFeatures,
    ...carryingFeatures,
    feature("trial.episode", "episodes of the current task before this one (0 at a new task)", (e: UniverseEnv) => e.episodeInTrial),
    feature("task.index", "index of the current task in its benchmark (−1 for an inline task)", (e: UniverseEnv) => e.taskIndex),
    feature("task.rules", "production rules of the current task", (e: UniverseEnv) => e.task.rules.length),
  ];
  readonly benchmark: Benchmark | undefined;
  task: Ruleset;
  taskIndex = -1;
  /** Episodes played on the current task before this one. */
  episodeInTrial = -1;
  private readonly offsets: Int32Array;
  /** The task indices trials draw from (the split). */
  readonly range: { start: number; end: number };
  /** A curriculum choosing each trial's task; without one, tasks are drawn uniformly from the split. */
  get chooser(): TaskChooser | undefined {
    return this.taskChooser;
  }
  set chooser(chooser: TaskChooser | undefined) {
    this.taskChooser = chooser;
    this.ledger = chooser?.scoredByLearner ? new TrialLedger(chooser) : undefined;
  }
  private taskChooser: TaskChooser | undefined;
  /** With a chooser scored by the learner: the trials awaiting their scores. */
  private ledger: TrialLedger | undefined;
  /** The current trial so far: episodes ended, successes, summed return. */
  private trialEpisodes = 0;
  private trialSuccesses = 0;
  private trialReturn = 0;
  private episodeReturn = 0;
  private readonly stepView: StepView = { action: 0, agentIndex: 0, carrying: 0, dropped: -1 };
  private readonly code: Float32Array;
  /** A task set from outside (a curriculum); it replaces the draw at the next trial. */
  private pending: { task: Ruleset; index: number } | undefined;

  constructor(readonly kwargs: UniverseKwargs) {
    const missionSize = kwargs.show === "nothing" ? 0 : kwargs.show === "goal" ? 4 : 4 + 1 + 5 * SHOWN_RULES;
    super(kwargs.size, kwargs.size, 3 * kwargs.size * kwargs.size, kwargs, { missionSize });
    this.offsets = sideOffsets(this.grid.stride);
    this.code = new Float32Array(missionSize);
    if (kwargs.ruleset) {
      this.benchmark = undefined;
      this.task = rulesetFromJson(kwargs.ruleset);
      this.range = { start: 0, end: 0 };
    } else {
      this.benchmark = loadBenchmark(kwargs);
      this.range = this.benchmark.split(kwargs.split as Split);
      if (this.range.end <= this.range.start) throw new UserError("kwargs.split", `the ${kwargs.split} split of a benchmark of ${this.benchmark.size} task(s) is empty`);
      if (kwargs.task !== undefined && kwargs.task >= this.benchmark.size) throw new UserError("kwargs.task", `expected an index below ${this.benchmark.size}, got ${kwargs.task}`);
      this.taskIndex = kwargs.task ?? this.range.start;
      this.task = this.benchmark.task(this.taskIndex);
    }
    this.mission = "find out what the objects do";
  }

  override get successEvent(): string | undefined {
    return this.kwargs.goal === "spec" ? "rm:accept" : super.successEvent;
  }

  override get newTrial(): boolean {
    return this.episodeInTrial === 0;
  }

  override scoreSteps(advantages: Float32Array, row: number, stride: number, count: number): void {
    this.ledger?.score(advantages, row, stride, count);
  }

  /** Plays `task` from the next trial on (a curriculum's choice); `index` names it in its benchmark. */
  setTask(task: Ruleset, index = -1): void {
    this.pending = { task, index };
    this.episodeInTrial = -1;
  }

  protected generateGrid(): void {
    this.nextTask();
    const { size, layout } = this.kwargs;
    this.grid.wallRect(0, 0, size, size);
    const half = Math.floor(size / 2);
    const color = () => this.randInt(0, COLOR_NAMES.length);
    if (layout === "R2") {
      this.grid.vertWall(half, 0, size);
      this.grid.set(half, this.randInt(1, size - 1), door(color(), S.closed));
    } else if (layout === "R4") {
      this.grid.vertWall(half, 0, size);
      this.grid.horzWall(0, half, size);
      this.grid.set(this.randInt(1, half), half, door(color(), S.closed));
      this.grid.set(half + this.randInt(1, half), half, door(color(), S.closed));
      this.grid.set(half, this.randInt(1, half), door(color(), S.closed));
      this.grid.set(half, half + this.randInt(1, half), door(color(), S.closed));
    }
    for (const tile of this.task.objects) this.placeObj(tile);
    this.placeAgent();
    this.encodeTask();
  }

  /** Keeps the task within a trial; at a new trial takes the pending task or draws one from the split. */
  private nextTask(): void {
    this.episodeInTrial++;
    if (this.episodeInTrial > 0 && this.episodeInTrial < this.kwargs.trial) return;
    this.episodeInTrial = 0;
    if (this.pending) {
      ({ task: this.task, index: this.taskIndex } = this.pending);
      this.pending = undefined;
    } else if (this.benchmark && this.kwargs.task === undefined) {
      this.taskIndex = this.chooser ? this.chooser.next(this.rng) : this.randInt(this.range.start, this.range.end);
      this.task = this.benchmark.task(this.taskIndex);
    }
    this.ledger?.begin(this.taskIndex);
  }

  /** Counts an ended episode; at the trial's last episode, tells the chooser how the trial went. */
  private episodeEnded(success: boolean): void {
    this.trialEpisodes++;
    this.trialSuccesses += success ? 1 : 0;
    this.trialReturn += this.episodeReturn;
    this.episodeReturn = 0;
    if (this.episodeInTrial < this.kwargs.trial - 1) return;
    const outcome = { success: this.trialSuccesses / this.trialEpisodes, return: this.trialReturn / this.trialEpisodes };
    if (this.ledger) this.ledger.end(outcome);
    else this.chooser?.record(this.taskIndex, outcome);
    this.trialEpisodes = this.trialSuccesses = this.trialReturn = 0;
  }

  protected override transition(actions: ArrayLike<number>, offset: number): number {
    const action = actions[offset];
    const held = this.carrying;
    this.ledger?.step();
    this.act(action);
    // One view object reused every step: nothing allocated on the hot path.
    const step = this.stepView;
    step.action = action;
    step.agentIndex = this.agentIndex;
    step.carrying = this.carrying;
    step.dropped = action === A.drop && held !== 0 && this.carrying === 0 ? this.frontIndex : -1;
    if (applyRules(this.task.rules, this.grid, this.offsets, step) > 0) this.eventMask |= E.rule;
    this.carrying = step.carrying;
    // With goal: spec the reward spec's machine decides success (and ends the episode through its product).
    const success = this.kwargs.goal === "task" && goalMet(this.task.goal, this.grid.cells, this.offsets, step);
    const reward = success ? this.succeed() : 0;
    this.episodeReturn += reward;
    // The step that ends the episode: the goal met, or the step limit (EnvCore truncates after this).
    if (success || this.stepCount >= this.maxSteps) this.episodeEnded(success);
    return reward;
  }

  /** The shown part of the task as codes (encodeRuleset's bytes), zero-padded. */
  private encodeTask(): void {
    if (this.code.length === 0) return;
    const bytes = encodeRuleset(this.task);
    this.code.fill(0);
    if (this.kwargs.show === "goal") this.code.set(bytes.slice(0, 4));
    else this.code.set(bytes.slice(0, Math.min(bytes.length - 1 - this.task.objects.length, this.code.length)));
  }

  protected override writeMission(obs: Float32Array, offset: number): void {
    obs.set(this.code, offset);
  }
}

function loadBenchmark(k: UniverseKwargs): Benchmark {
  if (k.benchmark in DIFFICULTIES) return namedBenchmark(k.benchmark, k.count, k.benchmarkSeed);
  if (!existsSync(k.benchmark)) throw new UserError("kwargs.benchmark", `expected ${Object.keys(DIFFICULTIES).join(", ")} or a benchmark file, got ${JSON.stringify(k.benchmark)} (no such file)`);
  return Benchmark.load(k.benchmark);
}

const make = (id: string, layout: "R1" | "R2" | "R4", size: number) =>
  defineEnv({
    id,
    family: "grid",
    summary: `the open-ended universe: ${layout === "R1" ? "one room" : layout === "R2" ? "two rooms" : "four rooms"}, ${size}×${size}, tasks of production rules and goals from a benchmark`,
    kwargs: UniverseKwargs,
    preset: { layout, size },
    create: (k) => new UniverseEnv(k),
  });

export const universeEnvs = [make("Universe-R1-9x9", "R1", 9), make("Universe-R2-9x9", "R2", 9), make("Universe-R4-13x13", "R4", 13)];
