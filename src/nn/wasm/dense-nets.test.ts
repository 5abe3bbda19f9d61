import { expect, test } from "vitest";
import { Rng } from "../../core/rng.js";
import { orthogonal } from "../init.js";
import { np, valueAndGrad, tree, type JaxArray } from "../jax.js";
import { mlpForward, type MlpParams } from "../mlp.js";
import { DenseNets, type Activation } from "./dense-nets.js";

const ADAM = { beta1: 0.9, beta2: 0.999, eps: 1e-5 };

/** Random weights (true sizes) put into the padded layout, and the same as jax-js parameters. */
function setup(sizes: number[], activation: Activation, rows: number, seed: number) {
  const rng = new Rng(seed);
  const nets = new DenseNets([{ sizes, activation }], rows, ADAM);
  const jaxParams: MlpParams = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const w = orthogonal(sizes[l], sizes[l + 1], 1.3, rng);
    const b = Float32Array.from({ length: sizes[l + 1] }, () => 0.1 * rng.normal());
    const view = nets.weights(0, l);
    for (let i = 0; i < sizes[l]; i++) for (let j = 0; j < sizes[l + 1]; j++) view.w[i * view.nout + j] = w[i * sizes[l + 1] + j];
    view.b.set(b);
    jaxParams.push({ w: np.array(w).reshape([sizes[l], sizes[l + 1]]), b: np.array(b) });
  }
  const x = Float32Array.from({ length: rows * sizes[0] }, () => rng.normal());
  const padIn = nets.inputWidth;
  for (let i = 0; i < rows; i++) nets.input.set(x.subarray(i * sizes[0], (i + 1) * sizes[0]), i * padIn);
  return { nets, jaxParams, x, rng };
}

for (const [sizes, activation] of [
  [[4, 64, 64, 2], "tanh"],
  [[147, 24, 7], "relu"],
  [[6, 10, 1], "tanh"],
] as [number[], Activation][]) {
  test(`forward and gradients match jax-js autodiff (${sizes.join("-")}, ${activation})`, () => {
    const rows = 37;
    const { nets, jaxParams, x, rng } = setup(sizes, activation, rows, 3);
    const out = sizes[sizes.length - 1];
    const target = Float32Array.from({ length: rows * out }, () => rng.normal());
    // loss = ½ Σ (y − target)² / rows
    const loss = (p: MlpParams, xs: JaxArray) => {
      const d = mlpForward(p, xs, activation).sub(np.array(target).reshape([rows, out]));
      return d.ref.mul(d).sum().mul(0.5 / rows);
    };
    const [value, grads] = valueAndGrad(loss)(tree.ref(jaxParams), np.array(x).reshape([rows, sizes[0]])) as unknown as [JaxArray, MlpParams];
    nets.forward(0, rows);
    const y = nets.output(0);
    const dy = nets.outputGrad(0);
    const width = nets.outputWidth(0);
    let ours = 0;
    dy.fill(0);
    for (let i = 0; i < rows; i++)
      for (let j = 0; j < out; j++) {
        const d = y[i * width + j] - target[i * out + j];
        ours += (0.5 * d * d) / rows;
        dy[i * width + j] = d / rows;
      }
    expect(ours).toBeCloseTo(value.dataSync()[0] as number, 4);
    nets.backward(0, rows);
    grads.forEach((layer, l) => {
      const g = nets.weights(0, l, nets.grads);
      const w = layer.w.dataSync() as Float32Array;
      const b = layer.b.dataSync() as Float32Array;
      const [nin, nout] = [sizes[l], sizes[l + 1]];
      let worst = 0;
      let scale = 1e-6;
      for (let i = 0; i < nin; i++)
        for (let j = 0; j < nout; j++) {
          worst = Math.max(worst, Math.abs(g.w[i * g.nout + j] - w[i * nout + j]));
          scale = Math.max(scale, Math.abs(w[i * nout + j]));
        }
      for (let j = 0; j < nout; j++) worst = Math.max(worst, Math.abs(g.b[j] - b[j]));
      expect(worst / scale).toBeLessThan(1e-4);
      // Padding rows and columns get exactly zero gradient.
      for (let i = 0; i < g.nin; i++) for (let j = 0; j < g.nout; j++) if (i >= nin || j >= nout) expect(g.w[i * g.nout + j]).toBe(0);
    });
    tree.dispose(jaxParams as never);
  });
}

test("tanh is within 1e-6 of Math.tanh everywhere, including far out and at zero", () => {
  const nets = new DenseNets([{ sizes: [4, 4, 4], activation: "tanh" }], 256, ADAM);
  const w = nets.weights(0, 0);
  for (let i = 0; i < 4; i++) w.w[i * 4 + i] = 1;
  const xs: number[] = [];
  for (let i = 0; i < 256 * 4; i++) xs.push(i === 0 ? 0 : (i - 512) / 40 + (i % 7) * 1e-3);
  nets.input.set(xs);
  nets.forward(0, 256);
  // The hidden layer's output: read it back through a second identity layer.
  const w2 = nets.weights(0, 1);
  for (let i = 0; i < 4; i++) w2.w[i * 4 + i] = 1;
  nets.forward(0, 256);
  const y = nets.output(0);
  let worst = 0;
  xs.forEach((x, k) => (worst = Math.max(worst, Math.abs(y[k] - Math.tanh(Math.fround(x))))));
  expect(worst).toBeLessThan(1e-6);
  expect(y[0]).toBe(0);
});

test("a gradient step by finite differences: the loss falls as the gradient predicts", () => {
  const sizes = [8, 16, 16, 3];
  const rows = 20;
  const { nets, rng } = setup(sizes, "tanh", rows, 5);
  const width = nets.outputWidth(0);
  const coef = Float32Array.from({ length: rows * 3 }, () => rng.normal());
  const lossNow = () => {
    nets.forward(0, rows);
    const y = nets.output(0);
    let s = 0;
    for (let i = 0; i < rows; i++) for (let j = 0; j < 3; j++) s += coef[i * 3 + j] * y[i * width + j];
    return s;
  };
  lossNow();
  const dy = nets.outputGrad(0);
  dy.fill(0);
  for (let i = 0; i < rows; i++) for (let j = 0; j < 3; j++) dy[i * width + j] = coef[i * 3 + j];
  nets.backward(0, rows);
  // Central differences on a few coordinates of every layer, in float64 terms of a float32 net: h = 1e-2.
  for (let l = 0; l < 3; l++) {
    const p = nets.weights(0, l);
    const g = nets.weights(0, l, nets.grads);
    for (const idx of [0, 5, 17]) {
      const k = (idx * 7) % sizes[l];
      const j = idx % sizes[l + 1];
      const at = k * p.nout + j;
      const keep = p.w[at];
      p.w[at] = keep + 1e-2;
      const up = lossNow();
      p.w[at] = keep - 1e-2;
      const down = lossNow();
      p.w[at] = keep;
      expect(g.w[at]).toBeCloseTo((up - down) / 2e-2, 2);
    }
  }
});

test("Adam matches the formula PyTorch uses, step by step", () => {
  const nets = new DenseNets([{ sizes: [4, 4] , activation: "tanh" }], 1, ADAM);
  const n = nets.params.length;
  const p = Float64Array.from({ length: n }, (_, i) => Math.sin(i));
  const m = new Float64Array(n);
  const v = new Float64Array(n);
  nets.params.set(p);
  for (let t = 1; t <= 3; t++) {
    const g = Float32Array.from({ length: n }, (_, i) => Math.cos(i * t));
    nets.grads.set(g);
    const scale = 0.7;
    nets.adamStep(0.01, scale);
    for (let i = 0; i < n; i++) {
      const gi = Math.fround(g[i] * scale);
      m[i] = 0.9 * m[i] + 0.1 * gi;
      v[i] = 0.999 * v[i] + 0.001 * gi * gi;
      p[i] -= (0.01 / (1 - 0.9 ** t)) * m[i] / (Math.sqrt(v[i]) / Math.sqrt(1 - 0.999 ** t) + 1e-5);
      expect(nets.params[i]).toBeCloseTo(p[i], 5);
    }
  }
  let sq = 0;
  nets.grads.forEach((g) => (sq += g * g));
  expect(nets.gradSumSquares()).toBeCloseTo(sq, 4);
});

test("rows beyond the capacity are refused", () => {
  const nets = new DenseNets([{ sizes: [4, 8, 2], activation: "tanh" }], 16, ADAM);
  expect(() => nets.forward(0, 17)).toThrow(/17 rows, expected 1…16/);
  expect(() => nets.forward(0, 0)).toThrow(/0 rows/);
});

test("the input gradient matches jax-js autodiff, and a state round-trips", () => {
  const sizes = [147, 24, 7];
  const rows = 19;
  const { nets, jaxParams, x, rng } = setup(sizes, "relu", rows, 8);
  const coef = Float32Array.from({ length: rows * 7 }, () => rng.normal());
  // loss = Σ coef ⊙ y
  const loss = (xs: JaxArray) => mlpForward(tree.ref(jaxParams), xs, "relu").mul(np.array(coef).reshape([rows, 7])).sum();
  const dx = (valueAndGrad(loss)(np.array(x).reshape([rows, 147])) as unknown as [JaxArray, JaxArray])[1].dataSync() as Float32Array;
  nets.forward(0, rows);
  const dy = nets.outputGrad(0);
  dy.fill(0);
  for (let i = 0; i < rows; i++) for (let j = 0; j < 7; j++) dy[i * nets.outputWidth(0) + j] = coef[i * 7 + j];
  nets.backward(0, rows, true);
  let worst = 0;
  for (let i = 0; i < rows; i++) {
    for (let k = 0; k < 147; k++) worst = Math.max(worst, Math.abs(nets.inputGrad[i * nets.inputWidth + k] - dx[i * 147 + k]));
    expect(nets.inputGrad[i * nets.inputWidth + 147]).toBe(0);
  }
  expect(worst).toBeLessThan(1e-4);
  tree.dispose(jaxParams as never);

  nets.adamStep(1e-3);
  const copy = new DenseNets([{ sizes, activation: "relu" }], rows, ADAM);
  copy.load(JSON.parse(JSON.stringify(nets.state())));
  expect(Array.from(copy.params)).toEqual(Array.from(nets.params));
  expect(Array.from(copy.m)).toEqual(Array.from(nets.m));
  expect(Array.from(copy.v)).toEqual(Array.from(nets.v));
  expect(copy.step).toBe(1);
  expect(() => new DenseNets([{ sizes: [147, 20, 7], activation: "relu" }], 1, ADAM).load(nets.state())).toThrow(/other networks/);
});

test("setInput pads each row to the input width", () => {
  const nets = new DenseNets([{ sizes: [3, 4], activation: "tanh" }], 4, ADAM);
  nets.input.fill(9);
  nets.setInput(Float32Array.of(1, 2, 3, 4, 5, 6), 2, 3, 1);
  expect(Array.from(nets.input.subarray(0, 12))).toEqual([9, 9, 9, 9, 1, 2, 3, 0, 4, 5, 6, 0]);
});

test("a row's output and gradient do not depend on how many rows run with it (every pass size, bit for bit)", () => {
  // Widths 64, 8 and 4 give passes of 2, 4 and 8 rows; 1…17 rows reach every remainder.
  const sizes = [5, 64, 8, 3];
  const { nets } = setup(sizes, "tanh", 17, 11);
  const width = nets.outputWidth(0);
  const alone: Float32Array[] = [];
  const input = nets.input.slice();
  for (let i = 0; i < 17; i++) {
    nets.input.set(input.subarray(i * nets.inputWidth, (i + 1) * nets.inputWidth));
    nets.forward(0, 1);
    alone.push(nets.output(0).slice(0, width));
  }
  for (let n = 1; n <= 17; n++) {
    nets.input.set(input);
    nets.forward(0, n);
    for (let i = 0; i < n; i++) expect(nets.output(0).slice(i * width, (i + 1) * width)).toEqual(alone[i]);
  }
});

test("weight and input gradients are sums in row order, as float32 arithmetic gives them (every pass size, bit for bit)", () => {
  // One linear layer: ∂W = xᵀ·dy and ∂x = dy·Wᵀ; widths 4, 8 and 64 give passes of 8, 4 and 2 rows of ∂W.
  for (const [nin, nout] of [[5, 3], [9, 8], [4, 64]]) {
    const { nets, rng } = setup([nin, nout], "tanh", 17, nin * nout);
    const [W, Wout, X] = [nets.weights(0, 0), nets.weights(0, 0).nout, nets.inputWidth];
    for (let n = 1; n <= 17; n++) {
      nets.forward(0, n);
      const dy = nets.outputGrad(0);
      for (let k = 0; k < dy.length; k++) dy[k] = k % Wout < nout ? rng.normal() : 0;
      nets.backward(0, n, true);
      const dW = nets.weights(0, 0, nets.grads);
      for (let k = 0; k < nin; k++)
        for (let j = 0; j < nout; j++) {
          let sum = 0;
          for (let i = 0; i < n; i++) sum = Math.fround(sum + Math.fround(nets.input[i * X + k] * dy[i * Wout + j]));
          expect(dW.w[k * Wout + j]).toBe(sum);
        }
      for (let i = 0; i < n; i++)
        for (let k = 0; k < nin; k++) {
          let sum = 0;
          for (let j = 0; j < Wout; j++) sum = Math.fround(sum + Math.fround(dy[i * Wout + j] * W.w[k * Wout + j]));
          expect(nets.inputGrad[i * X + k]).toBe(sum);
        }
    }
  }
});
