/**
 * XLand's task filter (Open-Ended Learning Team 2021, dynamic task
 * generation): train on tasks that are neither too easy nor too hard for
 * the current agent. A candidate task is drawn uniformly; it is kept if the
 * agent's estimated success on it lies in [low, high], else another is drawn
 * (up to `tries`; the last candidate is kept). The estimate is a running
 * mean of the agent's own trials on the task (weight `rate` on the newest);
 * a task never tried has no estimate and is kept.
 *
 * Difference from XLand: there, candidates are judged by a few evaluation
 * episodes of the current agent before training on them; here by the
 * agent's past training trials on them, which costs nothing but lags.
 */
import type { Rng } from "../core/rng.js";
import type { Curriculum, TaskRange, TrialOutcome } from "./curriculum.js";

export interface FilterOptions {
  low: number;
  high: number;
  tries: number;
  rate: number;
}

export class TaskFilter implements Curriculum {
  readonly kind = "filter";
  /** Estimated success per tried task (plain data, so checkpoints capture it). */
  private estimate: Record<number, number> = {};

  constructor(
    private readonly range: TaskRange,
    readonly options: FilterOptions,
  ) {}

  next(rng: Rng): number {
    const { start, end } = this.range;
    const { low, high, tries } = this.options;
    let task = start;
    for (let k = 0; k < tries; k++) {
      task = start + rng.int(end - start);
      const p = this.estimate[task];
      if (p === undefined || (p >= low && p <= high)) return task;
    }
    return task;
  }

  record(task: number, outcome: TrialOutcome): void {
    const p = this.estimate[task];
    this.estimate[task] = p === undefined ? outcome.success : p + this.options.rate * (outcome.success - p);
  }

  /** The estimated success of `task`, if it was tried. */
  estimateOf(task: number): number | undefined {
    return this.estimate[task];
  }

  state(): unknown {
    return { estimate: { ...this.estimate } };
  }

  load(state: unknown): void {
    this.estimate = { ...(state as { estimate: Record<number, number> }).estimate };
  }
}
