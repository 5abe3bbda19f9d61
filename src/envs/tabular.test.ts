import { expect, test } from "vitest";
import type { GridEnv } from "./grid/engine.js";
import { A } from "./grid/objects.js";
import { make } from "./registry.js";
import { tabulate, tryTabulate } from "./tabular.js";

/** Value iteration written in the test: V(s) = max_a r(s,a) + γ·V(s')·(1 − terminal). */
function valueIteration(m: ReturnType<typeof tabulate>, gamma: number): Float64Array {
  const V = new Float64Array(m.numStates);
  for (let sweep = 0; sweep < 1000; sweep++) {
    let delta = 0;
    for (let s = 0; s < m.numStates; s++) {
      let best = -Infinity;
      for (let a = 0; a < m.numActions; a++) {
        const i = s * m.numActions + a;
        const q = m.reward[i] + (m.terminal[i] ? 0 : gamma * V[m.next[i]]);
        if (q > best) best = q;
      }
      delta = Math.max(delta, Math.abs(best - V[s]));
      V[s] = best;
    }
    if (delta < 1e-12) break;
  }
  return V;
}

test("Empty-5x5: the optimal value from the start is γ^(d−1)·r with d the shortest path length", () => {
  const env = make("Empty-5x5");
  env.reset(0);
  const core = env.core as GridEnv;
  const model = tabulate(core);
  // Poses: 9 cells × 4 directions, of which the goal cell is never entered without ending.
  expect(model.numStates).toBe(8 * 4);
  const gamma = 0.9;
  const V = valueIteration(model, gamma);
  // From (1,1) facing east to (3,3): forward, forward, right, forward, forward = 5 steps.
  const r = 1 - 0.9 / core.maxSteps;
  expect(V[0]).toBeCloseTo(gamma ** 4 * r, 12);
});

test("DoorKey-5x5: transitions agree with stepping the real environment", () => {
  const env = make("DoorKey-5x5");
  env.reset(2);
  const core = env.core as GridEnv;
  const model = tabulate(core);
  expect(model.numStates).toBeGreaterThan(50);
  // Follow a few actions in both and compare state keys.
  let s = 0;
  for (const a of [A.left, A.forward, A.right, A.pickup, A.forward, A.toggle]) {
    env.step(a);
    const i = s * model.numActions + a;
    if (model.terminal[i]) break;
    s = model.next[i];
    expect(model.keys[s]).toBe(core.stateKey());
  }
});

test("stochastic environments are refused with a clear error", () => {
  const env = make("Dynamic-Obstacles-5x5");
  env.reset(0);
  expect(() => tabulate(env.core as GridEnv)).toThrow(/tabulate: the environment drew random numbers/);
});

test("tryTabulate gives the refusal as a value: too many states, or random dynamics; the environment is left as it was", () => {
  const env = make("DoorKey-5x5");
  env.reset(1);
  const core = env.core as GridEnv;
  const before = core.stateKey();
  expect(tryTabulate(core, { maxStates: 10 })).toEqual({ refused: "more than 10 states; use a smaller environment or raise maxStates" });
  expect(core.stateKey()).toBe(before);
  expect(() => tabulate(core, { maxStates: 10 })).toThrow("tabulate: more than 10 states");
  expect(tryTabulate(core)).toMatchObject({ numStates: 260 });
  const dynamic = make("Dynamic-Obstacles-5x5");
  dynamic.reset(0);
  expect(tryTabulate(dynamic.core as GridEnv)).toEqual({ refused: "the environment drew random numbers while stepping; a tabular model needs deterministic dynamics" });
});
