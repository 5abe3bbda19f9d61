/**
 * A curriculum: a distribution over tasks that changes with the learner.
 * It picks the task of each new trial from a range of task indices (a
 * benchmark's split) and hears how each trial went. Every draw comes from
 * the random stream it is handed, and its state is plain data, so a run's
 * curriculum replays exactly from a seed and resumes from a checkpoint.
 */
import type { Rng } from "../core/rng.js";

/** How one trial on a task went. */
export interface TrialOutcome {
  /** Share of the trial's episodes that succeeded, in [0, 1]. */
  success: number;
  /** Mean primary return over the trial's episodes. */
  return: number;
  /** The learner's score of the trial, when it gives one (PLR's positive value loss); higher means more to learn. */
  score?: number;
}

export interface Curriculum {
  readonly kind: string;
  /** The task (an index in [start, end)) of the next trial. */
  next(rng: Rng): number;
  /** What a finished trial on `task` showed. */
  record(task: number, outcome: TrialOutcome): void;
  /** Whether trials reach it only once the learner has scored them (`TrialOutcome.score`). */
  readonly scoredByLearner?: boolean;
  state(): unknown;
  load(state: unknown): void;
}

/** The task indices a curriculum draws from: [start, end). */
export interface TaskRange {
  start: number;
  end: number;
}
