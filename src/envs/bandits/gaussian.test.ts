import { describe, expect, test } from "vitest";
import { UserError } from "../../core/errors.js";
import { make } from "../registry.js";

describe("Bandit-Gaussian-10", () => {
  test("empirical arm means and spread converge to the declared means and std", () => {
    const means = [-2, -1, -0.5, 0, 0.25, 0.5, 1, 1.5, 2, 3];
    const std = 0.7;
    const pulls = 2000;
    const env = make("Bandit-Gaussian-10", { kwargs: { means, std, horizon: pulls * 10 } });
    env.reset(4);
    const sum = new Array(10).fill(0);
    const sumSq = new Array(10).fill(0);
    for (let t = 0; t < pulls * 10; t++) {
      const r = env.step(t % 10).reward;
      sum[t % 10] += r;
      sumSq[t % 10] += r * r;
    }
    means.forEach((mu, a) => {
      const mean = sum[a] / pulls;
      expect(Math.abs(mean - mu)).toBeLessThan(5 * (std / Math.sqrt(pulls)));
      expect(Math.sqrt(sumSq[a] / pulls - mean * mean)).toBeCloseTo(std, 1);
    });
  });

  test("drawn means look standard normal across seeds and are kept across episodes", () => {
    const env = make("Bandit-Gaussian-10", { kwargs: { horizon: 1 } });
    const all: number[] = [];
    for (let seed = 0; seed < 100; seed++) {
      const means = env.reset(seed).info.means as number[];
      expect(env.step(0).info.means).toEqual(means);
      expect(env.reset().info.means).toEqual(means);
      all.push(...means);
    }
    const mean = all.reduce((a, b) => a + b, 0) / all.length;
    const variance = all.reduce((a, b) => a + (b - mean) ** 2, 0) / all.length;
    expect(Math.abs(mean)).toBeLessThan(0.1);
    expect(variance).toBeGreaterThan(0.85);
    expect(variance).toBeLessThan(1.15);
  });

  test("rewards are unbounded in the observation space", () => {
    const env = make("Bandit-Gaussian-10", { kwargs: { means: new Array(10).fill(50) } });
    env.reset(0);
    const s = env.step(0);
    expect(s.obs[10]).toBeGreaterThan(40);
    expect(env.observationSpace.contains(s.obs)).toBe(true);
  });

  test("means of the wrong length and a negative std are UserErrors naming the kwarg", () => {
    expect(() => make("Bandit-Gaussian-10", { kwargs: { means: [1, 2, 3] } })).toThrowError(
      new UserError("env.kwargs.means", "expected 10 means (one per arm, k = 10), got a list of 3"),
    );
    expect(() => make("Bandit-Gaussian-10", { kwargs: { std: -1 } })).toThrowError(/^env\.kwargs\.std: expected a number ≥ 0, got -1$/);
  });
});
