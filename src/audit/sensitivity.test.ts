import { expect, test } from "vitest";
import type { GridEnv } from "../envs/grid/engine.js";
import { make } from "../envs/registry.js";
import { tabulate } from "../envs/tabular.js";
import { compileReward } from "../rewards/program.js";
import { envInfoOf } from "../rewards/rewarded.js";
import { tabularReward, valueIteration } from "../rewards/tabular.js";
import { policySensitivity, softValueIteration } from "./sensitivity.js";

const sparse = { terms: [{ kind: "task" }] };

test("the policy cliff: with tied optimal actions the unregularized optimal policy jumps at a tiny perturbation, and only at the ties; entropy regularization makes the change small and continuous", () => {
  const r = policySensitivity("DoorKey-5x5", sparse, { seed: 1, sizes: [1e-6, 1e-3, 1e-1], draws: 3, temperatures: [0, 0.1] });
  const [hard, soft] = r.curves;
  expect(r.tiedStates).toBeGreaterThan(10);
  expect(hard.points[0].tv).toBeGreaterThan(0.05);
  expect(hard.cliff).toBe(1e-6);
  expect(r.changesAtTies).toBe(1);
  expect(soft.points[0].tv).toBeLessThan(1e-3);
  expect(soft.points[1].tv).toBeGreaterThan(soft.points[0].tv);
  expect(soft.points[2].tv).toBeGreaterThan(soft.points[1].tv);
  expect(soft.cliff).toBe(null);
});

test("scaling the weight of the only optimized term keeps the optimal policy exactly (positive rescaling invariance)", () => {
  const r = policySensitivity("DoorKey-5x5", { terms: [{ kind: "task" }] }, { seed: 1, perturb: "weights", sizes: [1e-3, 0.1], draws: 3, temperatures: [0] });
  for (const p of r.curves[0].points) expect(p.tv).toBe(0);
});

test("soft value iteration tends to value iteration as the temperature falls", () => {
  const env = make("Empty-5x5");
  env.reset(0);
  const core = env.core as GridEnv;
  const model = tabulate(core);
  const R = tabularReward(core, model, compileReward(sparse, envInfoOf(core)));
  const V = valueIteration(model, R, 0.9);
  const soft = softValueIteration(model, R, 0.9, 1e-4);
  // V_soft ≥ V, and within τ·log|A|/(1 − γ).
  for (let s = 0; s < model.numStates; s++) {
    expect(soft[s]).toBeGreaterThanOrEqual(V[s] - 1e-12);
    expect(soft[s] - V[s]).toBeLessThanOrEqual((1e-4 * Math.log(model.numActions)) / 0.1 + 1e-9);
  }
});
