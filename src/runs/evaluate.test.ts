import { expect, test } from "vitest";
import { createLearner } from "../agents/index.js";
import type { TabularQ } from "../agents/tabular-q.js";
import { makeRewarded } from "../rewards/make.js";
import { RunConfig } from "./config.js";
import { formatComparison, summarize } from "./compare.js";
import { Evaluator, runResult, summarizeEvaluations } from "./evaluate.js";
import { runTraining } from "./train.js";

const cartpole = (evaluation: object) => RunConfig.parse({ env: { id: "CartPole-v1" }, numEnvs: 4, steps: 8192, learner: { algo: "ppo", numSteps: 64 }, evaluation });

test("evaluating during training does not change training: the same curve and final state as a run without evaluation", () => {
  const final = (config: RunConfig) => {
    let state: unknown;
    const summary = runTraining(config, 5, {}, undefined, { onCheckpoint: (_step, s) => (state = (s as { loop: unknown }).loop) });
    return { summary, state };
  };
  const { summary: without, state: reference } = final(cartpole({ episodes: 0 }));
  const { summary: withEval, state } = final(cartpole({ episodes: 6, every: 2048 }));
  expect(withEval.curve).toEqual(without.curve);
  expect(state).toEqual(reference);
  expect(without.evaluations).toEqual([]);
  expect(without.resultFrom).toBe("training");
  // Evaluated at 2048, 4096, 6144 and 8192 (the end), two policies each.
  expect(withEval.evaluations.map((e) => [e.step, e.policy, e.episodes])).toEqual(
    [2048, 4096, 6144, 8192].flatMap((s) => [
      [s, "sampled", 6],
      [s, "greedy", 6],
    ]),
  );
  // The run's result is its last evaluation of the first policy; the training window is kept beside it.
  expect(withEval.resultFrom).toBe("sampled");
  expect(withEval.finalPrimary).toBe(withEval.evaluations.at(-2)!.primary);
  expect(withEval.trainPrimary).toBe(without.trainPrimary);
});

test("evaluation episodes are reset with the configured seeds, are the same for any run seed's policy, and are reproducible", () => {
  const config = cartpole({ episodes: 5, seed: 1000, policies: ["greedy"] });
  const env = makeRewarded("CartPole-v1", 4, { terms: [{ kind: "task" }] });
  const learner = createLearner(config.learner, env, 3);
  const evaluator = new Evaluator(config, undefined);
  const { rows, social } = evaluator.evaluate(learner, 0);
  expect(social).toEqual({});
  expect(rows.map((r) => [r.episode, r.seed, r.policy])).toEqual([0, 1, 2, 3, 4].map((k) => [k, 1000 + k, "greedy"]));
  expect(rows.every((r) => r.length > 0 && r.primary === r.length && Number.isNaN(r.success))).toBe(true);
  // Greedy acting on fixed episodes: a second evaluation of the same policy plays them again exactly.
  expect(new Evaluator(config, undefined).evaluate(learner, 0).rows).toEqual(rows);
  // Different initial states per seed: not all episodes alike.
  expect(new Set(rows.map((r) => r.length)).size).toBeGreaterThan(1);
  expect(summarizeEvaluations(rows)).toEqual([{ step: 0, policy: "greedy", episodes: 5, primary: rows.reduce((s, r) => s + r.length, 0) / 5, success: NaN, length: rows.reduce((s, r) => s + r.length, 0) / 5 }]);
});

test("a tabular learner is evaluated on the evaluation's own environments without learning their states", () => {
  const config = RunConfig.parse({ env: { id: "Empty-5x5" }, numEnvs: 2, steps: 4096, learner: { algo: "q-learning" }, evaluation: { episodes: 4 } });
  const env = makeRewarded("Empty-5x5", 2, { terms: [{ kind: "task" }] });
  const learner = createLearner(config.learner, env, 1) as TabularQ;
  learner.plan(0);
  learner.start();
  const known = learner.stateIds.size;
  const { rows } = new Evaluator(config, undefined).evaluate(learner, 0);
  expect(rows).toHaveLength(8);
  expect(rows.every((r) => r.success === 0 || r.success === 1)).toBe(true);
  expect(learner.stateIds.size).toBe(known);
});

test("a run's result: the last evaluation of the first policy, else the training window", () => {
  const evals = [
    { step: 10, policy: "sampled" as const, episodes: 4, primary: 0.1, success: 0, length: 9 },
    { step: 10, policy: "greedy" as const, episodes: 4, primary: 0.2, success: 0, length: 9 },
    { step: 20, policy: "sampled" as const, episodes: 4, primary: 0.3, success: 0.5, length: 9 },
    { step: 20, policy: "greedy" as const, episodes: 4, primary: 0.4, success: 1, length: 9 },
  ];
  expect(runResult(evals, 0.9, 0.9)).toEqual({ primary: 0.3, success: 0.5, from: "sampled" });
  expect(runResult([], 0.9, 0.8)).toEqual({ primary: 0.9, success: 0.8, from: "training" });
});

test("a run config without an evaluation section evaluates by default: 32 held-out episodes, sampled then greedy", () => {
  expect(RunConfig.parse({ env: { id: "CartPole-v1" } }).evaluation).toEqual({ episodes: 32, every: 0, seed: 2 ** 31, policies: ["sampled", "greedy"] });
});

test("a multi-agent run's evaluation measures the population per table, and the comparison prints it with intervals over seeds", () => {
  const config = RunConfig.parse({
    env: { id: "PrisonersDilemma", kwargs: { rounds: 5 } },
    numEnvs: 4,
    steps: 2048,
    learner: { algo: "ppo", numSteps: 64 },
    reward: { terms: [{ kind: "task", optimize: false }, { name: "team", kind: "expression", expr: "team.reward" }] },
    evaluation: { episodes: 8, policies: ["greedy", "sampled"] },
  });
  const runs = [0, 1].map((seed) => runTraining(config, seed));
  for (const run of runs) {
    const finals = run.evaluations.filter((e) => e.step === run.steps);
    expect(finals.map((e) => e.policy)).toEqual(["greedy", "sampled"]);
    for (const e of finals) {
      // 8 rows are 4 tables of 2 players; their mean per-capita return is the rows' mean primary return.
      expect(e.social!.perCapita).toBeCloseTo(e.primary, 9);
      expect(e.social!.collective).toBeCloseTo(2 * e.primary, 9);
      expect(e.social!.cooperation).toBeGreaterThanOrEqual(0);
      expect(e.social!.peace).toBeNaN();
    }
  }
  const summary = summarize("team", runs);
  expect(summary.social!.cooperation!.point).toBeGreaterThanOrEqual(0);
  expect(summary.social!.peace).toBeUndefined();
  const table = formatComparison([summary], 0.9);
  expect(table).toMatch(/population, per table episode of the final evaluation/);
  expect(table).toMatch(/\n {2}cooperation +\d\.\d{3} \[\d\.\d{3}, \d\.\d{3}\] {3}seeds: \d\.\d{3} \d\.\d{3}/);
  // A single-agent comparison prints no population block.
  expect(formatComparison([summarize("cartpole", [runTraining(cartpole({ episodes: 2 }), 0)])], 0.9)).not.toMatch(/population/);
});

test("on a task with success, failed and successful episodes are profiled apart: counts, lengths, step limits, events", () => {
  const config = RunConfig.parse({ env: { id: "DoorKey-5x5" }, numEnvs: 4, steps: 256, learner: { algo: "ppo", numSteps: 64 }, evaluation: { episodes: 24, policies: ["sampled"] } });
  const env = makeRewarded("DoorKey-5x5", 4, { terms: [{ kind: "task" }] });
  const learner = createLearner(config.learner, env, 1);
  const { rows, outcomes } = new Evaluator(config, undefined).evaluate(learner, 0);
  const { success, failure } = outcomes.sampled!;
  const wins = rows.filter((r) => r.success === 1);
  const losses = rows.filter((r) => r.success === 0);
  expect([success.episodes, failure.episodes]).toEqual([wins.length, losses.length]);
  expect(failure.episodes).toBeGreaterThan(0);
  expect(failure.length).toBeCloseTo(losses.reduce((a, r) => a + r.length, 0) / losses.length, 10);
  // An untrained policy's failures run out of steps; every success reached the goal, a terminal state.
  expect(failure.truncated).toBe(1);
  expect(failure.events["reach:goal"]).toBe(0);
  if (success.episodes > 0) {
    expect(success.truncated).toBe(0);
    expect(success.events["reach:goal"]).toBe(1);
  }
  expect(Object.keys(failure.events)).toEqual([...env.vec.eventNames]);
  for (const share of Object.values(failure.events)) expect(share).toBeGreaterThanOrEqual(0), expect(share).toBeLessThanOrEqual(1);
  // A task without success has no profiles.
  const cp = cartpole({ episodes: 4 });
  expect(new Evaluator(cp, undefined).evaluate(createLearner(cp.learner, makeRewarded("CartPole-v1", 4, { terms: [{ kind: "task" }] }), 1), 0).outcomes).toEqual({});
});
