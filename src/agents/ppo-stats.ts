/** PPO's update statistics: running means of the loss terms over an iteration's updates, and the critic's explained variance. */
import { LOSS_STATS } from "./ppo-loss.js";

/** Running sums of update statistics, in update order. */
export class UpdateStats {
  private readonly sums: Record<string, number> = {};
  private count = 0;

  /** Adds one update's loss statistics (LOSS_STATS order) and its gradient norm. */
  add(row: Float64Array, gradNorm: number): void {
    LOSS_STATS.forEach((key, j) => (this.sums[key] = (this.sums[key] ?? 0) + row[j]));
    this.sums.gradNorm = (this.sums.gradNorm ?? 0) + gradNorm;
    this.count++;
  }

  mean(key: (typeof LOSS_STATS)[number] | "gradNorm"): number {
    return this.sums[key] / this.count;
  }
}

/** 1 − Var(R − V)/Var(R): how much of the return the critic explains. */
export function explainedVariance(values: Float32Array, returns: Float32Array): number {
  const n = values.length;
  let mr = 0;
  let md = 0;
  for (let k = 0; k < n; k++) {
    mr += returns[k];
    md += returns[k] - values[k];
  }
  mr /= n;
  md /= n;
  let vr = 0;
  let vd = 0;
  for (let k = 0; k < n; k++) {
    vr += (returns[k] - mr) ** 2;
    vd += (returns[k] - values[k] - md) ** 2;
  }
  return vr === 0 ? NaN : 1 - vd / vr;
}

/** An iteration's metrics with CleanRL's names, from its updates' statistics and the rollout's values and returns. */
export function iterationMetrics(lr: number, stats: UpdateStats, values: Float32Array, returns: Float32Array): Record<string, number> {
  return {
    "charts/learning_rate": lr,
    "losses/value_loss": stats.mean("vLoss"),
    "losses/policy_loss": stats.mean("pgLoss"),
    "losses/entropy": stats.mean("entropy"),
    "losses/approx_kl": stats.mean("approxKl"),
    "losses/clipfrac": stats.mean("clipFrac"),
    "losses/grad_norm": stats.mean("gradNorm"),
    "losses/explained_variance": explainedVariance(values, returns),
  };
}

/** Advantages normalized in place per minibatch, as CleanRL does: (A − mean) / (sample std + 1e-8). */
export function normalizeAdvantages(a: Float32Array): void {
  let mean = 0;
  for (let j = 0; j < a.length; j++) mean += a[j];
  mean /= a.length;
  let variance = 0;
  for (let j = 0; j < a.length; j++) variance += (a[j] - mean) ** 2;
  const std = Math.sqrt(variance / (a.length - 1));
  for (let j = 0; j < a.length; j++) a[j] = (a[j] - mean) / (std + 1e-8);
}

