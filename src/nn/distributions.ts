/**
 * Action distributions for policies: categorical (discrete actions) and
 * diagonal Gaussian (continuous). Log-probabilities and entropies are array
 * functions (differentiable, for losses); sampling happens in JavaScript
 * with the caller's `Rng`, so runs stay reproducible bit for bit.
 */
import type { Rng } from "../core/rng.js";
import { jnn, np, type JaxArray } from "./jax.js";

/** log π(a|s) for one-hot actions: Σ_k onehot_k · log softmax(logits)_k. Consumes both. */
export function categoricalLogProb(logits: JaxArray, actionsOneHot: JaxArray): JaxArray {
  // A one-hot product instead of take/gather: gradients through gather fail under jit.
  return jnn.logSoftmax(logits, -1).mul(actionsOneHot).sum(-1);
}

/** H = −Σ_k p_k log p_k per row. Consumes `logits`. */
export function categoricalEntropy(logits: JaxArray): JaxArray {
  const logp = jnn.logSoftmax(logits, -1);
  return np.exp(logp.ref).mul(logp).sum(-1).neg();
}

const LOG_2PI = Math.log(2 * Math.PI);

/** log N(a; μ, diag σ²) summed over action dimensions. Consumes all three. */
export function gaussianLogProb(mean: JaxArray, logStd: JaxArray, actions: JaxArray): JaxArray {
  const z = actions.sub(mean).mul(np.exp(logStd.ref.neg()));
  return z.ref.mul(z).mul(-0.5).sub(logStd).sub(0.5 * LOG_2PI).sum(-1);
}

/** H = Σ_d (log σ_d + ½ log 2πe). Consumes `logStd` (shape [d]); returns a scalar. */
export function gaussianEntropy(logStd: JaxArray): JaxArray {
  return logStd.add(0.5 * (LOG_2PI + 1)).sum();
}

/** Samples one action per row of `logits` (n × k, row-major) into `out`, and writes log π(a|s) into `logProb`. */
export function sampleCategorical(logits: Float32Array, n: number, k: number, rng: Rng, out: Int32Array | Float32Array, logProb: Float32Array): void {
  for (let i = 0; i < n; i++) {
    const row = i * k;
    let max = -Infinity;
    for (let j = 0; j < k; j++) max = Math.max(max, logits[row + j]);
    let z = 0;
    for (let j = 0; j < k; j++) z += Math.exp(logits[row + j] - max);
    const logZ = max + Math.log(z);
    let u = rng.float();
    let a = k - 1;
    for (let j = 0; j < k; j++) {
      u -= Math.exp(logits[row + j] - logZ);
      if (u < 0) {
        a = j;
        break;
      }
    }
    out[i] = a;
    logProb[i] = logits[row + a] - logZ;
  }
}

/** The most likely action per row (for evaluation). */
export function argmaxRows(logits: Float32Array, n: number, k: number, out: Int32Array | Float32Array): void {
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (logits[i * k + j] > logits[i * k + best]) best = j;
    out[i] = best;
  }
}

/** Samples a ~ N(μ, σ²) per row (n × d) into `out`, and writes log π(a|s) into `logProb`. */
export function sampleGaussian(mean: Float32Array, logStd: Float32Array, n: number, d: number, rng: Rng, out: Float32Array, logProb: Float32Array): void {
  for (let i = 0; i < n; i++) {
    let lp = 0;
    for (let j = 0; j < d; j++) {
      const z = rng.normal();
      out[i * d + j] = mean[i * d + j] + Math.exp(logStd[j]) * z;
      lp += -0.5 * z * z - logStd[j] - 0.5 * LOG_2PI;
    }
    logProb[i] = lp;
  }
}
