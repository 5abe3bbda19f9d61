/**
 * One seed's bookkeeping while it trains, whatever drives the training (one
 * `TrainingLoop`, or several seeds in lockstep): the window of recent
 * episodes and the learning curve, steps to the success threshold, the
 * evaluations on held-out episodes (config `evaluation`), checkpoints, and
 * at the end the run's summary on the primary ("true") reward.
 *
 * Its own state travels in every checkpoint beside the loop's, so a resumed
 * run's summary is the uninterrupted one's.
 */
import type { EpisodeRecord } from "../agents/episodes.js";
import type { Learner } from "../agents/learner.js";
import { captureState, restoreState } from "../core/state.js";
import { mean } from "../core/stats.js";
import type { RunConfig } from "./config.js";
import { runResult, summarizeEvaluations, type EvaluationRow, type EvaluationSummary, type Evaluator, type ResultSource } from "./evaluate.js";
import type { LoopState } from "./loop.js";
import type { RunRecording } from "./report/record.js";
import { AgentSeat } from "../envs/multi/seats.js";

export interface RunProgress {
  step: number;
  total: number;
  /** Mean primary return over the recent window of episodes. */
  primary: number;
  /** Success rate over the window (NaN for tasks without success). */
  success: number;
  stepsPerSecond: number;
}

export interface RunHooks {
  onIteration?(step: number, metrics: Record<string, number>, episodes: EpisodeRecord[]): void;
  onProgress?(progress: RunProgress): void;
  /** Each evaluation's episodes (config `evaluation`), as they are played. */
  onEvaluation?(rows: EvaluationRow[]): void;
  /** Polled each iteration; true stops the run (it is then marked interrupted). */
  shouldStop?(): boolean;
}

/** Checkpointing of a run: where to resume from, and how often to save. */
export interface CheckpointOptions {
  /** A state saved by an earlier `onCheckpoint`: training continues from there exactly. */
  resume?: unknown;
  /** Save every this many environment steps (and when the run stops early, and at its end). */
  every?: number;
  /** Also save once this many seconds have passed since the last save (0: every iteration). */
  seconds?: number;
  onCheckpoint?(step: number, state: unknown): void;
}

export interface CurvePoint {
  step: number;
  primary: number;
  success: number;
  total: number;
  /** Each term's mean episode return over the window. */
  terms?: Record<string, number>;
  /** Multi-agent runs: each agent index's mean primary episode return over the window's episodes of that agent. */
  agents?: number[];
}

export interface RunSummary {
  name: string;
  seed: number;
  steps: number;
  seconds: number;
  episodes: number;
  /** The run's result: its last evaluation (config `evaluation`, held-out episodes) of the policy evaluated first, or without evaluations its last `window` training episodes. */
  finalPrimary: number;
  finalSuccess: number;
  resultFrom: ResultSource;
  /** Over the last `window` training episodes. */
  trainPrimary: number;
  trainSuccess: number;
  finalReturn: number;
  /** First step at which the windowed success rate reached the threshold; null if never. */
  stepsToThreshold: number | null;
  /** Step of the iteration in which an episode first succeeded; null if none did. */
  firstSuccess: number | null;
  /** Mean episode return of each term over the last window. */
  termReturns: Record<string, number>;
  curve: CurvePoint[];
  /** Every evaluation on held-out episodes (config `evaluation`), each policy's means; the last ones are the run's result. */
  evaluations: EvaluationSummary[];
  interrupted: boolean;
  /** Meta-RL trials: the mean primary return over the window's episodes by their place in the trial (1st, 2nd, …); absent without trials. */
  trialPrimary?: number[];
  /** Visited cells and evaluation replays, for reports (gridworlds, when asked for). */
  recording?: RunRecording;
}

/** The run's result fields of a summary (see `RunSummary.finalPrimary`). */
export function result(evaluations: readonly EvaluationSummary[], trainPrimary: number, trainSuccess: number) {
  const r = runResult(evaluations, trainPrimary, trainSuccess);
  return { finalPrimary: r.primary, finalSuccess: r.success, resultFrom: r.from, trainPrimary, trainSuccess };
}

/** What a checkpoint holds: the loop's state and the run's bookkeeping. */
export interface RunCheckpoint {
  loop: LoopState;
  run: unknown;
}

export class RunBook {
  private recent: EpisodeRecord[] = [];
  private curve: CurvePoint[] = [];
  private evaluations: EvaluationSummary[] = [];
  private episodes = 0;
  private stepsToThreshold: number | null = null;
  private firstSuccess: number | null = null;
  private interrupted = false;
  /** Whether the environment keeps tasks for trials of several episodes (seen once an episode beyond a trial's first ends). */
  private trials = false;
  private readonly termNames: string[];
  /** Agents per table of a multi-agent run (row i·m + j is agent j), else 0. */
  private readonly agents: number;
  private readonly t0 = performance.now();
  private nextCheckpoint = Infinity;
  private savedStep = 0;
  private savedAt = 0;
  private previousStep = 0;
  private budget = Infinity;

  /** `loopState`: the state of whatever trains this seed, for its checkpoints. */
  constructor(
    private readonly config: RunConfig,
    readonly seed: number,
    private readonly learner: Learner,
    private readonly loopState: () => LoopState,
    private readonly hooks: RunHooks = {},
    private readonly checkpoints: CheckpointOptions = {},
    private readonly evaluator?: Evaluator,
  ) {
    this.termNames = learner.env.program.terms.map((t) => t.name);
    const seat = learner.env.vec.cores[0];
    this.agents = seat instanceof AgentSeat ? seat.core.numAgents : 0;
  }

  /** Takes back the bookkeeping of a checkpoint's `run` part (the loop loads its own). */
  restore(saved: unknown): void {
    const run = { recent: this.recent, curve: this.curve, episodes: 0, stepsToThreshold: null as number | null, firstSuccess: null as number | null, evaluations: this.evaluations, trials: false };
    restoreState(run, saved as never);
    Object.assign(this, run);
  }

  /** Call when training (re)starts toward `budget` steps (the learner's plan): the state it starts from counts as saved. */
  start(budget: number): void {
    const step = this.learner.globalStep;
    this.budget = budget;
    this.nextCheckpoint = this.nextAfter(step);
    this.savedStep = step;
    this.savedAt = performance.now();
    this.previousStep = step;
  }

  /** One iteration's metrics and the episodes that ended in it; false: stop (the run is interrupted and checkpointed). */
  iteration(metrics: Record<string, number>, finished: EpisodeRecord[]): boolean {
    const { config, hooks } = this;
    this.episodes += finished.length;
    this.recent.push(...finished);
    if (this.recent.length > config.window) this.recent.splice(0, this.recent.length - config.window);
    const step = this.learner.globalStep;
    const point: CurvePoint = { step, primary: this.windowMean((e) => e.primary), success: this.windowMean((e) => e.success), total: this.windowMean((e) => e.return), terms: this.termMeans() };
    if (this.agents > 0) point.agents = this.agentMeans();
    this.curve.push(point);
    if (this.stepsToThreshold === null && this.recent.length >= Math.min(config.window, 10) && point.success >= config.successThreshold) this.stepsToThreshold = step;
    if (this.firstSuccess === null && finished.some((e) => e.success === 1)) this.firstSuccess = step;
    this.trialMetrics(metrics, finished);
    hooks.onIteration?.(step, metrics, finished);
    // The final evaluation comes in the last iteration, so the checkpoint that follows holds it.
    if (step >= this.budget || this.evaluator?.due(this.previousStep, step)) this.evaluate();
    this.previousStep = step;
    hooks.onProgress?.({ step, total: config.steps, primary: point.primary, success: point.success, stepsPerSecond: step / ((performance.now() - this.t0) / 1000) });
    if (hooks.shouldStop?.()) {
      this.interrupted = true;
      this.saveCheckpoint();
      return false;
    }
    const dueMs = this.checkpoints.seconds === undefined ? Infinity : this.checkpoints.seconds * 1000;
    if (step >= this.nextCheckpoint || performance.now() - this.savedAt >= dueMs) {
      this.saveCheckpoint();
      this.nextCheckpoint = this.nextAfter(step);
    }
    return true;
  }

  /**
   * After training: the final evaluation and state if the last iteration did
   * not save them (for resuming a run killed before it was marked finished,
   * and for its policy), and the run's summary. `record` finishes a report's
   * recording (after the checkpoint).
   */
  finish(record?: () => RunRecording | undefined): RunSummary {
    if (!this.interrupted) this.saveCheckpoint(this.evaluate());
    const seconds = (performance.now() - this.t0) / 1000;
    const recording = record?.();
    return {
      name: this.config.name ?? this.config.env.id,
      seed: this.seed,
      steps: this.learner.globalStep,
      seconds,
      episodes: this.episodes,
      ...result(this.evaluations, this.windowMean((e) => e.primary), this.windowMean((e) => e.success)),
      finalReturn: this.windowMean((e) => e.return),
      stepsToThreshold: this.stepsToThreshold,
      firstSuccess: this.firstSuccess,
      termReturns: this.termMeans(),
      curve: this.curve,
      evaluations: this.evaluations,
      interrupted: this.interrupted,
      ...(this.trials ? { trialPrimary: byPlace(this.recent) } : {}),
      ...(recording ? { recording } : {}),
    };
  }

  private nextAfter(step: number): number {
    const every = this.checkpoints.every;
    return every ? (Math.floor(step / every) + 1) * every : Infinity;
  }

  /** `again`: save at the step already saved (its bookkeeping has changed: the final evaluation). */
  private saveCheckpoint(again = false): void {
    const step = this.learner.globalStep;
    if (!this.checkpoints.onCheckpoint || (step === this.savedStep && !again)) return;
    const { recent, curve, episodes, stepsToThreshold, firstSuccess, evaluations, trials } = this;
    // captureState keeps NaN (a success rate without episodes) through JSON.
    const checkpoint: RunCheckpoint = { loop: this.loopState(), run: captureState({ recent, curve, episodes, stepsToThreshold, firstSuccess, evaluations, trials }) };
    this.checkpoints.onCheckpoint(step, checkpoint);
    this.savedStep = step;
    this.savedAt = performance.now();
  }

  /** Evaluates the current policy unless it was at this step already; whether it did. */
  private evaluate(): boolean {
    const { evaluator, learner } = this;
    if (!evaluator || this.evaluations.at(-1)?.step === learner.globalStep) return false;
    const { rows, social, outcomes } = evaluator.evaluate(learner, learner.globalStep);
    this.evaluations.push(...summarizeEvaluations(rows).map((e) => ({ ...e, ...(social[e.policy] ? { social: social[e.policy] } : {}), ...(outcomes[e.policy] ? { outcomes: outcomes[e.policy] } : {}) })));
    this.hooks.onEvaluation?.(rows);
    return true;
  }

  /**
   * With trials (an episode beyond the first of its trial has ended):
   * `trial/return_k`, the mean primary return of this iteration's k-th
   * episodes of their trials: does the agent improve from episode 1 to k?
   */
  private trialMetrics(metrics: Record<string, number>, finished: readonly EpisodeRecord[]): void {
    if (!this.trials && !finished.some((e) => e.trialEpisode > 0)) return;
    this.trials = true;
    byPlace(finished).forEach((value, k) => {
      if (!Number.isNaN(value)) metrics[`trial/return_${k + 1}`] = value;
    });
  }

  private windowMean(f: (e: EpisodeRecord) => number): number {
    return mean(this.recent.map(f));
  }

  /** Each agent index's mean primary return over the window's episodes of its rows (NaN for an agent with none). */
  private agentMeans(): number[] {
    const m = this.agents;
    const sums = new Array<number>(m).fill(0);
    const counts = new Array<number>(m).fill(0);
    for (const e of this.recent) {
      sums[e.env % m] += e.primary;
      counts[e.env % m]++;
    }
    return sums.map((sum, j) => (counts[j] ? sum / counts[j] : NaN));
  }

  private termMeans(): Record<string, number> {
    return Object.fromEntries(this.termNames.map((t) => [t, this.windowMean((e) => e.terms[t])]));
  }
}

/** Mean primary return of `episodes` by their place in their trials (NaN for a place none of them had). */
function byPlace(episodes: readonly EpisodeRecord[]): number[] {
  const places = Math.max(0, ...episodes.map((e) => e.trialEpisode + 1));
  return Array.from({ length: places }, (_, k) => mean(episodes.filter((e) => e.trialEpisode === k).map((e) => e.primary)));
}
