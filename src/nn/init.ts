/**
 * Orthogonal initialization (Saxe et al. 2014), as CleanRL's `layer_init`:
 * weights from a QR-like orthonormalization of a Gaussian matrix, times a
 * gain. jax-js has no QR, so Gram–Schmidt runs in plain JavaScript.
 */
import type { Rng } from "../core/rng.js";

/** A rows × cols matrix (row-major) with orthonormal rows or columns, scaled by `gain`. */
export function orthogonal(rows: number, cols: number, gain: number, rng: Rng): Float32Array {
  // Orthonormalize the longer dimension's vectors of the shorter one.
  const tall = rows >= cols;
  const n = tall ? cols : rows; // number of vectors
  const d = tall ? rows : cols; // their length
  const vectors: Float64Array[] = [];
  for (let k = 0; k < n; k++) {
    const v = new Float64Array(d);
    for (let i = 0; i < d; i++) v[i] = rng.normal();
    for (const u of vectors) {
      let dot = 0;
      for (let i = 0; i < d; i++) dot += u[i] * v[i];
      for (let i = 0; i < d; i++) v[i] -= dot * u[i];
    }
    let norm = 0;
    for (let i = 0; i < d; i++) norm += v[i] * v[i];
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < d; i++) v[i] /= norm;
    vectors.push(v);
  }
  const out = new Float32Array(rows * cols);
  for (let k = 0; k < n; k++) {
    for (let i = 0; i < d; i++) {
      const [r, c] = tall ? [i, k] : [k, i];
      out[r * cols + c] = gain * vectors[k][i];
    }
  }
  return out;
}

/** An MLP's weights as plain arrays (W row-major in × out, then b): orthogonal with gain √2 on hidden layers and `outputGain` on the last, zero biases, drawn layer by layer. */
export function orthogonalMlp(sizes: readonly number[], rng: Rng, options: { hiddenGain?: number; outputGain?: number } = {}): { w: Float32Array[]; b: Float32Array[] } {
  const hiddenGain = options.hiddenGain ?? Math.SQRT2;
  const outputGain = options.outputGain ?? 1;
  const w: Float32Array[] = [];
  const b: Float32Array[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    w.push(orthogonal(sizes[i], sizes[i + 1], i + 2 === sizes.length ? outputGain : hiddenGain, rng));
    b.push(new Float32Array(sizes[i + 1]));
  }
  return { w, b };
}
