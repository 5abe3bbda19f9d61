/**
 * The same MLP forward pass in plain JavaScript over Float32Array weights.
 * For acting, a policy evaluates small batches (a few observations) every
 * environment step; there a typed-array loop beats dispatching to jax-js by
 * an order of magnitude. Learning still runs in jax-js (autodiff, jit).
 *
 * Each output is accumulated as a float32 value, input by input in order,
 * rounding after every multiply-add (`Math.fround`, what storing into a
 * Float32Array does), so results do not depend on how the loops are laid
 * out. The loops keep four outputs in registers per pass over a row's
 * non-zero inputs (gridworld observations are mostly zeros).
 */
/** The hidden layers' nonlinearity, shared with the jax-js MLP. */
export type Activation = "tanh" | "relu";

export interface MlpWeights {
  /** Layer sizes, input first. */
  sizes: readonly number[];
  /** Per layer: W (in × out, row-major) and b (out). */
  w: Float32Array[];
  b: Float32Array[];
}

/** Indices of a row's non-zero inputs (grown as needed; the pass is synchronous, so one buffer serves every call). */
let nonZero = new Int32Array(256);

/** out (n × sizes[last]) = MLP(x (n × sizes[0])); `scratch` holds two hidden buffers. */
export function mlpForwardJs(weights: MlpWeights, x: Float32Array, n: number, out: Float32Array, activation: Activation, scratch: [Float32Array, Float32Array]): void {
  const { sizes, w, b } = weights;
  const L = sizes.length - 1;
  let input = x;
  for (let l = 0; l < L; l++) {
    const dst = l + 1 === L ? out : scratch[l % 2];
    if (nonZero.length < sizes[l]) nonZero = new Int32Array(sizes[l]);
    affine(input, n, sizes[l], sizes[l + 1], w[l], b[l], dst, l + 1 === L ? 0 : activation === "tanh" ? 1 : 2);
    input = dst;
  }
}

const fround = Math.fround;
const tanh = Math.tanh;

/** dst (n × nout) = act(x (n × nin) · W + b), act 0 = none, 1 = tanh, 2 = ReLU. Zero inputs are skipped. */
function affine(x: Float32Array, n: number, nin: number, nout: number, W: Float32Array, B: Float32Array, dst: Float32Array, act: 0 | 1 | 2): void {
  const nz = nonZero;
  for (let i = 0; i < n; i++) {
    const row = i * nin;
    const o = i * nout;
    let m = 0;
    for (let k = 0; k < nin; k++) if (x[row + k] !== 0) nz[m++] = k;
    let j = 0;
    for (; j + 4 <= nout; j += 4) {
      let a0 = B[j];
      let a1 = B[j + 1];
      let a2 = B[j + 2];
      let a3 = B[j + 3];
      for (let q = 0; q < m; q++) {
        const k = nz[q];
        const xk = x[row + k];
        const r = k * nout + j;
        a0 = fround(a0 + xk * W[r]);
        a1 = fround(a1 + xk * W[r + 1]);
        a2 = fround(a2 + xk * W[r + 2]);
        a3 = fround(a3 + xk * W[r + 3]);
      }
      if (act === 1) {
        a0 = tanh(a0);
        a1 = tanh(a1);
        a2 = tanh(a2);
        a3 = tanh(a3);
      } else if (act === 2) {
        a0 = a0 > 0 ? a0 : 0;
        a1 = a1 > 0 ? a1 : 0;
        a2 = a2 > 0 ? a2 : 0;
        a3 = a3 > 0 ? a3 : 0;
      }
      dst[o + j] = a0;
      dst[o + j + 1] = a1;
      dst[o + j + 2] = a2;
      dst[o + j + 3] = a3;
    }
    for (; j < nout; j++) {
      let a = B[j];
      for (let q = 0; q < m; q++) {
        const k = nz[q];
        a = fround(a + x[row + k] * W[k * nout + j]);
      }
      dst[o + j] = act === 1 ? tanh(a) : act === 2 ? (a > 0 ? a : 0) : a;
    }
  }
}

/** Scratch buffers large enough for `n` rows of the widest hidden layer. */
export function mlpScratch(sizes: readonly number[], n: number): [Float32Array, Float32Array] {
  const widest = Math.max(...sizes.slice(1, -1), 1);
  return [new Float32Array(n * widest), new Float32Array(n * widest)];
}
