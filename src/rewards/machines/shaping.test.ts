import { describe, expect, test } from "vitest";
import { A } from "../../envs/grid/objects.js";
import { makeRewarded } from "../make.js";
import { DOORKEY_MACHINE, EVENT_SCOPE } from "./fixtures.js";
import { compileMachine } from "./machine.js";
import { machinePotentials } from "./shaping.js";
import { MachineSpec, type MachineSpecInput } from "./spec.js";

const potentials = (machine: MachineSpecInput) => {
  const rm = compileMachine(MachineSpec.parse(machine), EVENT_SCOPE);
  return Object.fromEntries(rm.states.map((s, u) => [s, rm.potential[u]]));
};

describe("automated shaping potentials (value iteration over the machine)", () => {
  test("a chain paying only at the end: V = 1, γ, γ² back from the goal", () => {
    const v = potentials({
      ...DOORKEY_MACHINE,
      edges: DOORKEY_MACHINE.edges!.map((e) => ({ ...e, reward: e.to === "done" ? 1 : 0 })),
    });
    // V(door_open) = 1 + 0.9·0; V(has_key) = 0 + 0.9·1; V(start) = 0 + 0.9·0.9; the lava edge (0 + 0.9·0) never wins.
    expect(v.done).toBe(0);
    expect(v.failed).toBe(0);
    expect(v.door_open).toBeCloseTo(1, 12);
    expect(v.has_key).toBeCloseTo(0.9, 12);
    expect(v.start).toBeCloseTo(0.81, 12);
  });

  test("the DoorKey machine with γ = 0.5: V(start) = 0.1 + 0.5·(0.1 + 0.5·1)", () => {
    const v = potentials({ ...DOORKEY_MACHINE, gamma: 0.5 });
    expect([v.start, v.has_key, v.door_open]).toEqual([0.1 + 0.5 * 0.6, 0.6, 1].map((x) => expect.closeTo(x, 12)));
  });

  test("a cycle paying 0.5 beats an exit paying 1 when γ is large: V(b) = 0.5/(1 − γ²)", () => {
    const v = potentials({
      initial: "a",
      terminal: ["end"],
      propositions: { p: 'event("pickup:key")', q: 'event("open:door")' },
      edges: [
        { from: "a", to: "b", when: "p", reward: 0 },
        { from: "b", to: "a", when: "p", reward: 0.5 },
        { from: "b", to: "end", when: "q", reward: 1 },
      ],
    });
    // V(b) = max(0.5 + 0.9·V(a), 1 + 0) with V(a) = 0.9·V(b) → V(b) = 0.5 / 0.19.
    expect(v.b).toBeCloseTo(0.5 / 0.19, 9);
    expect(v.a).toBeCloseTo((0.9 * 0.5) / 0.19, 9);
  });

  test("states without edges have V = 0; γ must be below 1", () => {
    expect(machinePotentials({ terminal: [0, 0], outgoing: [[0], []], edges: [{ to: 1, reward: -2 }] }, 0.9)).toEqual(Float64Array.of(-2, 0));
    expect(() => machinePotentials({ terminal: [0], outgoing: [[]], edges: [] }, 1)).toThrow(RangeError);
  });

  test("the potential term on rm.potential pays γ·V(u′) − V(u), with V := 0 once the episode terminates", () => {
    const gamma = 0.5;
    const rv = makeRewarded("DoorKey-5x5", 1, {
      terms: [
        { name: "machine", kind: "expression", expr: "rm.reward", role: "primary" },
        { name: "shaping", kind: "potential", phi: "rm.potential", gamma },
      ],
      machine: { ...DOORKEY_MACHINE, gamma },
    });
    const V = { start: 0.4, has_key: 0.6, door_open: 1 };
    rv.reset(3);
    const plan = [A.left, A.pickup, A.forward, A.right, A.toggle, A.forward, A.forward, A.right, A.forward]; // seed 3's plan
    const shaping: number[] = [];
    const machine: number[] = [];
    for (const a of plan) {
      rv.step(Int32Array.of(a));
      machine.push(rv.reward.terms[0][0]);
      shaping.push(rv.reward.terms[1][0]);
    }
    const F = (u: number, u1: number) => gamma * u1 - u;
    const expected = [F(V.start, V.start), F(V.start, V.has_key), ...[0, 0].map(() => F(V.has_key, V.has_key)), F(V.has_key, V.door_open), ...[0, 0, 0].map(() => F(V.door_open, V.door_open)), F(V.door_open, 0)];
    expect(machine).toEqual([0, 0.1, 0, 0, 0.1, 0, 0, 0, 1]);
    shaping.forEach((x, t) => expect(x, `step ${t}`).toBeCloseTo(expected[t], 12));
  });
});
