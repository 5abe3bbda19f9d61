/**
 * A multi-layer perceptron: parameters as a plain tree of arrays, a pure
 * forward function. Hidden layers use tanh (CleanRL's default) or ReLU.
 *
 * @example
 * const params = initMlp([4, 64, 64, 2], rng, { outputGain: 0.01 });
 * const logits = mlpForward(tree.ref(params), obs, "tanh");
 */
import type { Rng } from "../core/rng.js";
import { orthogonalMlp } from "./init.js";
import { np, type JaxArray } from "./jax.js";
import type { Activation, MlpWeights } from "./mlp-js.js";

export type { Activation };

export interface Layer {
  w: JaxArray;
  b: JaxArray;
}
export type MlpParams = Layer[];

/** Orthogonal weights with gain √2 on hidden layers and `outputGain` on the last; zero biases. */
export function initMlp(sizes: readonly number[], rng: Rng, options: { hiddenGain?: number; outputGain?: number } = {}): MlpParams {
  const { w, b } = orthogonalMlp(sizes, rng, options);
  return w.map((wl, i) => ({ w: np.array(wl).reshape([sizes[i], sizes[i + 1]]), b: np.array(b[i]) }));
}

/** y = W_L·act(… act(W_1·x + b_1) …) + b_L; consumes `params` and `x`. */
export function mlpForward(params: MlpParams, x: JaxArray, activation: Activation = "tanh"): JaxArray {
  let h = x;
  params.forEach((layer, i) => {
    h = np.matmul(h, layer.w).add(layer.b);
    if (i + 1 < params.length) h = activation === "tanh" ? np.tanh(h) : np.maximum(h, 0);
  });
  return h;
}

/** A plain-array copy of an MLP's parameters (not consumed), for the JavaScript forward pass of mlp-js.ts. */
export function mlpWeights(params: MlpParams, sizes: readonly number[]): MlpWeights {
  return { sizes, w: params.map((l) => Float32Array.from(l.w.ref.dataSync() as Float32Array)), b: params.map((l) => Float32Array.from(l.b.ref.dataSync() as Float32Array)) };
}
