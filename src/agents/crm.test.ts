import { expect, test } from "vitest";
import { train } from "../runs/loop.js";
import { makeRewarded } from "../rewards/make.js";
import { TabularQ } from "./tabular-q.js";

const machine = {
  initial: "start",
  terminal: ["done"],
  propositions: { key: 'event("pickup:key")', door: 'event("open:door")', goal: 'event("reach:goal")' },
  edges: [
    { from: "start", to: "has_key", when: "key", reward: 0.1 },
    { from: "has_key", to: "door_open", when: "door", reward: 0.1 },
    { from: "door_open", to: "done", when: "goal", reward: 1 },
  ],
  gamma: 0.9,
};
const spec = {
  terms: [
    { kind: "task", name: "task", weight: 0 },
    { kind: "expression", expr: "rm.reward", name: "machine", role: "primary" },
    { kind: "potential", phi: "rm.potential", gamma: 0.9, name: "shaping", weight: 0.5 },
  ],
  machine,
};

test("with a reward machine, Q-learning also learns from every other machine state (CRM)", () => {
  const withCrm = new TabularQ(makeRewarded("DoorKey-5x5", 4, spec), { gamma: 0.9, alpha: 0.5, epsilonDecaySteps: 5000 }, 1);
  const without = new TabularQ(makeRewarded("DoorKey-5x5", 4, spec), { gamma: 0.9, alpha: 0.5, epsilonDecaySteps: 5000, crm: false }, 1);
  train(withCrm, 8000);
  train(without, 8000);
  // Counterfactuals visit product states the agent never stood in for real.
  expect(withCrm.stateIds.size).toBeGreaterThan(1.5 * without.stateIds.size);
  const machineStates = new Set([...withCrm.stateIds.keys()].map((k) => k.slice(k.lastIndexOf("|") + 1)));
  expect([...machineStates].sort()).toEqual(["0", "1", "2", "3"]);
});

test("CRM's counterfactual reward swaps the machine terms and keeps the rest", () => {
  const rv = makeRewarded("DoorKey-5x5", 1, spec);
  const learner = new TabularQ(rv, { gamma: 0.9 }, 0);
  const product = rv.vec.cores[0] as never as { machine: { potential: Float64Array } };
  train(learner, 4);
  const cr = (learner as never as { counterfactual: { reward: (...a: unknown[]) => number } }).counterfactual;
  const V = product.machine.potential;
  // From u = 1 (has_key) to u′ = 2 with machine reward 0.1, not terminal:
  const expected = rv.reward.total64[0] - rv.reward.terms[1][0] - rv.reward.terms[2][0] + 0.1 + 0.5 * (0.9 * V[2] - V[1]);
  expect(cr.reward(0, rv.vec.cores[0], 1, 2, 0.1, false)).toBeCloseTo(expected, 12);
});

test("CRM refuses specs it cannot recompute, and on-policy learners", () => {
  const odd = { ...spec, terms: [...spec.terms, { kind: "expression", expr: "2 * rm.reward", name: "double" }] };
  expect(() => new TabularQ(makeRewarded("DoorKey-5x5", 1, odd))).toThrow(/^reward\.terms\[3\]: counterfactual experiences \(CRM\) can recompute only/);
  expect(() => new TabularQ(makeRewarded("DoorKey-5x5", 1, spec), { algorithm: "sarsa" })).toThrow("learner.crm: counterfactual experiences are off-policy: use algo q-learning, or crm: false");
  expect(() => new TabularQ(makeRewarded("DoorKey-5x5", 1, odd), { crm: false })).not.toThrow();
});
