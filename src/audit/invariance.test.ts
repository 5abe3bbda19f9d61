import { expect, test } from "vitest";
import { invarianceMethod, shapingInvariance } from "./invariance.js";

const gamma = 0.9;

test("potential-based shaping changes no state's optimal actions and costs nothing", () => {
  const r = shapingInvariance("DoorKey-5x5", { terms: [{ kind: "task" }, { kind: "potential", phi: "-goal.distance - 2 * key.distance + 3 * carrying.key", gamma }] }, { gamma, seed: 1 });
  expect(r.states).toBeGreaterThan(100);
  expect(r.differing).toEqual([]);
  expect(r.misled).toEqual([]);
  expect(r.primaryUnderLearned).toBeCloseTo(r.primaryOptimum, 9);
  expect(r.picture).not.toContain("!");
});

test("a bonus for holding the key, paid every step, misleads states and costs primary value; the cells are marked on the grid", () => {
  const r = shapingInvariance("DoorKey-5x5", { terms: [{ kind: "task" }, { kind: "expression", expr: "0.2 * carrying.key" }] }, { gamma, seed: 1 });
  expect(r.misled.length).toBeGreaterThan(0);
  expect(r.differing.length).toBeGreaterThanOrEqual(r.misled.length);
  // Holding the key forever beats finishing: the start's primary value under the learned optimum falls to 0.
  expect(r.primaryOptimum).toBeGreaterThan(0.3);
  expect(r.primaryUnderLearned).toBeLessThan(0.5 * r.primaryOptimum);
  expect(r.picture).toMatch(/![1-9+]/);
  const marked = [...r.cells.values()].reduce((s, v) => s + v, 0);
  expect(marked).toBe(r.misled.length);
  expect(r.examples[0].picture).toContain("carrying: yellow key");
  expect(r.examples[0].learned).not.toEqual(r.examples[0].primary);
});

test("a non-gridworld is a one-line error that points to the sampled comparison", () => {
  expect(() => shapingInvariance("CartPole-v1", { terms: [{ kind: "task" }] })).toThrow("--env: the exact invariance check needs a deterministic gridworld with a tabular model; CartPole-v1 is not one");
});

test("the method is exact where the gridworld has a tabular model, and sampled (with the reason) where it has none or when asked", () => {
  const exact = invarianceMethod("DoorKey-5x5", { seed: 1 });
  expect(exact.method).toBe("exact");
  expect(exact.method === "exact" && exact.grid.model.numStates).toBe(260);
  expect(invarianceMethod("DoorKey-5x5", { sampled: true })).toEqual({ method: "sampled", because: "as asked (--sampled)" });
  expect(invarianceMethod("CartPole-v1")).toEqual({ method: "sampled", because: "CartPole-v1 has no tabular model" });
  const random = invarianceMethod("Dynamic-Obstacles-5x5");
  expect(random).toEqual({ method: "sampled", because: "no tabular model (the environment drew random numbers while stepping; a tabular model needs deterministic dynamics)" });
  expect(() => shapingInvariance("Dynamic-Obstacles-5x5", { terms: [{ kind: "task" }] })).toThrow("tabulate: the environment drew random numbers while stepping");
});
