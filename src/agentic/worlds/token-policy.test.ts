import { expect, test } from "vitest";
import { ACTION_NAMES } from "../../envs/grid/objects.js";
import { gridTextEnv } from "./grid-text.js";
import { evaluateTokenPolicy, trainTokenPolicy } from "./token-policy.js";

const actions = ACTION_NAMES.slice(0, 3);
const world = () => gridTextEnv("Empty-5x5");

test("the token-level GRU policy, trained by REINFORCE with RLOO's baseline, learns Empty-5x5 from its text: task return up by a clear margin in 20k steps", () => {
  const untrained = evaluateTokenPolicy(trainTokenPolicy(world, { actions, baseline: "rloo", steps: 1, seed: 1 }), world, actions, 64, 12345);
  const policy = trainTokenPolicy(world, { actions, baseline: "rloo", steps: 20_000, seed: 1 });
  const trained = evaluateTokenPolicy(policy, world, actions, 64, 12345);
  expect(trained.success).toBe(1);
  expect(trained.primaryReturn).toBeGreaterThan(untrained.primaryReturn + 0.1);
  // The training curve rose too.
  expect(policy.curve.at(-1)!).toBeGreaterThan(policy.curve[0]);
}, 120_000);

test("the same seed trains the same weights, bit for bit; GRPO's baseline trains others", () => {
  const a = trainTokenPolicy(world, { actions, baseline: "rloo", steps: 1500, seed: 3 });
  const b = trainTokenPolicy(world, { actions, baseline: "rloo", steps: 1500, seed: 3 });
  expect(b.params).toEqual(a.params);
  const c = trainTokenPolicy(world, { actions, baseline: "grpo", steps: 1500, seed: 3 });
  expect(c.params).not.toEqual(a.params);
});

test("with PPO (the value as one more output, GAE, the clipped objective) it learns Empty-5x5 in 6k steps", () => {
  const untrained = evaluateTokenPolicy(trainTokenPolicy(world, { actions, baseline: "ppo", steps: 1, seed: 1 }), world, actions, 64, 12345);
  const trained = evaluateTokenPolicy(trainTokenPolicy(world, { actions, baseline: "ppo", steps: 6000, seed: 1 }), world, actions, 64, 12345);
  expect(trained.success).toBe(1);
  expect(trained.primaryReturn).toBeGreaterThan(0.9);
  expect(trained.primaryReturn).toBeGreaterThan(untrained.primaryReturn + 0.2);
}, 120_000);
