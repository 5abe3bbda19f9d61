import { describe, expect, test } from "vitest";
import { Rng } from "../../core/rng.js";
import { make } from "../registry.js";
import type { ContextualLinearBandit } from "./contextual.js";

const thetas = [
  [1, 0, -0.5, 0.25],
  [-0.5, 1, 0, 0.5],
  [0, -1, 1, -0.75],
];
const dot = (a: readonly number[], b: ArrayLike<number>) => a.reduce((s, x, j) => s + x * b[j], 0);

describe("Bandit-ContextualLinear-5", () => {
  test("rewards match θ_a·x in expectation, with noise of the declared std", () => {
    const steps = 20_000;
    const std = 0.5;
    const env = make("Bandit-ContextualLinear-5", { kwargs: { k: 3, thetas, std, horizon: steps } });
    const rng = new Rng(5);
    let x = env.reset(0).obs;
    // E[r·x | a] = E[x xᵀ] θ_a = θ_a, since x ~ N(0, I).
    const est = thetas.map(() => [0, 0, 0, 0]);
    const estSq = thetas.map(() => [0, 0, 0, 0]);
    const pulls = [0, 0, 0];
    let residual = 0;
    let residualSq = 0;
    for (let t = 0; t < steps; t++) {
      const a = rng.int(3);
      const { obs, reward } = env.step(a);
      for (let j = 0; j < 4; j++) {
        est[a][j] += reward * x[j];
        estSq[a][j] += (reward * x[j]) ** 2;
      }
      pulls[a]++;
      const e = reward - dot(thetas[a], x);
      residual += e;
      residualSq += e * e;
      x = obs;
    }
    est.forEach((row, a) =>
      row.forEach((sum, j) => {
        const mean = sum / pulls[a];
        const stdErr = Math.sqrt((estSq[a][j] / pulls[a] - mean * mean) / pulls[a]);
        expect(Math.abs(mean - thetas[a][j]), `θ[${a}][${j}]`).toBeLessThan(5 * stdErr);
      }),
    );
    expect(Math.abs(residual / steps)).toBeLessThan(5 * (std / Math.sqrt(steps)));
    // The sample std of n Gaussian draws has standard error ≈ σ/√(2n).
    expect(Math.abs(Math.sqrt(residualSq / steps) - std)).toBeLessThan(5 * (std / Math.sqrt(2 * steps)));
  });

  test("the observation is the context the next pull is judged in, and regret compares arms in it", () => {
    const env = make("Bandit-ContextualLinear-5", { kwargs: { k: 3, thetas, std: 0 } });
    let x = env.reset(0).obs;
    expect(x).toHaveLength(4);
    for (let t = 0; t < 50; t++) {
      const mus = thetas.map((th) => dot(th, x));
      expect(env.readFeatures(["arm.bestMean"])["arm.bestMean"]).toBeCloseTo(Math.max(...mus), 5);
      const a = t % 3;
      const s = env.step(a);
      expect(s.reward).toBeCloseTo(mus[a], 5);
      const f = env.readFeatures(["regret", "pull.optimal"]);
      expect(f.regret).toBeCloseTo(Math.max(...mus) - mus[a], 5);
      expect(f["pull.optimal"]).toBe(mus[a] === Math.max(...mus) ? 1 : 0);
      expect(s.obs).not.toEqual(x);
      x = s.obs;
    }
  });

  test("drawn weights are kept across episodes and redrawn by reset(seed)", () => {
    const env = make("Bandit-ContextualLinear-5", { kwargs: { horizon: 1 } });
    const core = env.core as ContextualLinearBandit;
    const w0 = env.reset(0).info.thetas as number[][];
    expect(w0).toHaveLength(5);
    expect(w0[0]).toHaveLength(4);
    env.step(0);
    expect(env.reset().info.thetas).toEqual(w0);
    expect(Array.from(core.thetas)).toEqual(w0.flat());
    expect(env.reset(1).info.thetas).not.toEqual(w0);
    expect(env.reset(0).info.thetas).toEqual(w0);
  });

  test("weight vectors of the wrong shape are UserErrors naming env.kwargs.thetas", () => {
    expect(() => make("Bandit-ContextualLinear-5", { kwargs: { thetas } })).toThrowError("env.kwargs.thetas: expected 5 weight vectors (one per arm, k = 5), got a list of 3");
    expect(() => make("Bandit-ContextualLinear-5", { kwargs: { k: 3, dim: 3, thetas } })).toThrowError("env.kwargs.thetas[0]: expected 3 numbers (dim = 3), got a list of 4");
  });
});
