import { describe, expect, test } from "vitest";
import { make, makeVector } from "../registry.js";
import type { TaskFamilyBandit } from "./task-family.js";

const meansOf = (info: Record<string, unknown>) => info.means as number[];

describe("bandit task families", () => {
  test("a task family redraws its means every episode, also at a vector's autoreset", () => {
    for (const id of ["Bandit-Beta-10", "Bandit-OneGoodArm-10", "Bandit-LinearFamily-10"]) {
      const env = make(id);
      const seen = new Set<string>();
      seen.add(JSON.stringify(meansOf(env.reset(0).info)));
      for (let i = 0; i < 9; i++) seen.add(JSON.stringify(meansOf(env.reset().info)));
      expect(seen.size, id).toBeGreaterThanOrEqual(id.includes("OneGoodArm") ? 5 : 10);

      const vec = makeVector(id, 1, { kwargs: { horizon: 2 } });
      vec.reset(0);
      const core = vec.cores[0] as TaskFamilyBandit;
      const before = Array.from(core.means);
      vec.step([0]);
      expect(Array.from(core.means)).toEqual(before);
      vec.step([0]);
      expect(vec.truncated[0]).toBe(1);
      expect(Array.from(core.means)).not.toEqual(before);
    }
  });

  test("beta means average α_a/(α_a+β_a) per arm", () => {
    const env = make("Bandit-Beta-10", { kwargs: { k: 3, alpha: [18, 2, 5], beta: [2, 18, 5] } });
    const sums = [0, 0, 0];
    env.reset(1);
    for (let e = 0; e < 400; e++) meansOf(env.reset().info).forEach((m, a) => (sums[a] += m));
    expect(sums.map((s) => s / 400)).toEqual([expect.closeTo(0.9, 1), expect.closeTo(0.1, 1), expect.closeTo(0.5, 1)]);
  });

  test("one-good-arm has exactly one arm at `high`, the rest at `low`, and moves it between episodes", () => {
    const env = make("Bandit-OneGoodArm-10", { kwargs: { high: 0.8, low: 0.3 } });
    const goodArms = new Set<number>();
    env.reset(2);
    for (let e = 0; e < 200; e++) {
      const means = meansOf(env.reset().info);
      expect(means.filter((m) => m === 0.8)).toHaveLength(1);
      expect(means.filter((m) => m === 0.3)).toHaveLength(9);
      goodArms.add(means.indexOf(0.8));
    }
    expect(goodArms.size).toBe(10);
  });

  test("linear means are θ·x_a with unit arm vectors kept per seed and θ redrawn per episode", () => {
    const env = make("Bandit-LinearFamily-10", { kwargs: { dim: 4 } });
    const core = env.core as TaskFamilyBandit;
    const first = env.reset(0);
    const arms = Array.from(core.arms);
    for (let a = 0; a < 10; a++) expect(Math.hypot(...arms.slice(a * 4, a * 4 + 4))).toBeCloseTo(1, 12);
    const thetas = new Set<string>();
    for (let e = 0; e < 5; e++) {
      const info = e === 0 ? first.info : env.reset().info;
      const theta = info.theta as number[];
      thetas.add(JSON.stringify(theta));
      expect(Array.from(core.arms)).toEqual(arms);
      meansOf(info).forEach((mu, a) => expect(mu).toBeCloseTo(theta.reduce((s, th, j) => s + th * arms[a * 4 + j], 0), 12));
    }
    expect(thetas.size).toBe(5);
    env.reset(1);
    expect(Array.from(core.arms)).not.toEqual(arms);
  });

  test("given arm vectors are used as they are", () => {
    const arms = [[1, 0], [0, 1], [-1, -1]];
    const env = make("Bandit-LinearFamily-10", { kwargs: { k: 3, dim: 2, arms } });
    const { info } = env.reset(0);
    const [t0, t1] = info.theta as number[];
    expect(meansOf(info)).toEqual([t0, t1, -t0 - t1]);
  });

  test("bad family kwargs are UserErrors at the kwarg's path", () => {
    const err = (kwargs: Record<string, unknown>, id = "Bandit-Beta-10") => {
      try {
        make(id, { kwargs });
      } catch (e) {
        return (e as Error).message;
      }
      return "no error";
    };
    expect(err({ alpha: [1, 2] })).toBe("env.kwargs.alpha: expected 10 values of α (one per arm, k = 10), got a list of 2");
    expect(err({ beta: 0 })).toMatch(/^env\.kwargs\.beta: /);
    expect(err({ distribution: "gauss" })).toBe('env.kwargs.distribution: expected one of "beta", "one-good-arm", "linear", got "gauss"');
    expect(err({ k: 2, dim: 2, arms: [[1, 0], [1]] }, "Bandit-LinearFamily-10")).toBe("env.kwargs.arms[1]: expected 2 numbers (dim = 2), got a list of 1");
    expect(err({ reward: "bernoulli" }, "Bandit-LinearFamily-10")).toBe('env.kwargs.reward: linear means θ·x are not probabilities; expected "gaussian"');
    expect(err({ high: 1.2 }, "Bandit-OneGoodArm-10")).toMatch(/^env\.kwargs\.high: expected a number ≥ 0 and ≤ 1/);
  });

  test("Gaussian rewards can replace Bernoulli ones in the beta and one-good-arm families", () => {
    const env = make("Bandit-OneGoodArm-10", { kwargs: { reward: "gaussian", std: 0.1 } });
    env.reset(0);
    const rewards = Array.from({ length: 20 }, () => env.step(0).reward);
    expect(rewards.some((r) => r !== 0 && r !== 1)).toBe(true);
    expect(env.observationSpace.contains([...new Array(10).fill(0), -5, 0])).toBe(true);
  });
});
