/**
 * Asynchronous successive halving (ASHA; Li et al. 2020, "A System for
 * Massively Parallel Hyperparameter Tuning"), as a stopping rule: a trial
 * reaching rung r goes on only if its value is at least the (1 − 1/η)
 * quantile of the values recorded at r so far (every trial that reached
 * it, itself included). Rungs are fractions of the budget; the first
 * `minTrials` to reach a rung always go on, as there is nothing yet to
 * compare with. Trials never wait for each other, so workers stay busy.
 */

/** The rungs' step counts, increasing, each below the budget. */
export function rungSteps(fractions: readonly number[], budget: number): number[] {
  return [...new Set(fractions.map((f) => Math.max(1, Math.round(f * budget))))].filter((s) => s < budget).sort((a, b) => a - b);
}

/** The q-quantile of `values`, interpolating linearly between order statistics (as numpy's percentile). */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const at = q * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

/** Whether a trial with `value` at a rung where `recorded` (its own included) were seen goes on. */
export function promote(value: number, recorded: readonly number[], eta: number, minTrials: number): boolean {
  const finite = recorded.filter(Number.isFinite);
  if (finite.length < minTrials) return true;
  if (!Number.isFinite(value)) return false;
  return value >= quantile(finite, 1 - 1 / eta);
}
