import { describe, expect, test } from "vitest";
import { Rng } from "../../core/rng.js";
import { make } from "../registry.js";
import type { BanditCore } from "./bandit-core.js";
import { argmaxRandomTie, epsilonGreedy, thompsonBeta, thompsonGaussian, ucb1, uniformRandom, type BanditPolicy } from "./baselines.js";
import { regretCurve, ucb1RegretBound } from "./regret.js";

const SEEDS = [0, 1, 2, 3, 4, 5, 6, 7];
const T = 1000;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** R(T) for a policy on the registered bandit `id` reseeded with `seed`. */
function finalRegret(id: string, policy: BanditPolicy, seed: number, kwargs: Record<string, unknown> = {}): { curve: Float64Array; means: Float64Array } {
  const env = make(id, { kwargs: { horizon: T, ...kwargs } });
  const curve = regretCurve(env, policy, T, seed);
  return { curve, means: (env.core as BanditCore).means };
}

const firstHalf = (c: Float64Array) => c[c.length / 2 - 1];
const secondHalf = (c: Float64Array) => c[c.length - 1] - c[c.length / 2 - 1];

describe("regret of baseline policies", () => {
  test("UCB1 stays under the Auer et al. bound on 10-armed Bernoulli bandits with clear gaps, where a random policy does not", () => {
    for (const seed of SEEDS) {
      // Best arm 0.95 at a random place, the others from U[0, 0.15]: gaps large enough that the bound is below T·Δ.
      const rng = new Rng(100 + seed);
      const means = Array.from({ length: 10 }, () => rng.uniform(0, 0.15));
      means[rng.int(10)] = 0.95;
      const bound = ucb1RegretBound(means, T);
      const ucb = finalRegret("Bandit-Bernoulli-10", ucb1(new Rng(seed)), seed, { means }).curve[T - 1];
      const random = finalRegret("Bandit-Bernoulli-10", uniformRandom(new Rng(seed)), seed, { means }).curve[T - 1];
      expect(ucb, `seed ${seed}`).toBeLessThan(bound);
      expect(random, `seed ${seed}`).toBeGreaterThan(bound);
    }
  });

  test("on Bernoulli arms with means drawn per seed, UCB1 grows sublinearly and stays far below random, and Thompson sampling does at least as well", () => {
    const ucb: number[] = [];
    const ts: number[] = [];
    const random: number[] = [];
    for (const seed of SEEDS) {
      const u = finalRegret("Bandit-Bernoulli-10", ucb1(new Rng(seed)), seed);
      expect(u.curve[T - 1], `seed ${seed}`).toBeLessThan(ucb1RegretBound(u.means, T));
      expect(secondHalf(u.curve), `seed ${seed}`).toBeLessThan(firstHalf(u.curve));
      const r = finalRegret("Bandit-Bernoulli-10", uniformRandom(new Rng(seed)), seed).curve[T - 1];
      expect(u.curve[T - 1], `seed ${seed}`).toBeLessThan(0.5 * r);
      ucb.push(u.curve[T - 1]);
      random.push(r);
      ts.push(finalRegret("Bandit-Bernoulli-10", thompsonBeta(new Rng(seed)), seed).curve[T - 1]);
    }
    expect(mean(ucb)).toBeLessThan(0.35 * mean(random));
    expect(mean(ts)).toBeLessThanOrEqual(mean(ucb));
  });

  test("on Gaussian arms, UCB1 and Gaussian Thompson sampling grow sublinearly, far below random, Thompson no worse than UCB1", () => {
    const ucb: number[] = [];
    const ts: number[] = [];
    for (const seed of SEEDS) {
      const u = finalRegret("Bandit-Gaussian-10", ucb1(new Rng(seed), { scale: 1 }), seed).curve;
      const t = finalRegret("Bandit-Gaussian-10", thompsonGaussian(new Rng(seed)), seed).curve;
      const r = finalRegret("Bandit-Gaussian-10", uniformRandom(new Rng(seed)), seed).curve[T - 1];
      for (const c of [u, t]) {
        expect(secondHalf(c), `seed ${seed}`).toBeLessThan(firstHalf(c));
        expect(c[T - 1], `seed ${seed}`).toBeLessThan(0.25 * r);
      }
      ucb.push(u[T - 1]);
      ts.push(t[T - 1]);
    }
    expect(mean(ts)).toBeLessThanOrEqual(mean(ucb));
  });

  test("ε-greedy beats random but, exploring forever, keeps paying about ε·mean gap per pull", () => {
    for (const seed of SEEDS.slice(0, 4)) {
      const e = finalRegret("Bandit-Bernoulli-10", epsilonGreedy(new Rng(seed), { epsilon: 0.1 }), seed);
      const r = finalRegret("Bandit-Bernoulli-10", uniformRandom(new Rng(seed)), seed).curve[T - 1];
      expect(e.curve[T - 1]).toBeLessThan(0.5 * r);
      const best = Math.max(...e.means);
      const meanGap = mean(Array.from(e.means, (m) => best - m));
      // Exploration alone costs ε·(mean gap) per pull in the second half.
      expect(secondHalf(e.curve)).toBeGreaterThan(0.5 * 0.1 * meanGap * (T / 2));
    }
  });
});

describe("regretCurve", () => {
  const means = [0.2, 0.9, 0.5];
  const fixed: (arm: number) => BanditPolicy = (arm) => ({ name: `arm-${arm}`, reset() {}, act: () => arm, update() {} });

  test("the curve is R(t) = Σ (μ* − μ_{a_s}): zero for the best arm, linear for a worse one", () => {
    const env = make("Bandit-Bernoulli-10", { kwargs: { k: 3, means, horizon: 7 } });
    expect(Array.from(regretCurve(env, fixed(1), 20, 0))).toEqual(new Array(20).fill(0));
    const worst = regretCurve(env, fixed(0), 20, 0);
    worst.forEach((r, t) => expect(r).toBeCloseTo(0.7 * (t + 1), 12));
  });

  test("a policy keeps learning across episodes of a plain bandit and restarts on each new task of a family", () => {
    const counting = (): BanditPolicy & { resets: number } => {
      const p = { name: "count", resets: 0, reset: () => void p.resets++, act: () => 0, update() {} };
      return p;
    };
    const plain = counting();
    regretCurve(make("Bandit-Bernoulli-10", { kwargs: { horizon: 10 } }), plain, 55, 0);
    expect(plain.resets).toBe(1);
    const family = counting();
    regretCurve(make("Bandit-OneGoodArm-10", { kwargs: { horizon: 10 } }), family, 55, 0);
    expect(family.resets).toBe(6);
  });

  test("a policy returning an arm out of range is a UserError naming it", () => {
    const env = make("Bandit-Bernoulli-10", { kwargs: { k: 3, means } });
    expect(() => regretCurve(env, fixed(3), 5)).toThrowError("arm-3.act: expected an arm in [0, 2], got 3");
  });
});

describe("policy helpers", () => {
  test("argmaxRandomTie returns the unique maximum and splits ties evenly", () => {
    const rng = new Rng(0);
    expect(argmaxRandomTie([0.1, 0.7, 0.3], rng)).toBe(1);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 3000; i++) counts[argmaxRandomTie([1, 0, 1, 1], rng)]++;
    expect(counts[1]).toBe(0);
    for (const a of [0, 2, 3]) expect(counts[a]).toBeGreaterThan(900);
  });

  test("UCB1 and ε-greedy pull every arm once before exploiting", () => {
    for (const policy of [ucb1(new Rng(1)), epsilonGreedy(new Rng(1), { epsilon: 0 })]) {
      policy.reset(5);
      const pulled = new Set<number>();
      for (let t = 0; t < 5; t++) {
        const a = policy.act();
        pulled.add(a);
        policy.update(a, a === 2 ? 1 : 0);
      }
      expect(pulled.size, policy.name).toBe(5);
      if (policy.name === "epsilon-greedy") expect(policy.act()).toBe(2);
    }
  });

  test("bad policy options are UserErrors naming the option", () => {
    expect(() => epsilonGreedy(new Rng(0), { epsilon: 2 })).toThrowError("epsilonGreedy.epsilon: expected a number ≥ 0 and ≤ 1, got 2");
    expect(() => ucb1(new Rng(0), { scale: 0 })).toThrowError(/^ucb1\.scale: /);
    expect(() => thompsonGaussian(new Rng(0), { noiseStd: -1 })).toThrowError(/^thompsonGaussian\.noiseStd: /);
  });
});
