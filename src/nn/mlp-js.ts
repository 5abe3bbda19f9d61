/**
 * The same MLP forward pass in plain JavaScript over Float32Array weights.
 * For acting, a policy evaluates small batches (a few observations) every
 * environment step; there a typed-array loop beats dispatching to jax-js by
 * an order of magnitude. Learning still runs in jax-js (autodiff, jit).
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

/** out (n × sizes[last]) = MLP(x (n × sizes[0])); `scratch` holds two hidden buffers. */
export function mlpForwardJs(weights: MlpWeights, x: Float32Array, n: number, out: Float32Array, activation: Activation, scratch: [Float32Array, Float32Array]): void {
  const { sizes, w, b } = weights;
  const L = sizes.length - 1;
  let input = x;
  for (let l = 0; l < L; l++) {
    const nin = sizes[l];
    const nout = sizes[l + 1];
    const dst = l + 1 === L ? out : scratch[l % 2];
    const W = w[l];
    const B = b[l];
    for (let i = 0; i < n; i++) {
      const row = i * nin;
      const o = i * nout;
      for (let j = 0; j < nout; j++) dst[o + j] = B[j];
      for (let k = 0; k < nin; k++) {
        const xk = input[row + k];
        if (xk === 0) continue;
        const wrow = k * nout;
        for (let j = 0; j < nout; j++) dst[o + j] += xk * W[wrow + j];
      }
      if (l + 1 < L) {
        if (activation === "tanh") for (let j = 0; j < nout; j++) dst[o + j] = Math.tanh(dst[o + j]);
        else for (let j = 0; j < nout; j++) dst[o + j] = dst[o + j] > 0 ? dst[o + j] : 0;
      }
    }
    input = dst;
  }
}

/** Scratch buffers large enough for `n` rows of the widest hidden layer. */
export function mlpScratch(sizes: readonly number[], n: number): [Float32Array, Float32Array] {
  const widest = Math.max(...sizes.slice(1, -1), 1);
  return [new Float32Array(n * widest), new Float32Array(n * widest)];
}
