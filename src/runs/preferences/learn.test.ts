import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { Rng } from "../../core/rng.js";
import { makeRewarded } from "../../rewards/make.js";
import { learnFromPreferences, PreferenceConfig } from "./learn.js";

const config = (o: object) => PreferenceConfig.parse({ env: { id: "CartPole-v1" }, labels: 200, rounds: 2, heldOut: 100, model: { members: 2, hidden: [32], epochs: 10 }, ...o });

test("a reward learned from 200 synthetic CartPole comparisons orders held-out segments as the true reward does", () => {
  const rounds: number[] = [];
  const { rounds: reports } = learnFromPreferences(config({}), undefined, (r) => rounds.push(r.labels));
  expect(rounds).toEqual([100, 200]);
  expect(reports.at(-1)!.accuracy).toBeGreaterThan(0.95);
});

test("mistaken labels cost agreement, and active queries spend the same budget", () => {
  const noisy = learnFromPreferences(config({ labeler: { flip: 0.4 } })).rounds.at(-1)!;
  const clean = learnFromPreferences(config({})).rounds.at(-1)!;
  expect(noisy.accuracy).toBeLessThan(clean.accuracy);
  const active = learnFromPreferences(config({ query: "disagreement", candidates: 3 })).rounds;
  expect(active.map((r) => r.labels)).toEqual([100, 200]);
});

test("the saved model is a `learned` reward term: alive steps earn more than ending, and a model for another env is refused in one line", () => {
  const { artifact } = learnFromPreferences(config({}));
  const file = join(mkdtempSync(join(tmpdir(), "rewardlab-learned-")), "cartpole.json");
  writeFileSync(file, JSON.stringify(artifact));
  const env = makeRewarded("CartPole-v1", 4, { terms: [{ kind: "task", weight: 0 }, { name: "learned", kind: "learned", model: file }] });
  env.reset(0);
  const rng = new Rng(0);
  let alive = 0;
  let steps = 0;
  for (let t = 0; t < 50; t++) {
    env.step(Int32Array.from({ length: 4 }, () => rng.int(2)));
    for (let i = 0; i < 4; i++) if (!env.vec.terminated[i]) (alive += env.rewards[i]), steps++;
  }
  // The absorbing state's reward is subtracted, so it is 0 and staying alive must be worth more.
  expect(alive / steps).toBeGreaterThan(0);
  expect(() => makeRewarded("DoorKey-5x5", 1, { terms: [{ kind: "task" }, { kind: "learned", model: file }] })).toThrow(
    "reward.terms[1].model: the model was learned on CartPole-v1 (observations of 4, 2 actions); this environment has observations of 147 and 7 actions",
  );
  expect(() => makeRewarded("CartPole-v1", 1, { terms: [{ kind: "task" }, { kind: "learned", model: "/nonexistent/model.json" }] })).toThrow('reward.terms[1].model: cannot read the learned reward model "/nonexistent/model.json"');
  expect(() => makeRewarded("CartPole-v1", 1, { terms: [{ kind: "task" }, { kind: "learned", model: { ...artifact, sizes: [3, 1] } }] })).toThrow("reward.terms[1].model.sizes: expected layer sizes from 11 inputs to 1 output, got 3→1");
});

test("tree-structured collection pairs sibling segments that branch from the same state, at the same label budget", async () => {
  const { collectTreeSegments } = await import("./segments.js");
  const env = makeRewarded("CartPole-v1", 1, { terms: [{ kind: "task" }] });
  env.reset(0);
  const rng = new Rng(1);
  const act = () => Int32Array.of(rng.int(2));
  const segments = collectTreeSegments(env, act, 8, 5, 2, rng);
  expect(segments).toHaveLength(8);
  const size = 2 * 4 + 2 + 1;
  for (let k = 0; k < 8; k += 2) {
    // Siblings start from the same s (the first 4 features of their first row)…
    expect(Array.from(segments[k].x.subarray(0, 4))).toEqual(Array.from(segments[k + 1].x.subarray(0, 4)));
  }
  // …and different trees from different states.
  expect(Array.from(segments[0].x.subarray(0, 4))).not.toEqual(Array.from(segments[2].x.subarray(0, 4)));
  expect(segments[0].x.length).toBe(5 * size);
  const tree = learnFromPreferences(config({ collection: "tree" }));
  expect(tree.rounds.map((r) => r.labels)).toEqual([100, 200]);
  expect(tree.rounds.at(-1)!.accuracy).toBeGreaterThan(0.9);
});

test("the RLHF loop trains PPO on the reward learned so far after each round and reports its true return", () => {
  const reports = learnFromPreferences(config({ labels: 200, rounds: 2, heldOut: 20, agent: { steps: 10_000, numEnvs: 4 } })).rounds;
  expect(reports).toHaveLength(2);
  for (const r of reports) expect(Number.isFinite(r.agentReturn)).toBe(true);
  // CartPole's true return is the episode length: PPO on a learned "stay up" reward keeps the pole up longer than a random policy (≈ 22).
  expect(reports.at(-1)!.agentReturn!).toBeGreaterThan(25);
}, 60_000);

test("the run's seed drives the reward model unless model.seed says otherwise (a model section without a seed included)", () => {
  const env = { id: "CartPole-v1" };
  expect(PreferenceConfig.parse({ env }).model.seed).toBeUndefined();
  expect(PreferenceConfig.parse({ env, model: { members: 3, hidden: [64], epochs: 10 } }).model.seed).toBeUndefined();
  expect(PreferenceConfig.parse({ env, model: { seed: 7 } }).model.seed).toBe(7);
});
