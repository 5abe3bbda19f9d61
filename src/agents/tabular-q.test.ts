import { expect, test } from "vitest";
import { train } from "../runs/loop.js";
import type { GridEnv } from "../envs/grid/engine.js";
import { make, makeVector } from "../envs/registry.js";
import { tabulate } from "../envs/tabular.js";
import { compileReward } from "../rewards/program.js";
import { envInfoOf, RewardedVector } from "../rewards/rewarded.js";
import { optimalActions, tabularReward, valueIteration } from "../rewards/tabular.js";
import { TabularQ } from "./tabular-q.js";

// A Markov reward (the MiniGrid one depends on time): 1 for reaching the goal, a small step cost.
const spec = { terms: [{ kind: "event", event: "reach:goal", role: "primary" }, { kind: "expression", expr: "-0.01" }] };
const gamma = 0.9;

function optimum() {
  const env = make("Empty-5x5");
  env.reset(0);
  const core = env.core as GridEnv;
  const model = tabulate(core);
  const R = tabularReward(core, model, compileReward(spec, envInfoOf(core)));
  const V = valueIteration(model, R, gamma);
  return { model, V, optimal: optimalActions(model, R, V, gamma) };
}

test("Q-learning (off-policy, random behaviour) converges to the value-iteration optimum in every state of Empty-5x5", () => {
  const { model, V, optimal } = optimum();
  const rv = new RewardedVector(makeVector("Empty-5x5", 4), spec);
  const learner = new TabularQ(rv, { algorithm: "q-learning", gamma, alpha: 0.5, epsilonStart: 1, epsilonEnd: 1 }, 1);
  train(learner, 60_000);
  model.keys.forEach((key, s) => {
    const id = learner.stateIds.get(key);
    expect(id, `state ${s} never visited`).toBeDefined();
    const a = learner.greedy(id!);
    expect(optimal[s] & (1 << a), `state ${s}: action ${a} is not optimal`).not.toBe(0);
    expect(Math.max(...learner.q.subarray(id! * 7, id! * 7 + 7))).toBeCloseTo(V[s], 6);
  });
}, 60_000);

test("SARSA with decaying ε learns the optimal value of the start state and walks the shortest path", () => {
  const { V } = optimum();
  const rv = new RewardedVector(makeVector("Empty-5x5", 4), spec);
  const learner = new TabularQ(rv, { algorithm: "sarsa", gamma, alpha: 0.5, epsilonDecaySteps: 30_000, epsilonEnd: 0 }, 1);
  train(learner, 60_000);
  const env = make("Empty-5x5");
  env.reset(0);
  const core = env.core as GridEnv;
  const start = learner.stateIds.get(core.stateKey())!;
  expect(Math.max(...learner.q.subarray(start * 7, start * 7 + 7))).toBeCloseTo(V[0], 3);
  let steps = 0;
  for (;;) {
    const s = env.step(learner.greedy(learner.stateIds.get(core.stateKey())!));
    steps++;
    if (s.terminated || s.truncated || steps > 20) break;
  }
  expect(steps).toBe(5); // forward, forward, right, forward, forward
}, 60_000);

test("tabular learners refuse environments without enumerable states", () => {
  const rv = new RewardedVector(makeVector("CartPole-v1", 1), { terms: [{ kind: "task" }] });
  expect(() => new TabularQ(rv)).toThrow("learner: tabular learners need an environment with enumerable states (a gridworld); CartPole-v1 is not one");
});
