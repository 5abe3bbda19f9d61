import { expect, test } from "vitest";
import { Rng } from "../core/rng.js";
import { mlpForwardJs, mlpScratch, type Activation, type MlpWeights } from "./mlp-js.js";

/** The plain loop the fast pass must match bit for bit: accumulate into a Float32Array, input by input. */
function reference(weights: MlpWeights, x: Float32Array, n: number, activation: Activation): Float32Array {
  const { sizes, w, b } = weights;
  let input = x;
  for (let l = 0; l + 1 < sizes.length; l++) {
    const [nin, nout] = [sizes[l], sizes[l + 1]];
    const dst = new Float32Array(n * nout);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < nout; j++) dst[i * nout + j] = b[l][j];
      for (let k = 0; k < nin; k++) {
        const xk = input[i * nin + k];
        if (xk === 0) continue;
        for (let j = 0; j < nout; j++) dst[i * nout + j] += xk * w[l][k * nout + j];
      }
      if (l + 2 < sizes.length) for (let j = 0; j < nout; j++) dst[i * nout + j] = activation === "tanh" ? Math.tanh(dst[i * nout + j]) : Math.max(dst[i * nout + j], 0);
    }
    input = dst;
  }
  return input;
}

test.each(["tanh", "relu"] as const)("the forward pass equals the plain float32 loop bit for bit (%s, odd widths, sparse inputs)", (activation) => {
  const rng = new Rng(5);
  const sizes = [11, 13, 64, 6, 3];
  const weights: MlpWeights = {
    sizes,
    w: sizes.slice(1).map((out, l) => Float32Array.from({ length: sizes[l] * out }, () => rng.normal() / Math.sqrt(sizes[l]))),
    b: sizes.slice(1).map((out) => Float32Array.from({ length: out }, () => 0.1 * rng.normal())),
  };
  const n = 7;
  // Half the inputs zero, as in a gridworld view; one row all zeros.
  const x = Float32Array.from({ length: n * sizes[0] }, (_, i) => (i < sizes[0] || rng.float() < 0.5 ? 0 : 3 * rng.normal()));
  const out = new Float32Array(n * 3);
  mlpForwardJs(weights, x, n, out, activation, mlpScratch(sizes, n));
  const expected = reference(weights, x, n, activation);
  expect(Array.from(out)).toEqual(Array.from(expected));
  expect(out.some((v) => v !== 0)).toBe(true);
});
