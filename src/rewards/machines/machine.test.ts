import { describe, expect, test } from "vitest";
import { createCore } from "../../envs/registry.js";
import { DOORKEY_MACHINE, EVENT_SCOPE } from "./fixtures.js";
import { compileMachine } from "./machine.js";
import { machineScope } from "./product.js";
import { MachineSpec } from "./spec.js";

const rm = compileMachine(MachineSpec.parse(DOORKEY_MACHINE), EVENT_SCOPE);
const [START, HAS_KEY, DOOR_OPEN, DONE, FAILED] = ["start", "has_key", "door_open", "done", "failed"].map((s) => rm.stateIndex(s));

describe("a compiled machine", () => {
  test("numbers states as first named: initial, edge sources, terminals", () => {
    expect(rm.states).toEqual(["start", "has_key", "door_open", "done", "failed"]);
    expect(Array.from(rm.terminal)).toEqual([0, 0, 0, 1, 1]);
    // "*" edges are tried from every non-terminal state, where they were written (last here).
    expect(rm.outgoing.map((o) => Array.from(o))).toEqual([[0, 3], [1, 3], [2, 3], [], []]);
  });

  test("steps a batch: first edge that fires, its reward; none fires: stay with 0; terminal states never move", () => {
    const run = rm.bind(6);
    const [key, door, goal, lava] = run.props;
    const u = Int32Array.of(START, START, HAS_KEY, DOOR_OPEN, HAS_KEY, DONE);
    // row:      0: key   1: door  2: door  3: goal+lava  4: nothing  5: lava (already done)
    key[0] = 1;
    door[1] = 1;
    door[2] = 1;
    goal[3] = 1;
    lava[3] = 1;
    lava[5] = 1;
    const reward = new Float64Array(6).fill(NaN);
    run.step(6, u, reward);
    // Row 3: goal's edge is written before the "*" lava edge, so it wins.
    expect(Array.from(u)).toEqual([HAS_KEY, START, DOOR_OPEN, DONE, HAS_KEY, DONE]);
    expect(Array.from(reward)).toEqual([0.1, 0, 0.1, 1, 0, 0]);
  });

  test("a * edge fires from every non-terminal state", () => {
    const run = rm.bind(3);
    run.props[3].fill(1); // lava everywhere
    const u = Int32Array.of(START, HAS_KEY, DOOR_OPEN);
    const reward = new Float64Array(3);
    run.step(3, u, reward);
    expect(Array.from(u)).toEqual([FAILED, FAILED, FAILED]);
    expect(Array.from(reward)).toEqual([0, 0, 0]);
  });

  test("propositions may compare features of s and s′ and read the action", () => {
    const core = createCore("Empty-5x5");
    const spec = MachineSpec.parse({
      initial: "a",
      terminal: ["b"],
      propositions: { east: "agent.x > prev.agent.x", forward: "action == 2" },
      edges: [{ from: "a", to: "b", when: "east && forward", reward: 1 }],
    });
    const m = compileMachine(spec, machineScope(core));
    expect(m.features).toEqual(["agent.x"]);
    expect(m.propositions.map((p) => p.name)).toEqual(["east", "forward"]);
  });

  test("propositions are checked against the environment, with the path", () => {
    const scope = machineScope(createCore("DoorKey-5x5"));
    const bad = (propositions: Record<string, string>) => () => compileMachine(MachineSpec.parse({ ...DOORKEY_MACHINE, propositions: { ...DOORKEY_MACHINE.propositions, ...propositions } }), scope, "reward.machine");
    expect(bad({ key: 'event("pickup:kye")' })).toThrow('reward.machine.propositions.key: unknown event "pickup:kye" (did you mean "pickup:key"?) at column 1');
    expect(bad({ door: "door.opn" })).toThrow('reward.machine.propositions.door: unknown feature "door.opn" (did you mean "door.open"?) at column 1');
    expect(bad({ goal: "time > 3" })).toThrow("reward.machine.propositions.goal: a proposition cannot read time (at column 1); use a feature such as t");
  });
});
