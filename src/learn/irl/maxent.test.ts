import { expect, test } from "vitest";
import type { GridEnv } from "../../envs/grid/engine.js";
import { make } from "../../envs/registry.js";
import { tabulate, type TabularModel } from "../../envs/tabular.js";
import { optimalActions, valueIteration } from "../../rewards/tabular.js";
import { maxEntIrl } from "./maxent.js";

/** States visited by following the first optimal action from state 0 until the episode ends (then the absorbing state S). */
function demonstration(model: TabularModel, actionSets: Uint32Array): number[] {
  const path = [0];
  let s = 0;
  for (let guard = 0; guard < 100; guard++) {
    const a = Math.clz32(1) - Math.clz32(actionSets[s] & -actionSets[s]); // lowest optimal action
    const i = s * model.numActions + a;
    if (model.terminal[i]) return [...path, model.numStates];
    s = model.next[i];
    path.push(s);
  }
  throw new Error("no path to the goal");
}

test("MaxEnt IRL puts the highest reward on the demonstrated goal, and its soft-optimal policy follows the demonstration", () => {
  const env = make("DoorKey-5x5");
  env.reset(3);
  const model = tabulate(env.core as GridEnv);
  const V = valueIteration(model, model.reward, 0.99);
  const demo = demonstration(model, optimalActions(model, model.reward, V, 0.99));
  const { reward, gradientNorms } = maxEntIrl(model, [demo], { horizon: 2 * demo.length, learningRate: 0.2, iterations: 300 });
  expect(gradientNorms.at(-1)!).toBeLessThan(gradientNorms[0] / 3);
  // The absorbing state (reached only by stepping onto the goal) has the highest learned reward.
  const best = reward.indexOf(Math.max(...reward));
  expect(best).toBe(model.numStates);
  // Greedy on the learned reward (as a reward for entering a state) reproduces the demonstration's length.
  const entering = Float64Array.from({ length: model.numStates * model.numActions }, (_, i) => (model.terminal[i] ? reward[model.numStates] : reward[model.next[i]]));
  const Vl = valueIteration(model, entering, 0.9);
  const path = demonstration(model, optimalActions(model, entering, Vl, 0.9));
  expect(path.length).toBe(demo.length);
});
