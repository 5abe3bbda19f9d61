/**
 * Trials awaiting the learner's score. Prioritized Level Replay scores a
 * level by its positive value loss, the mean of max(Â_t, 0) over the steps
 * played on it (Jiang et al. 2021, §3), and those advantages exist only when
 * the learner ends a rollout, after the environment has moved on to other
 * tasks. So an environment notes which trial each step belonged to; the
 * learner hands back each step's advantage, in step order; and a trial that
 * has ended and has every step scored is reported to the curriculum with its
 * score. Plain data throughout, so a checkpoint captures it.
 */
import type { Rng } from "../../core/rng.js";

/**
 * Picks the task of each new trial and hears how each trial went: a
 * curriculum (curricula/), which a run installs. Draws come from the
 * environment's own stream, so a seeded run replays its curriculum.
 */
export interface TaskChooser {
  next(rng: Rng): number;
  record(task: number, outcome: TrialOutcome): void;
  /** Whether it waits for the learner's score of each trial (PLR's positive value loss) instead of taking the trial's outcome at once. */
  readonly scoredByLearner?: boolean;
}

/** How a trial went: its share of successful episodes, mean primary return and, when the learner gives one, its score. */
export interface TrialOutcome {
  success: number;
  return: number;
  score?: number;
}

interface OpenTrial {
  task: number;
  /** Σ max(Â_t, 0) and the steps counted so far. */
  sum: number;
  steps: number;
  /** How the trial went, once it has ended. */
  outcome: TrialOutcome | null;
}

export class TrialLedger {
  /** The trial of each step since the learner last scored this environment, in order. */
  private unscored: number[] = [];
  /** Trials with steps not yet scored or not yet ended, by id. */
  private open: Record<number, OpenTrial> = {};
  private current = -1;
  private nextId = 0;

  constructor(private readonly chooser: TaskChooser) {}

  /** A trial on `task` begins. */
  begin(task: number): void {
    this.current = this.nextId++;
    this.open[this.current] = { task, sum: 0, steps: 0, outcome: null };
  }

  /** A step of the current trial was taken. */
  step(): void {
    this.unscored.push(this.current);
  }

  /** The current trial ended: its outcome waits for the scores of its last steps. */
  end(outcome: TrialOutcome): void {
    this.open[this.current].outcome = outcome;
  }

  /**
   * The learner's advantages of this environment's steps since the last call,
   * `advantages[row + k·stride]` for k < count, in step order; then every
   * ended trial goes to the curriculum, in the order the trials began.
   */
  score(advantages: Float32Array, row: number, stride: number, count: number): void {
    if (count !== this.unscored.length) throw new Error(`the learner scored ${count} steps of a universe environment that took ${this.unscored.length}`);
    for (let k = 0; k < count; k++) {
      const trial = this.open[this.unscored[k]];
      trial.sum += Math.max(advantages[row + k * stride], 0);
      trial.steps++;
    }
    this.unscored.length = 0;
    for (const id of Object.keys(this.open).map(Number)) {
      const trial = this.open[id];
      if (!trial.outcome) continue;
      this.chooser.record(trial.task, { ...trial.outcome, score: trial.steps > 0 ? trial.sum / trial.steps : 0 });
      delete this.open[id];
    }
  }
}
