import { expect, test } from "vitest";
import type { GridEnv } from "../envs/grid/engine.js";
import { make } from "../envs/registry.js";
import { tabulate } from "../envs/tabular.js";
import { compileReward } from "./program.js";
import { envInfoOf } from "./rewarded.js";
import { optimalActions, policyEvaluation, tabularReward, valueIteration } from "./tabular.js";

const gamma = 0.9;

function optimalPolicies(id: string, seed: number, specs: Record<string, unknown>) {
  const env = make(id);
  env.reset(seed);
  const core = env.core as GridEnv;
  const model = tabulate(core);
  const out: Record<string, { actions: Uint32Array; V: Float64Array; R: Float64Array }> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const R = tabularReward(core, model, compileReward(spec, envInfoOf(core)));
    const V = valueIteration(model, R, gamma);
    out[name] = { actions: optimalActions(model, R, V, gamma), V, R };
  }
  return { model, out };
}

test("potential-based shaping keeps the optimal policy on DoorKey-5x5; a non-potential bonus changes it", () => {
  const { model, out } = optimalPolicies("DoorKey-5x5", 1, {
    task: { terms: [{ kind: "task" }] },
    potential: { terms: [{ kind: "task" }, { kind: "potential", phi: "-goal.distance - 2 * key.distance + 3 * carrying.key", gamma }] },
    bonus: { terms: [{ kind: "task" }, { kind: "expression", expr: "0.2 * carrying.key" }] },
  });
  expect(model.numStates).toBeGreaterThan(100);
  // Same optimal action sets in every state.
  expect(Array.from(out.potential.actions)).toEqual(Array.from(out.task.actions));
  // And V_shaped(s) = V(s) − Φ(s) (Ng et al. 1999, Theorem 1), checked at the start state.
  expect(out.potential.V[0]).not.toBeCloseTo(out.task.V[0], 3);
  // A bonus for holding the key, paid every step, makes holding it forever better than finishing.
  const changed = Array.from(out.bonus.actions).filter((m, s) => m !== out.task.actions[s]).length;
  expect(changed).toBeGreaterThan(0);
});

test("shaped values differ from the task's by exactly −Φ(s)", () => {
  const env = make("Empty-6x6");
  env.reset(0);
  const core = env.core as GridEnv;
  const model = tabulate(core);
  const info = envInfoOf(core);
  const R0 = tabularReward(core, model, compileReward({ terms: [{ kind: "task" }] }, info));
  const R1 = tabularReward(core, model, compileReward({ terms: [{ kind: "task" }, { kind: "potential", phi: "-2 * goal.distance", gamma }] }, info));
  const V0 = valueIteration(model, R0, gamma);
  const V1 = valueIteration(model, R1, gamma);
  for (let s = 0; s < model.numStates; s++) {
    core.restore(model.snapshots[s]);
    const phi = -2 * (Math.abs(core.agentX - 4) + Math.abs(core.agentY - 4));
    expect(V1[s]).toBeCloseTo(V0[s] - phi, 8);
  }
});

test("zeroing Φ at truncation instead of termination would not be potential-based: the terminal convention matters", () => {
  // With Φ(s′) not zeroed at the goal, the shaped return of reaching it changes by γΦ(goal): with
  // Φ = −goal.distance that is 0 here, so use a potential that is non-zero at the goal.
  const env = make("Empty-5x5");
  env.reset(0);
  const core = env.core as GridEnv;
  const model = tabulate(core);
  const info = envInfoOf(core);
  const R = tabularReward(core, model, compileReward({ terms: [{ kind: "task" }, { kind: "potential", phi: "10 + agent.x", gamma }] }, info));
  // The step onto the goal pays task + γ·0 − Φ(s): Φ(goal) is not counted.
  for (let s = 0; s < model.numStates; s++) {
    for (let a = 0; a < model.numActions; a++) {
      const i = s * model.numActions + a;
      if (!model.terminal[i]) continue;
      core.restore(model.snapshots[s]);
      const phiS = 10 + core.agentX;
      const task = 1 - 0.9 / core.maxSteps;
      expect(R[i]).toBeCloseTo(task - phiS, 6);
    }
  }
});

test("a dynamic potential reuses Φ(s) as computed when s was reached (Devlin & Kudenko 2012)", () => {
  const info = { features: ["d"], events: [], actionSize: 1, obsSize: 1 };
  const phi = "-d * max(0, 1 - time / 4)";
  const program = compileReward({ terms: [{ kind: "task" }, { kind: "potential", phi, gamma: 0.5, dynamic: true, name: "p" }] }, info);
  const prev = [new Float64Array(1)];
  const next = [new Float64Array(1)];
  const batch = { n: 1, prev, next, actions: new Int32Array(1), actionSize: 1, taskReward: new Float32Array(1), terminated: new Uint8Array(1), truncated: new Uint8Array(1), events: new Uint32Array(1), obsSize: 1, episodeStep: new Float64Array(1) };
  const bound = program.bind(batch, []);
  const scale = (time: number) => Math.max(0, 1 - time / 4);
  const distances = [3, 2, 2, 1];
  let phiS = -3 * scale(0); // the first step reads Φ(s0) fresh, at time 1
  for (let k = 0; k < 3; k++) {
    prev[0][0] = distances[k];
    next[0][0] = distances[k + 1];
    bound.apply();
    const time = k + 1;
    const phiS1 = -distances[k + 1] * scale(time);
    const expected = 0.5 * phiS1 - (k === 0 ? -distances[0] * scale(1) : phiS);
    expect(bound.terms[1][0]).toBeCloseTo(expected, 12);
    phiS = phiS1;
  }
  expect(() => compileReward({ terms: [{ kind: "task" }, { kind: "potential", phi }] }, info)).toThrow(/needs dynamic: true/);
});

test("policy evaluation of the greedy optimal policy gives V*, and of the uniform policy less", () => {
  const env = make("DoorKey-5x5");
  env.reset(2);
  const core = env.core as GridEnv;
  const model = tabulate(core);
  const R = tabularReward(core, model, compileReward({ terms: [{ kind: "task" }] }, envInfoOf(core)));
  const V = valueIteration(model, R, gamma);
  const best = optimalActions(model, R, V, gamma);
  const A = model.numActions;
  const greedy = new Float64Array(model.numStates * A);
  // The lowest optimal action of each state.
  for (let s = 0; s < model.numStates; s++) greedy[s * A + 31 - Math.clz32(best[s] & -best[s])] = 1;
  const Vg = policyEvaluation(model, R, greedy, gamma);
  for (let s = 0; s < model.numStates; s++) expect(Vg[s]).toBeCloseTo(V[s], 8);
  const uniform = new Float64Array(model.numStates * A).fill(1 / A);
  const Vu = policyEvaluation(model, R, uniform, gamma);
  expect(Vu[0]).toBeLessThan(V[0]);
  expect(Vu[0]).toBeGreaterThan(0);
});
