/**
 * PAR, Preference As Reward: bounded reward shaping against reward hacking
 * in RLHF ("Reward Shaping to Mitigate Reward Hacking in RLHF", Fu et al.
 * 2025). A reward model's score r for a response is replaced by how often it
 * beats reference responses to the same prompt, as a Bradley–Terry
 * preference:
 *
 *   r_PAR = (1/M) Σ_m σ(k·(r − r_ref_m))
 *
 * where r_ref_m are the reward model's scores of M reference responses
 * (the paper's defaults: M = 10, k = 1). r_PAR lies in [0, 1] (in exact
 * arithmetic strictly inside), is increasing in r, and its slope is at most
 * k/4, so pushing r ever higher stops paying: the bound is what curbs
 * hacking. The same work's "centered" baseline is kept for comparison:
 *
 *   r_centered = (1/M) Σ_m (r − r_ref_m) = r − mean(r_ref)   (unbounded)
 *
 * Batched: rewards is one score per sample; references are all samples'
 * reference scores end to end, either M per sample (`{ m: M }`) or ragged
 * (`{ offsets }`: sample i's references are offsets[i] … offsets[i+1] − 1).
 */
import { sigmoid } from "../rewards/transforms.js";
import { UserError } from "../core/errors.js";

type Values = Float64Array | Float32Array | ArrayLike<number>;

/** How the references are laid out: M per sample, or ragged by offsets (one more than the samples, from 0 to the number of references). */
export type ReferenceLayout = { m: number } | { offsets: ArrayLike<number> };

export interface ParOptions {
  /** `par` (default): the mean of σ(k·(r − r_ref)); `centered`: the mean of r − r_ref. */
  variant?: "par" | "centered";
  /** k, the sigmoid's steepness (> 0); default 1. Ignored by `centered`. */
  k?: number;
  out?: Float64Array;
}

/**
 * PAR-shaped (or centered) rewards of a batch.
 *
 * @example
 * // two samples, M = 2 references each
 * parRewards([1, 0], [0, 1, 0, 1], { m: 2 }); // [(σ(1) + σ(0))/2, (σ(0) + σ(−1))/2]
 */
export function parRewards(rewards: Values, references: Values, layout: ReferenceLayout, options: ParOptions = {}): Float64Array {
  const variant = options.variant ?? "par";
  if (variant !== "par" && variant !== "centered") throw new UserError("options.variant", `expected par or centered, got ${JSON.stringify(variant)}`);
  const k = options.k ?? 1;
  if (!(Number.isFinite(k) && k > 0)) throw new UserError("options.k", `expected a finite number > 0, got ${k}`);
  const n = rewards.length;
  const fixed = "m" in layout;
  let M = 0;
  if (fixed) {
    M = layout.m;
    if (!Number.isInteger(M) || M < 1) throw new UserError("layout.m", `expected the number of references per sample (an integer ≥ 1), got ${M}`);
    if (references.length !== n * M) throw new UserError("references", `expected ${n * M} scores (${M} for each of ${n} samples), got ${references.length}`);
  } else {
    checkOffsets(layout.offsets, n, references.length);
  }
  checkFinite(rewards, "rewards");
  checkFinite(references, "references");
  const out = options.out ?? new Float64Array(n);
  if (out.length !== n) throw new UserError("options.out", `expected a Float64Array of length ${n}, got length ${out.length}`);

  for (let i = 0; i < n; i++) {
    const start = fixed ? i * M : (layout as { offsets: ArrayLike<number> }).offsets[i];
    const end = fixed ? start + M : (layout as { offsets: ArrayLike<number> }).offsets[i + 1];
    const r = rewards[i];
    let s = 0;
    if (variant === "par") for (let m = start; m < end; m++) s += sigmoid(k * (r - references[m]));
    else for (let m = start; m < end; m++) s += r - references[m];
    out[i] = s / (end - start);
  }
  return out;
}

/** PAR of one reward: (1/M) Σ_m σ(k·(r − r_ref_m)). */
export function parReward(r: number, references: Values, k = 1): number {
  return parRewards([r], references, { m: references.length }, { k })[0];
}

// ---------------------------------------------------------------------------

function checkOffsets(offsets: ArrayLike<number>, n: number, total: number): void {
  if (offsets.length !== n + 1) throw new UserError("layout.offsets", `expected ${n + 1} offsets (one more than the ${n} samples), got ${offsets.length}`);
  if (offsets[0] !== 0) throw new UserError("layout.offsets[0]", `expected 0, got ${offsets[0]}`);
  for (let i = 1; i <= n; i++) {
    const o = offsets[i];
    // Strictly increasing: a sample without references has no PAR (a mean of nothing).
    if (!Number.isInteger(o) || o <= offsets[i - 1]) {
      throw new UserError(`layout.offsets[${i}]`, `expected an integer > layout.offsets[${i - 1}] (${offsets[i - 1]}): sample ${i - 1} needs at least one reference, got ${o}`);
    }
  }
  if (offsets[n] !== total) throw new UserError(`layout.offsets[${n}]`, `expected ${total} (the number of references), got ${offsets[n]}`);
}

function checkFinite(values: Values, path: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new UserError(`${path}[${i}]`, `expected a finite number, got ${String(values[i])}`);
  }
}
