/**
 * One training run: build the environment and its reward program, the
 * learner, train for the budget, and summarize what happened on the primary
 * ("true") reward, whatever reward the learner was given.
 */
import { createLearner } from "../agents/index.js";
import { captureState, restoreState } from "../core/state.js";
import type { EpisodeRecord } from "../agents/episodes.js";
import { makeRewarded } from "../rewards/make.js";
import type { RunConfig } from "./config.js";
import { Recorder, type RecordOptions, type RunRecording } from "./report/record.js";
import { mean } from "../core/stats.js";
import { TrainingLoop, type LoopState } from "./loop.js";
import { Evaluator, runResult, summarizeEvaluations, type EvaluationRow, type EvaluationSummary, type ResultSource } from "./evaluate.js";

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
  /** Visited cells and evaluation replays, for reports (gridworlds, when asked for). */
  recording?: RunRecording;
}

/** The run's result fields of a summary (see `RunSummary.finalPrimary`). */
export function result(evaluations: readonly EvaluationSummary[], trainPrimary: number, trainSuccess: number) {
  const r = runResult(evaluations, trainPrimary, trainSuccess);
  return { finalPrimary: r.primary, finalSuccess: r.success, resultFrom: r.from, trainPrimary, trainSuccess };
}

/** The fixed layouts of a run with `env.layouts`: different for each run seed, so seeds average over layouts. */
export function layoutSeeds(layouts: number | undefined, seed: number): number[] | undefined {
  return layouts === undefined ? undefined : Array.from({ length: layouts }, (_, j) => 1_000_003 * (seed + 1) + j);
}

/**
 * Trains one seed of a run config whose reward is already resolved (not a
 * path). With `record`, a gridworld run also counts visited cells and
 * evaluates the final policy for a report.
 */
export function runTraining(config: RunConfig, seed: number, hooks: RunHooks = {}, record?: RecordOptions, checkpoints: CheckpointOptions = {}): RunSummary {
  const name = config.name ?? config.env.id;
  const env = makeRewarded(config.env.id, config.numEnvs, config.reward, { kwargs: config.env.kwargs, layoutSeeds: layoutSeeds(config.env.layouts, seed) });
  const learner = createLearner(config.learner, env, seed);
  const loop = new TrainingLoop(learner);
  const evaluator = config.evaluation.episodes > 0 ? new Evaluator(config, layoutSeeds(config.env.layouts, seed)) : undefined;
  const evaluations: EvaluationSummary[] = [];
  const recorder = record ? Recorder.attach(env, config.steps, record) : undefined;
  const termNames = env.program.terms.map((t) => t.name);
  const recent: EpisodeRecord[] = [];
  const curve: CurvePoint[] = [];
  let episodes = 0;
  let stepsToThreshold: number | null = null;
  let firstSuccess: number | null = null;
  let interrupted = false;
  const t0 = performance.now();
  // The run's own bookkeeping travels with the loop's state, so a resumed run's summary is the uninterrupted one's.
  const bookkeeping = () => ({ recent, curve, episodes, stepsToThreshold, firstSuccess, evaluations });
  if (checkpoints.resume !== undefined) {
    const saved = checkpoints.resume as { loop: LoopState; run: never };
    loop.load(saved.loop);
    const run = { recent: [] as EpisodeRecord[], curve: [] as CurvePoint[], episodes: 0, stepsToThreshold: null as number | null, firstSuccess: null as number | null, evaluations: [] as EvaluationSummary[] };
    restoreState(run, saved.run);
    recent.push(...run.recent);
    curve.push(...run.curve);
    evaluations.push(...run.evaluations);
    episodes = run.episodes;
    stepsToThreshold = run.stepsToThreshold;
    firstSuccess = run.firstSuccess;
  }
  const every = checkpoints.every;
  const nextAfter = (step: number) => (every ? (Math.floor(step / every) + 1) * every : Infinity);
  let nextCheckpoint = nextAfter(learner.globalStep);
  const dueMs = checkpoints.seconds === undefined ? Infinity : checkpoints.seconds * 1000;
  // The checkpoint resumed from counts as saved.
  let savedStep = learner.globalStep;
  let savedAt = performance.now();
  // `again`: save at the step already saved (its bookkeeping has changed: the final evaluation).
  const saveCheckpoint = (again = false) => {
    if (!checkpoints.onCheckpoint || (learner.globalStep === savedStep && !again)) return;
    // captureState keeps NaN (a success rate without episodes) through JSON.
    checkpoints.onCheckpoint(learner.globalStep, { loop: loop.state(), run: captureState(bookkeeping()) });
    savedStep = learner.globalStep;
    savedAt = performance.now();
  };
  const evaluate = () => {
    if (!evaluator || evaluations.at(-1)?.step === learner.globalStep) return false;
    const rows = evaluator.evaluate(learner, learner.globalStep);
    evaluations.push(...summarizeEvaluations(rows));
    hooks.onEvaluation?.(rows);
    return true;
  };
  const windowMean = (f: (e: EpisodeRecord) => number) => mean(recent.map(f));
  const termMeans = () => Object.fromEntries(termNames.map((t) => [t, windowMean((e) => e.terms[t])]));
  let previousStep = learner.globalStep;
  loop.run(config.steps, (metrics, finished) => {
    episodes += finished.length;
    recent.push(...finished);
    if (recent.length > config.window) recent.splice(0, recent.length - config.window);
    const step = learner.globalStep;
    const point = { step, primary: windowMean((e) => e.primary), success: windowMean((e) => e.success), total: windowMean((e) => e.return), terms: termMeans() };
    curve.push(point);
    if (stepsToThreshold === null && recent.length >= Math.min(config.window, 10) && point.success >= config.successThreshold) stepsToThreshold = step;
    if (firstSuccess === null && finished.some((e) => e.success === 1)) firstSuccess = step;
    hooks.onIteration?.(step, metrics, finished);
    if (evaluator?.due(previousStep, step)) evaluate();
    previousStep = step;
    hooks.onProgress?.({ step, total: config.steps, primary: point.primary, success: point.success, stepsPerSecond: step / ((performance.now() - t0) / 1000) });
    if (hooks.shouldStop?.()) {
      interrupted = true;
      saveCheckpoint();
      return false;
    }
    if (step >= nextCheckpoint || performance.now() - savedAt >= dueMs) {
      saveCheckpoint();
      nextCheckpoint = nextAfter(step);
    }
  });
  // The final evaluation, then the final state (for resuming a run killed before it was marked finished, and for its policy).
  if (!interrupted) saveCheckpoint(evaluate());
  const seconds = (performance.now() - t0) / 1000;
  // Evaluation layouts depend on the seed only, so designs are evaluated on the same episodes.
  const recording = recorder?.finish(learner, 1_000_000 * (seed + 1));
  return {
    name,
    seed,
    steps: learner.globalStep,
    seconds,
    episodes,
    ...result(evaluations, windowMean((e) => e.primary), windowMean((e) => e.success)),
    finalReturn: windowMean((e) => e.return),
    stepsToThreshold,
    firstSuccess,
    termReturns: termMeans(),
    curve,
    evaluations,
    interrupted,
    ...(recording ? { recording } : {}),
  };
}
