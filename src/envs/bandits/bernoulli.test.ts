import { describe, expect, test } from "vitest";
import { UserError } from "../../core/errors.js";
import { make } from "../registry.js";
import { BanditCore } from "./bandit-core.js";

function errorOf(kwargs: Record<string, unknown>, id = "Bandit-Bernoulli-10"): UserError {
  try {
    make(id, { kwargs });
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return e as UserError;
  }
  throw new Error("expected a UserError");
}

function meansOf(info: Record<string, unknown>): number[] {
  return info.means as number[];
}

describe("Bandit-Bernoulli-10", () => {
  test("the observation is zeros at reset, then one-hot of the last arm, its reward and t/horizon", () => {
    const env = make("Bandit-Bernoulli-10", { kwargs: { means: [0, 0, 0, 1, 0, 0, 0, 0, 0, 0], horizon: 4 } });
    expect(Array.from(env.reset(0).obs)).toEqual(new Array(12).fill(0));
    const s = env.step(3);
    expect(s.reward).toBe(1);
    expect(Array.from(s.obs)).toEqual([0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0.25]);
    const s2 = env.step(7);
    expect(Array.from(s2.obs)).toEqual([0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0.5]);
    expect(env.observationSpace.contains(s2.obs)).toBe(true);
  });

  test("an episode is `horizon` pulls, truncated and never terminated", () => {
    const env = make("Bandit-Bernoulli-10", { kwargs: { horizon: 3 } });
    env.reset(0);
    const flags = [0, 1, 2].map((a) => env.step(a)).map((s) => [s.terminated, s.truncated]);
    expect(flags).toEqual([[false, false], [false, false], [false, true]]);
  });

  test("empirical arm means converge to the declared means", () => {
    const means = [0.05, 0.2, 0.35, 0.5, 0.65, 0.8, 0.95, 0, 1, 0.5];
    const pulls = 2000;
    const env = make("Bandit-Bernoulli-10", { kwargs: { means, horizon: pulls * 10 } });
    env.reset(3);
    const sums = new Array(10).fill(0);
    for (let t = 0; t < pulls * 10; t++) sums[t % 10] += env.step(t % 10).reward;
    sums.forEach((s, a) => {
      const stdErr = Math.sqrt((means[a] * (1 - means[a])) / pulls);
      expect(Math.abs(s / pulls - means[a])).toBeLessThanOrEqual(5 * stdErr + 1e-12);
    });
  });

  test("drawn means lie in [0, 1], are kept across episodes, and are redrawn by reset(seed)", () => {
    const env = make("Bandit-Bernoulli-10", { kwargs: { horizon: 2 } });
    const first = meansOf(env.reset(0).info);
    expect(first.every((m) => m >= 0 && m <= 1)).toBe(true);
    expect(new Set(first).size).toBe(10);
    env.step(0);
    const last = env.step(1);
    expect(last.truncated).toBe(true);
    expect(meansOf(last.info)).toEqual(first);
    expect(meansOf(env.reset().info)).toEqual(first);
    const other = meansOf(env.reset(1).info);
    expect(other).not.toEqual(first);
    expect(meansOf(env.reset().info)).toEqual(other);
    expect(meansOf(env.reset(0).info)).toEqual(first);
  });

  test("an environment never seeded draws its means from seed 0", () => {
    const a = make("Bandit-Bernoulli-10");
    const b = make("Bandit-Bernoulli-10");
    expect(meansOf(a.reset().info)).toEqual(meansOf(b.reset(0).info));
  });

  test("features and events describe the last pull against the best arm", () => {
    const env = make("Bandit-Bernoulli-10", { kwargs: { k: 3, means: [0, 1, 1] } });
    env.reset(0);
    expect(env.readFeatures()).toEqual({ "arm.bestMean": 1, "pull.mean": 0, regret: 0, "pull.optimal": 0, "pull.arm": -1, t: 0 });
    const bad = env.step(0);
    expect(bad.info.events).toEqual(["pull:suboptimal"]);
    expect(env.readFeatures(["regret", "pull.optimal", "pull.mean", "t"])).toEqual({ regret: 1, "pull.optimal": 0, "pull.mean": 0, t: 1 });
    // Either of two tied best arms is optimal.
    const good = env.step(2);
    expect(good.info.events).toEqual(["pull:optimal", "reward:positive"]);
    expect(env.readFeatures(["regret", "pull.optimal", "pull.arm"])).toEqual({ regret: 0, "pull.optimal": 1, "pull.arm": 2 });
  });

  test("render marks the best arms and the last pull", () => {
    const env = make("Bandit-Bernoulli-10", { kwargs: { k: 2, means: [0.25, 1] } });
    env.reset(0);
    env.step(1);
    expect(env.render()).toBe(["t=1/100  last pull: arm 1 → 1 (regret 0)", "   arm  0  μ=0.250", "*> arm  1  μ=1"].join("\n"));
  });

  test("means of the wrong length or outside [0, 1] are UserErrors naming env.kwargs.means", () => {
    expect(errorOf({ means: [0.5, 0.5] }).message).toMatchInlineSnapshot(`"env.kwargs.means: expected 10 means (one per arm, k = 10), got a list of 2"`);
    expect(errorOf({ means: [0.1, 0.2, 0.3, 1.5, 0, 0, 0, 0, 0, 0] }).message).toMatchInlineSnapshot(`"env.kwargs.means[3]: expected a number ≥ 0 and ≤ 1, got 1.5"`);
    expect(errorOf({ means: [0.1, -0.2], k: 2 }).path).toBe("env.kwargs.means[1]");
    expect(errorOf({ means: "high" }).path).toBe("env.kwargs.means");
    expect(errorOf({ k: 0 }).path).toBe("env.kwargs.k");
    expect(errorOf({ horizon: 2.5 }).path).toBe("env.kwargs.horizon");
    expect(errorOf({ mean: [1] }).message).toMatch(/^env\.kwargs: unknown key "mean"/);
  });

  test("each reseed draws the means anew; a reset without a seed keeps them", () => {
    const env = make("Bandit-Bernoulli-10");
    expect(env.core).toBeInstanceOf(BanditCore);
    const core = env.core as BanditCore;
    env.reset(5);
    env.reset(5);
    expect(core.taskVersion).toBe(2);
    env.reset();
    expect(core.taskVersion).toBe(2);
  });
});
