import { describe, expect, test } from "vitest";
import { Rng } from "../core/rng.js";
import { np, type JaxArray } from "./jax.js";
import { adamStep, AdamTrainer, indices, shuffledBatches } from "./train-step.js";

// Least squares on one example: L(w) = (x·w − y)², ∇L = 2(x·w − y)·x.
const x = [1, -2, 0.5];
const y = 3;
const w0 = [0.5, 0.25, -1];
const residual = x.reduce((s, v, i) => s + v * w0[i], 0) - y;
const gradient = x.map((v) => 2 * residual * v);

interface Params {
  w: JaxArray;
}
const squaredError = (p: Params, xb: JaxArray, yb: JaxArray) => {
  const r = np.matmul(xb, p.w.reshape([3, 1])).reshape([-1]).sub(yb);
  return r.ref.mul(r).mean();
};
const batch = () => [np.array(Float32Array.from(x)).reshape([1, 3]), np.array(Float32Array.of(y))];
const trainer = (options: { maxGradNorm?: number } = {}) => new AdamTrainer<Params>({ w: np.array(Float32Array.from(w0)) }, squaredError, { learningRate: 0.1, ...options });
const weights = (t: AdamTrainer<Params>) => Array.from(t.params.w.ref.dataSync() as Float32Array);

describe("AdamTrainer", () => {
  test("a step returns the loss before it and moves each weight by the learning rate against its gradient's sign (Adam's first step)", () => {
    const t = trainer();
    const { loss } = t.step(batch());
    expect(loss).toBeCloseTo(residual ** 2, 4);
    // m̂/√v̂ = g/|g| on the first step: w ← w − lr·g/(|g| + ε).
    weights(t).forEach((w, i) => expect(w).toBeCloseTo(w0[i] - (0.1 * gradient[i]) / (Math.abs(gradient[i]) + 1e-5), 5));
    expect(t.step(batch()).loss).toBeLessThan(loss);
  });

  test("clipping reports the gradient's global norm and scales the gradient to the limit", () => {
    const t = trainer({ maxGradNorm: 1e-5 });
    const metrics = t.step(batch());
    const norm = Math.hypot(...gradient);
    expect(metrics.gradNorm).toBeCloseTo(norm, 3);
    // A gradient clipped to about ε in norm: Adam's first step is lr·g/(|g| + ε), well short of lr.
    const clipped = gradient.map((g) => (g * 1e-5) / (norm + 1e-6));
    weights(t).forEach((w, i) => expect(w).toBeCloseTo(w0[i] - (0.1 * clipped[i]) / (Math.abs(clipped[i]) + 1e-5), 4));
  });

  test("a loss with metrics returns them by name", () => {
    const t = new AdamTrainer<Params>({ w: np.array(Float32Array.from(w0)) }, (p: Params, xb: JaxArray, yb: JaxArray) => {
      const r = np.matmul(xb, p.w.reshape([3, 1])).reshape([-1]).sub(yb);
      return [r.ref.mul(r.ref).mean(), { residual: r.mean() }] as [JaxArray, Record<string, JaxArray>];
    }, { learningRate: 0.1, hasAux: true });
    const metrics = t.step(batch());
    expect(metrics.residual).toBeCloseTo(residual, 5);
    expect(metrics.loss).toBeCloseTo(residual ** 2, 4);
  });

  test("a trainer loaded with another's state takes the very same steps; trainers can share one compiled step", () => {
    const a = trainer();
    a.step(batch());
    a.step(batch());
    const b = new AdamTrainer<Params>({ w: np.zeros([3]) }, adamStep(squaredError), { learningRate: 0.1 });
    b.load(JSON.parse(JSON.stringify(a.state())));
    const la = [a.step(batch()).loss, a.step(batch()).loss];
    const lb = [b.step(batch()).loss, b.step(batch()).loss];
    expect(lb).toEqual(la);
    expect(weights(b)).toEqual(weights(a));
    // Without the optimizer's moments the steps differ.
    const c = trainer();
    c.load({ ...JSON.parse(JSON.stringify(b.state())), opt: trainer().state().opt });
    c.step(batch());
    b.step(batch());
    expect(weights(c)).not.toEqual(weights(b));
  });
});

describe("shuffledBatches", () => {
  test("an epoch visits distinct indices in whole batches, drops the remainder, and follows the seed", () => {
    const epoch = (seed: number) => [...shuffledBatches(indices(10), 3, new Rng(seed))].map((b) => Array.from(b));
    const batches = epoch(1);
    expect(batches).toHaveLength(3);
    expect(batches.every((b) => b.length === 3)).toBe(true);
    expect(new Set(batches.flat()).size).toBe(9);
    expect(epoch(1)).toEqual(batches);
    expect(epoch(2)).not.toEqual(batches);
  });
});
