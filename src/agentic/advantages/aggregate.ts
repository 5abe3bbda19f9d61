/**
 * Advantages from several rewards per response (TRL's GRPOTrainer
 * `multi_objective_aggregation`): sum then normalize, or normalize each
 * aspect then sum (GDPO). The group statistics are group.ts's.
 */
import { UserError } from "../../core/errors.js";
import { checkValues, computeStats, divisor, groupAdvantages, Grouping, oneOf, outArray, ratio, read, resolveConventions, spread, validArray, type AdvantageOptions, type GroupSpec, type Rewards } from "./group.js";

export type Aggregation = "sum_then_normalize" | "normalize_then_sum";

export interface AggregateOptions extends AdvantageOptions {
  /**
   * `normalize_then_sum` only: after the weighted sum of the per-aspect group
   * advantages, `batch` (default, TRL and GDPO) standardizes the sums over the
   * whole batch, (s − μ_B)/(σ_B + ε); `none` returns the sums (MO-GRPO).
   */
  final?: "batch" | "none";
}

/**
 * Advantages from several rewards per response (aspects: correctness,
 * format, length …), as TRL's GRPOTrainer `multi_objective_aggregation`:
 *
 * - `sum_then_normalize` (TRL's default): s_i = Σ_k w_k·r_{k,i}, then
 *   `groupAdvantages(s)` with these options (any estimator and scale).
 * - `normalize_then_sum` (GDPO, "Group reward-Decoupled Normalization Policy
 *   Optimization"): each aspect is GRPO-normalized within its group,
 *   â_{k,i} = (r_{k,i} − μ_{k,g})/(σ_{k,g} + ε), summed with the weights,
 *   s_i = Σ_k w_k·â_{k,i}, and the sums standardized over the whole batch,
 *   A_i = (s_i − μ_B)/(σ_B + ε) — what TRL's code does and its docs say
 *   ("the aggregated reward is then normalized at the batch level"). The
 *   per-aspect step always divides by the group std, so `estimator` must be
 *   grpo and `scale` is not accepted. A batch with one scored response gets 0.
 *
 * Missing values (under `missing: "skip"`, TRL): a missing aspect is left out
 * of the sum (TRL's nansum), and a response whose aspects are all missing is
 * unscorable: left out of the statistics, advantage 0, `valid` 0.
 * `normalize`, `clipRewards` and `clipAdvantages` apply to the sums in
 * `sum_then_normalize` (TRL's RLOOTrainer clips the weighted sum); TRL's
 * `normalize_then_sum` has neither, and they are refused there.
 *
 * @param aspects one array per aspect, each with one reward per response.
 * @param weights one per aspect; null: all 1 (TRL's default).
 */
export function aggregateObjectives(
  aspects: readonly Rewards[],
  weights: ArrayLike<number> | null,
  groups: GroupSpec,
  mode: Aggregation,
  options: AggregateOptions = {},
): Float64Array {
  const K = aspects.length;
  if (K === 0) throw new UserError("aspects", "expected at least one aspect, got none");
  const n = aspects[0].length;
  for (let k = 1; k < K; k++) {
    if (aspects[k].length !== n) throw new UserError(`aspects[${k}]`, `expected ${n} rewards (as aspects[0]), got ${aspects[k].length}`);
  }
  if (weights !== null) {
    if (weights.length !== K) throw new UserError("weights", `expected ${K} weights (one per aspect), got ${weights.length}`);
    for (let k = 0; k < K; k++) {
      if (!Number.isFinite(weights[k])) throw new UserError(`weights[${k}]`, `expected a finite number, got ${String(weights[k])}`);
    }
  }
  oneOf(mode, ["sum_then_normalize", "normalize_then_sum"], "mode");
  const conv = resolveConventions(options, "options", mode === "sum_then_normalize" ? (options.estimator ?? "grpo") : "grpo");
  const out = outArray(options.out, n);
  // Checks every aspect value first: errors name aspects[k][i].
  for (let k = 0; k < K; k++) checkValues(aspects[k], conv.missing, `aspects[${k}]`);

  if (mode === "sum_then_normalize") {
    for (let i = 0; i < n; i++) {
      let s = 0;
      let scored = false;
      for (let k = 0; k < K; k++) {
        const r = read(aspects[k], i);
        if (r !== r) continue;
        s += (weights === null ? 1 : weights[k]) * r;
        scored = true;
      }
      out[i] = scored || conv.missing === "zero" ? s : Number.NaN;
    }
    // Unscorable rows are NaN here (only under missing: "skip"); `final` does not apply.
    return groupAdvantages(out, groups, { ...options, out });
  }

  if (options.estimator !== undefined && options.estimator !== "grpo") {
    throw new UserError("options.estimator", `normalize_then_sum normalizes each aspect with grpo; got ${options.estimator} (use sum_then_normalize)`);
  }
  for (const key of ["scale", "normalize", "clipRewards", "clipAdvantages"] as const) {
    if (options[key] !== undefined && options[key] !== null) {
      throw new UserError(`options.${key}`, "normalize_then_sum divides each aspect by its group std and the sum by the batch std, and clips nothing (use sum_then_normalize)");
    }
  }
  const final = options.final ?? "batch";
  oneOf(final, ["batch", "none"], "options.final");
  const grouping = Grouping.of(groups, n);
  const valid = validArray(options.valid, n);
  const { groupOf, count, mean, std } = grouping;
  const { singleton } = conv;
  out.fill(0);
  for (let k = 0; k < K; k++) {
    const a = aspects[k];
    const w = weights === null ? 1 : weights[k];
    // TRL normalizes each reward function with nanmean/nanstd: its None values are left out here.
    computeStats(a, grouping, conv.missing === "zero" ? { ...conv, missing: "skip" } : conv, `aspects[${k}]`);
    for (let i = 0; i < n; i++) {
      const r = read(a, i);
      if (r !== r) continue;
      const g = groupOf[i];
      if (count[g] === 1) {
        if (singleton === "error") throw new UserError(`aspects[${k}][${i}]`, `is the only scored response in its group; a group of one has no baseline (set singleton to "zero" or "raw")`);
        if (singleton === "raw") out[i] += (w * r) / divisor(1, conv);
        continue;
      }
      out[i] += w * ratio(r - mean[g], divisor(std[g], conv));
    }
  }
  // Unscorable rows (every aspect missing) → NaN, left out of the batch statistics.
  if (conv.missing === "skip" || valid !== undefined) {
    for (let i = 0; i < n; i++) {
      let scored = conv.missing !== "skip";
      for (let k = 0; k < K && !scored; k++) {
        const r = read(aspects[k], i);
        scored = r === r;
      }
      if (!scored) out[i] = Number.NaN;
      if (valid !== undefined) valid[i] = scored ? 1 : 0;
    }
  }
  if (final === "none") {
    for (let i = 0; i < n; i++) if (out[i] !== out[i]) out[i] = 0;
    return out;
  }
  // Batch standardization of the sums, over the scored rows.
  let batchCount = 0;
  let batchSum = 0;
  for (let i = 0; i < n; i++) {
    const s = out[i];
    if (s !== s) continue;
    batchCount++;
    batchSum += s;
  }
  const μ_B = batchSum / batchCount;
  let SS = 0;
  for (let i = 0; i < n; i++) {
    const s = out[i];
    if (s === s) SS += (s - μ_B) * (s - μ_B);
  }
  const σ_B = spread(SS, batchCount, conv);
  for (let i = 0; i < n; i++) {
    const s = out[i];
    out[i] = s !== s || batchCount < 2 ? 0 : ratio(s - μ_B, divisor(σ_B, conv));
  }
  return out;
}
