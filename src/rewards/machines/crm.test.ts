import { describe, expect, test } from "vitest";
import { Env } from "../../envs/env.js";
import { A } from "../../envs/grid/objects.js";
import { createCore } from "../../envs/registry.js";
import { VectorEnv } from "../../envs/vector.js";
import { counterfactualBuffers, vectorCounterfactuals, writeCounterfactuals } from "./crm.js";
import { DOORKEY_MACHINE, EVENT_SCOPE } from "./fixtures.js";
import { compileMachine } from "./machine.js";
import { MachineProduct, machineScope } from "./product.js";
import { MachineSpec } from "./spec.js";

// States: 0 start, 1 has_key, 2 door_open, 3 done, 4 failed.
const rm = compileMachine(MachineSpec.parse(DOORKEY_MACHINE), EVENT_SCOPE);

/** The counterfactuals of one labelling, as [next, reward, terminal] per u. */
function cfOf(truth: { key?: 1; door?: 1; goal?: 1; lava?: 1 }, envTerminated = false) {
  const run = rm.bind(1);
  rm.propositions.forEach((p, k) => (run.props[k][0] = truth[p.name as keyof typeof truth] ?? 0));
  const out = counterfactualBuffers(rm.numStates);
  writeCounterfactuals(rm, run, 0, envTerminated, out);
  return rm.states.map((_, u) => [rm.states[out.next[u]], out.reward[u], out.terminal[u]]);
}

describe("counterfactual experiences (CRM)", () => {
  test("a key pickup moves only start, paying 0.1; other states stay with 0; terminal states stay terminal", () => {
    expect(cfOf({ key: 1 })).toEqual([
      ["has_key", 0.1, 0],
      ["has_key", 0, 0],
      ["door_open", 0, 0],
      ["done", 0, 1],
      ["failed", 0, 1],
    ]);
  });

  test("reaching the goal completes only door_open; the environment's termination ends every counterfactual", () => {
    expect(cfOf({ goal: 1 }, true)).toEqual([
      ["start", 0, 1],
      ["has_key", 0, 1],
      ["done", 1, 1],
      ["done", 0, 1],
      ["failed", 0, 1],
    ]);
  });

  test("lava sends every non-terminal state to failed by the * edge", () => {
    expect(cfOf({ lava: 1 })).toEqual([
      ["failed", 0, 1],
      ["failed", 0, 1],
      ["failed", 0, 1],
      ["done", 0, 1],
      ["failed", 0, 1],
    ]);
  });

  test("a product vector gives each environment's counterfactuals of its last step, also after an autoreset", () => {
    const id = "DoorKey-5x5";
    const m = compileMachine(MachineSpec.parse({ ...DOORKEY_MACHINE, terminal: ["has_key", "done", "failed"], edges: DOORKEY_MACHINE.edges!.filter((e) => e.from !== "has_key") }), machineScope(createCore(id)));
    const vec = new VectorEnv(id, [new MachineProduct(createCore(id), m), new MachineProduct(createCore(id), m)]);
    const single = new Env(id, new MachineProduct(createCore(id), m));
    vec.reset(3);
    single.reset(3);
    // Environment 0 plays seed 3's plan (left, pickup: the key); environment 1 turns left twice.
    const out = counterfactualBuffers(m.numStates, 2);
    vec.step(Int32Array.of(A.left, A.left));
    vec.step(Int32Array.of(A.pickup, A.left));
    expect([vec.terminated[0], vec.terminated[1]]).toEqual([1, 0]); // has_key is terminal here, and env 0 was reset
    vectorCounterfactuals(vec.cores, m.numStates, out);
    const k = m.numStates;
    expect(m.states[out.next[m.initial]]).toBe("has_key");
    expect([out.reward[m.initial], out.terminal[m.initial]]).toEqual([0.1, 1]);
    expect(m.states[out.next[k + m.initial]]).toBe("start");
    expect([out.reward[k + m.initial], out.terminal[k + m.initial]]).toEqual([0, 0]);
    // The same as a single environment's.
    single.step(A.left);
    single.step(A.pickup);
    const one = counterfactualBuffers(m.numStates);
    (single.core as MachineProduct).counterfactuals(one);
    expect(Array.from(one.next)).toEqual(Array.from(out.next.subarray(0, k)));
    expect(Array.from(one.reward)).toEqual(Array.from(out.reward.subarray(0, k)));
  });

  test("counterfactuals before any step, or of a plain environment, are errors", () => {
    const core = new MachineProduct(createCore("DoorKey-5x5"), compileMachine(MachineSpec.parse(DOORKEY_MACHINE), machineScope(createCore("DoorKey-5x5"))));
    expect(() => core.counterfactuals(counterfactualBuffers(5))).toThrow("counterfactuals: no step taken yet");
    expect(() => vectorCounterfactuals([createCore("DoorKey-5x5")], 5, counterfactualBuffers(5))).toThrow("counterfactuals: environment 0 is not wrapped in a reward machine");
  });
});
