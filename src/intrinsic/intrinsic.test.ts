import { expect, test } from "vitest";
import { Rng } from "../core/rng.js";
import { makeVector } from "../envs/registry.js";
import type { RewardBatch } from "../rewards/batch.js";
import { RewardedVector } from "../rewards/rewarded.js";
import { countBonus, episodicCountBonus } from "./counts.js";
import { e3bBonus } from "./e3b.js";
import { exactHash, SimHash } from "./hash.js";

/** A batch whose s′ observations are the given rows. */
function batchOf(rows: number[][]): RewardBatch {
  const obsSize = rows[0].length;
  const nextObs = Float32Array.from(rows.flat());
  return { n: rows.length, prev: [], next: [], actions: new Int32Array(rows.length), actionSize: 1, taskReward: new Float32Array(rows.length), terminated: new Uint8Array(rows.length), truncated: new Uint8Array(rows.length), events: new Uint32Array(rows.length), obsSize, obs: nextObs, nextObs, episodeStep: new Float64Array(rows.length) };
}

test("the count bonus decays as 1/√n over visits to the same observation", () => {
  const bonus = countBonus({}, "options");
  bonus.init({ n: 1, obsSize: 2, actionSize: 1 });
  const out = new Float64Array(1);
  const seen: number[] = [];
  for (let k = 1; k <= 5; k++) {
    bonus.compute(batchOf([[1, 2]]), out);
    seen.push(out[0]);
  }
  expect(seen).toEqual([1, 2, 3, 4, 5].map((n) => 1 / Math.sqrt(n)));
  bonus.compute(batchOf([[2, 1]]), out);
  expect(out[0]).toBe(1);
});

test("episodic counts restart at each episode and never leak between environments", () => {
  const bonus = episodicCountBonus({}, "options");
  bonus.init({ n: 2, obsSize: 1, actionSize: 1 });
  const out = new Float64Array(2);
  bonus.compute(batchOf([[7], [7]]), out);
  expect(Array.from(out)).toEqual([1, 1]); // the same observation in two environments: separate counts
  bonus.compute(batchOf([[7], [7]]), out);
  expect(Array.from(out)).toEqual([1 / Math.SQRT2, 1 / Math.SQRT2]);
  bonus.endEpisode!(0);
  bonus.compute(batchOf([[7], [7]]), out);
  expect(out[0]).toBe(1);
  expect(out[1]).toBeCloseTo(1 / Math.sqrt(3), 12);
});

test("SimHash collides identical observations and separates distant ones", () => {
  const sim = new SimHash(8, 16, new Rng(1));
  const a = Float32Array.of(1, 0, 0.5, 2, -1, 0, 0, 3);
  const far = Float32Array.of(-1, 0, -0.5, -2, 1, 0, 0, -3);
  expect(sim.code(a, 0)).toBe(sim.code(Float32Array.from(a), 0));
  expect(sim.code(a, 0)).not.toBe(sim.code(far, 0));
  // Exact hashing tells apart observations differing in one float.
  const b = Float32Array.from(a);
  b[3] = 2.0001;
  expect(exactHash(a, 0, 8)).not.toBe(exactHash(b, 0, 8));
  expect(exactHash(a, 0, 8)).toBe(exactHash(Float32Array.from(a), 0, 8));
});

test("E3B's Sherman–Morrison inverse matches a direct inverse of λI + Σφφᵀ", () => {
  const bonus = e3bBonus({ embedding: "random", features: 4, lambda: 0.5, seed: 3 }, "options");
  bonus.init({ n: 1, obsSize: 3, actionSize: 1 });
  const out = new Float64Array(1);
  const rows = [[0.1, 0.2, -0.3], [1, 0, 0.5], [-0.2, 0.9, 0.1], [0.3, 0.3, 0.3]];
  for (const r of rows) bonus.compute(batchOf([r]), out);
  // Rebuild C from the same features: φ = tanh(W·s), W from the module's seed.
  const rng = new Rng(3);
  const W = Array.from({ length: 12 }, () => rng.normal() / Math.sqrt(3));
  const phis = rows.map((r) => [0, 1, 2, 3].map((k) => Math.tanh(W[k * 3] * Math.fround(r[0]) + W[k * 3 + 1] * Math.fround(r[1]) + W[k * 3 + 2] * Math.fround(r[2]))));
  const C = [0, 1, 2, 3].map((i) => [0, 1, 2, 3].map((j) => (i === j ? 0.5 : 0) + phis.reduce((s, p) => s + p[i] * p[j], 0)));
  // C · C⁻¹ = I
  const inv = bonus.inverse[0];
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) {
    let s = 0;
    for (let k = 0; k < 4; k++) s += C[i][k] * inv[k * 4 + j];
    expect(s).toBeCloseTo(i === j ? 1 : 0, 5);
  }
});

test("the same seed gives the same bonuses through a reward program", () => {
  const run = () => {
    const spec = { terms: [{ kind: "task" }, { kind: "intrinsic", module: "count", weight: 0.1, options: { hash: "simhash", bits: 16 } }, { kind: "intrinsic", module: "e3b", weight: 0.1 }] };
    const rv = new RewardedVector(makeVector("DoorKey-5x5", 4), spec);
    rv.reset(0);
    const rng = new Rng(4);
    const seen: number[] = [];
    for (let t = 0; t < 50; t++) {
      rv.step(Int32Array.from({ length: 4 }, () => rng.int(7)));
      seen.push(...rv.reward.terms[1], ...rv.reward.terms[2]);
    }
    return seen;
  };
  expect(run()).toEqual(run());
});

test("bad bonus options are one-line errors with the path", () => {
  expect(() => new RewardedVector(makeVector("DoorKey-5x5", 1), { terms: [{ kind: "task" }, { kind: "intrinsic", module: "count", options: { hash: "md5" } }] })).toThrow('reward.terms[1].options.hash: expected one of "exact", "simhash", got "md5"');
});

test("RND's bonus falls on observations it has trained on and stays high on unseen ones", async () => {
  const { rndBonus } = await import("./rnd.js");
  const bonus = rndBonus({ seed: 1, epochs: 5, minibatch: 32, learningRate: 3e-3 }, "options");
  bonus.init({ n: 8, obsSize: 4, actionSize: 1 });
  const rng = new Rng(2);
  const familiar = Array.from({ length: 8 }, () => [rng.normal(), rng.normal(), rng.normal(), rng.normal()]);
  const novel = familiar.map((row) => row.map((v) => -3 * v + 2));
  const out = new Float64Array(8);
  // The prediction error itself, before the bonus's normalizations.
  const rawOf = (rows: number[][]) => {
    bonus.compute(batchOf(rows), out);
    return bonus.predictionErrors().reduce((a, b) => a + b, 0) / 8;
  };
  const before = rawOf(familiar);
  for (let round = 0; round < 40; round++) {
    bonus.compute(batchOf(familiar), out);
    bonus.update!();
  }
  const after = rawOf(familiar);
  const unseen = rawOf(novel);
  expect(after).toBeLessThan(0.2 * before);
  expect(unseen).toBeGreaterThan(5 * after);
}, 60_000);

test("PPO trains an RND predictor between rollouts and logs its loss", async () => {
  const { Ppo } = await import("../agents/ppo.js");
  const { train } = await import("../runs/loop.js");
  const rv = new RewardedVector(makeVector("CartPole-v1", 2), { terms: [{ kind: "task" }, { kind: "intrinsic", module: "rnd", weight: 0.1 }] });
  const ppo = new Ppo(rv, { numSteps: 32 }, 0);
  const losses: number[] = [];
  train(ppo, 32 * 2 * 4, (m: Record<string, number>) => void losses.push(m["intrinsic/rnd/loss"]));
  expect(losses).toHaveLength(4);
  expect(losses.every((l) => Number.isFinite(l) && l >= 0)).toBe(true);
});

test("episodic novelty is high for a new state, falls as it is revisited, restarts with the episode, and stays per environment", async () => {
  const { episodicNoveltyBonus } = await import("./episodic-novelty.js");
  const bonus = episodicNoveltyBonus({ k: 3, features: 8 }, "options");
  bonus.init({ n: 2, obsSize: 3, actionSize: 1 });
  const out = new Float64Array(2);
  const seen: number[] = [];
  // Environment 0 wanders a little, then keeps returning to one state; environment 1 always moves on.
  const states0 = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0], [1, 0, 0], [1, 0, 0], [1, 0, 0]];
  states0.forEach((s, t) => {
    bonus.compute(batchOf([s, [t + 1, -t, 0.5 * t]]), out);
    seen.push(out[0]);
  });
  expect(seen[6]).toBeLessThan(seen[2]); // the same state again and again: less novel
  expect(bonus.memorySize(0)).toBe(7);
  expect(bonus.memorySize(1)).toBe(7);
  bonus.endEpisode!(0);
  expect(bonus.memorySize(0)).toBe(0);
  expect(bonus.memorySize(1)).toBe(7);
  bonus.compute(batchOf([[1, 0, 0], [9, 9, 9]]), out);
  // An empty memory means no neighbours: the largest bonus, 1/c.
  expect(out[0]).toBeCloseTo(1 / 1e-3, 6);
});
