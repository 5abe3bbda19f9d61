import { expect, test } from "vitest";
import { train } from "../runs/loop.js";
import { makeVector } from "../envs/registry.js";
import { RewardedVector } from "../rewards/rewarded.js";
import { Reinforce } from "./reinforce.js";

test("REINFORCE with the RLOO baseline learns CartPole-v1 (mean return > 200 within 150k steps)", () => {
  const rv = new RewardedVector(makeVector("CartPole-v1", 8), { terms: [{ kind: "task" }] });
  const learner = new Reinforce(rv, { groupSize: 4, learningRate: 3e-3 }, 2);
  const means: number[] = [];
  train(learner, 150_000, (m) => {
    means.push(m["charts/mean_return"]);
    if (means.length >= 5 && means.slice(-5).reduce((a, b) => a + b, 0) / 5 > 200) return false;
  });
  expect(means.slice(-5).reduce((a, b) => a + b, 0) / 5).toBeGreaterThan(200);
  expect(learner.globalStep).toBeLessThan(150_000);
  // It had to learn: the first iterations were far below.
  expect(means[0]).toBeLessThan(60);
}, 120_000);

test("groups share their start state, so an all-equal group has zero advantage", () => {
  const rv = new RewardedVector(makeVector("CartPole-v1", 4), { terms: [{ kind: "task" }] });
  const learner = new Reinforce(rv, { groupSize: 2 }, 0);
  train(learner, 1);
  // Environments 0 and 1 were reset with the same seed: the same first observation.
  rv.reset([5, 5, 6, 6]);
  expect(Array.from(rv.obs.subarray(0, 4))).toEqual(Array.from(rv.obs.subarray(4, 8)));
  expect(Array.from(rv.obs.subarray(0, 4))).not.toEqual(Array.from(rv.obs.subarray(8, 12)));
});

test("the group size must divide the number of environments", () => {
  const rv = new RewardedVector(makeVector("CartPole-v1", 6), { terms: [{ kind: "task" }] });
  expect(() => new Reinforce(rv, { groupSize: 4 })).toThrow("groupSize: expected a divisor of the number of environments (6), got 4");
});

test("with GRPO's baseline (the return standardized within its group) it learns CartPole-v1 too", () => {
  const rv = new RewardedVector(makeVector("CartPole-v1", 8), { terms: [{ kind: "task" }] });
  const learner = new Reinforce(rv, { groupSize: 4, learningRate: 3e-3, baseline: "grpo" } as never, 2);
  const means: number[] = [];
  train(learner, 150_000, (m) => {
    means.push(m["charts/mean_return"]);
    if (means.length >= 5 && means.slice(-5).reduce((a, b) => a + b, 0) / 5 > 200) return false;
  });
  expect(means.slice(-5).reduce((a, b) => a + b, 0) / 5).toBeGreaterThan(200);
  expect(means[0]).toBeLessThan(60);
  // From the same seed, one update with each baseline: the advantages differ, so do the parameters.
  const after = (baseline: string) => {
    const l = new Reinforce(new RewardedVector(makeVector("CartPole-v1", 8), { terms: [{ kind: "task" }] }), { groupSize: 4, learningRate: 3e-3, baseline } as never, 2);
    train(l, 1);
    return JSON.stringify(l.state());
  };
  expect(after("grpo")).not.toBe(after("rloo"));
}, 120_000);
