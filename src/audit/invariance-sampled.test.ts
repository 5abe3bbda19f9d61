/**
 * The sampled invariance check on CartPole-v1, with budgets small enough
 * for a test (20k steps per run; the verdicts below held over several
 * seeds at this budget). Potential-based shaping towards upright must not
 * be reported as changing the learned behaviour; a step penalty larger
 * than the survival reward (it makes falling early the best thing to do)
 * must be, by agreement and by return.
 */
import { expect, test } from "vitest";
import { compileReward } from "../rewards/program.js";
import { envInfoOf } from "../rewards/rewarded.js";
import { makeVector } from "../envs/registry.js";
import { parseRewardSpec } from "../rewards/spec.js";
import { primaryOnlySpec, sampledInvariance } from "./invariance-sampled.js";

const potential = { terms: [{ name: "alive", kind: "task" }, { name: "upright", kind: "potential", phi: "-10 * abs(pole.angle)", gamma: 0.99 }] };
const hurry = { terms: [{ name: "alive", kind: "task" }, { name: "hurry", kind: "expression", expr: "-2" }] };
const budget = { steps: 20_000, seeds: 2, episodes: 8, seed: 0 };

test("potential-based shaping on CartPole: the two rewards' policies agree as much as seeds of one reward", () => {
  const r = sampledInvariance("CartPole-v1", potential, budget);
  expect(r.policies.map((p) => [p.design, p.seed])).toEqual([["full", 0], ["full", 1], ["primary", 2], ["primary", 3]]);
  expect(r.within.agreement).toBeGreaterThan(0.8);
  expect(r.gapInterval[0]).toBeLessThan(r.margin);
  expect(r.agreementChanged).toBe(false);
  expect(r.returnsChanged).toBe(false);
  expect(r.changed).toBe(false);
});

test("a step penalty above the survival reward on CartPole: reported as changing the learned behaviour", () => {
  const r = sampledInvariance("CartPole-v1", hurry, budget);
  // Seeds of each reward agree with each other; across the rewards the greedy actions are mostly opposite.
  expect(r.withinFull.agreement).toBeGreaterThan(0.8);
  expect(r.withinPrimary.agreement).toBeGreaterThan(0.8);
  expect(r.across.agreement).toBeLessThan(0.5);
  expect(r.across.tv).toBeGreaterThan(3 * r.within.tv);
  expect(r.gapInterval[0]).toBeGreaterThan(r.margin);
  expect(r.tvGapInterval[0]).toBeGreaterThan(r.margin / 2);
  expect(r.agreementChanged).toBe(true);
  // Falling early: about ten steps, against tens of steps for the primary reward's policies.
  expect(r.primaryReturns.full).toBeLessThan(15);
  expect(r.primaryReturns.primary).toBeGreaterThan(25);
  expect(r.returnsChanged).toBe(true);
  expect(r.changed).toBe(true);
  // Each policy's return interval is a bootstrap of its episodes' mean: inside their range, around the mean.
  for (const p of r.policies) {
    expect(p.episodeReturns).toHaveLength(budget.episodes);
    expect(p.primaryInterval[0]).toBeGreaterThanOrEqual(Math.min(...p.episodeReturns));
    expect(p.primaryInterval[1]).toBeLessThanOrEqual(Math.max(...p.episodeReturns));
    expect(p.primaryInterval[0]).toBeLessThanOrEqual(p.primaryReturn);
    expect(p.primaryReturn).toBeLessThanOrEqual(p.primaryInterval[1]);
  }
});

test("same seed, same report; another seed, another report", () => {
  const tiny = { steps: 2048, seeds: 2, episodes: 2, resamples: 200 };
  const a = sampledInvariance("CartPole-v1", potential, { ...tiny, seed: 5 });
  const b = sampledInvariance("CartPole-v1", potential, { ...tiny, seed: 5 });
  expect(b).toEqual(a);
  const c = sampledInvariance("CartPole-v1", potential, { ...tiny, seed: 6 });
  expect(c.policies.map((p) => p.seed)).toEqual([6, 7, 8, 9]);
  expect(c.states === a.states && c.gap === a.gap).toBe(false);
});

test("barely trained policies: their most likely actions agree or not by chance, and that alone is not reported as a change", () => {
  // DoorKey with 2k steps: no policy has met the goal, all are near-uniform over 7 actions. With this
  // seed the agreement gap alone would pass (pairs of near-ties flip together); the distributions do not differ.
  const spec = { terms: [{ name: "goal", kind: "task" }, { name: "progress", kind: "potential", phi: "0.5 * carrying.key + 0.5 * door.open", gamma: 0.99 }] };
  const r = sampledInvariance("DoorKey-5x5", spec, { steps: 2048, seeds: 2, episodes: 2, seed: 7 });
  expect(r.within.tv).toBeLessThan(0.05);
  expect(r.gapInterval[0]).toBeGreaterThan(r.margin);
  expect(r.tvGapInterval[0]).toBeLessThan(r.margin / 2);
  expect(r.agreementChanged).toBe(false);
  expect(r.changed).toBe(false);
});

test("primary only: the primary terms, all learned from, without auxiliary terms, transforms or scalarization", () => {
  const spec = parseRewardSpec({
    terms: [
      { name: "goal", kind: "task" },
      { name: "kept", kind: "expression", expr: "-cart.x", role: "primary", optimize: false },
      { name: "hurry", kind: "expression", expr: "-2" },
    ],
    transforms: [{ type: "clip", min: -1, max: 1 }],
    scalarize: { method: "weighted", weights: { reward: 2 } },
  });
  const program = compileReward(spec, envInfoOf(makeVector("CartPole-v1", 1)));
  const primary = primaryOnlySpec(spec, program.terms);
  expect(primary.terms.map((t) => [t.name, t.optimize])).toEqual([["goal", true], ["kept", true]]);
  expect(primary.transforms).toEqual([]);
  expect(primary.scalarize).toBeUndefined();
});

test("errors name the option", () => {
  expect(() => sampledInvariance("CartPole-v1", potential, { seeds: 1 })).toThrow("--seeds: expected an integer ≥ 2 (the baseline compares seeds of the same reward), got 1");
  expect(() => sampledInvariance("CartPole-v1", potential, { episodes: 1 })).toThrow("--episodes: expected an integer ≥ 2, got 1");
  expect(() => sampledInvariance("Pendulum-v1", { terms: [{ kind: "task" }, { kind: "expression", expr: "-1" }] })).toThrow("--env: Pendulum-v1 has box actions; the sampled comparison compares discrete action choices");
  expect(() => sampledInvariance("CartPole-v1", { terms: [{ kind: "task" }] })).toThrow("reward.terms: the agent learns from the primary terms alone already: there are no auxiliary terms to compare");
  expect(() => sampledInvariance("CartPole-v1", potential, { learner: { algo: "q-learning" } })).toThrow("learner.algo: the sampled comparison needs a policy over observations (ppo or reinforce), got q-learning");
});
