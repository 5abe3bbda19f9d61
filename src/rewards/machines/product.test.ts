import { describe, expect, test } from "vitest";
import { UserError } from "../../core/errors.js";
import { Rng } from "../../core/rng.js";
import { actionBuffer, Box, Discrete, sampleInto } from "../../core/spaces.js";
import { checkEnv } from "../../envs/check.js";
import { EnvCore } from "../../envs/core.js";
import { Env } from "../../envs/env.js";
import type { GridEnv } from "../../envs/grid/engine.js";
import { A } from "../../envs/grid/objects.js";
import { solve } from "../../envs/grid/solver.js";
import { createCore, make } from "../../envs/registry.js";
import { VectorEnv } from "../../envs/vector.js";
import { DOORKEY_MACHINE } from "./fixtures.js";
import { compileMachine } from "./machine.js";
import { MachineProduct, machineScope } from "./product.js";
import { MachineSpec, type MachineSpecInput } from "./spec.js";

/** A single product env and its machine. */
function productEnv(id: string, machine: MachineSpecInput = DOORKEY_MACHINE) {
  const rm = compileMachine(MachineSpec.parse(machine), machineScope(createCore(id)), "reward.machine");
  return { rm, env: new Env(id, new MachineProduct(createCore(id), rm)) };
}

const oneHot = (obs: Float32Array, k: number) => Array.from(obs.subarray(obs.length - k));

describe("the product of DoorKey-5x5 and the DoorKey machine", () => {
  test("a planned episode walks start → has_key → door_open → done, paying 0.1, 0.1 and 1", () => {
    const seed = 3;
    const plain = make("DoorKey-5x5");
    plain.reset(seed);
    const plan = solve(plain.core as GridEnv)!;
    // By hand: the machine advances on the plan's one pickup (the key), its one
    // toggle (the locked door) and its last step (onto the goal).
    const keyStep = plan.indexOf(A.pickup);
    const doorStep = plan.indexOf(A.toggle);
    expect(keyStep).toBeGreaterThanOrEqual(0);
    expect(doorStep).toBeGreaterThan(keyStep);
    const expectedState = plan.map((_, t) => (t === plan.length - 1 ? "done" : t >= doorStep ? "door_open" : t >= keyStep ? "has_key" : "start"));
    const expectedReward = plan.map((_, t) => (t === keyStep || t === doorStep ? 0.1 : t === plan.length - 1 ? 1 : 0));

    const { rm, env } = productEnv("DoorKey-5x5");
    const { obs } = env.reset(seed);
    expect(obs.length).toBe(plain.observationSpace.size + 5);
    expect(oneHot(obs, 5)).toEqual([1, 0, 0, 0, 0]);
    plain.reset(seed);
    const states: string[] = [];
    const rewards: number[] = [];
    plan.forEach((action, t) => {
      const inner = plain.step(action);
      const s = env.step(action);
      const f = env.readFeatures(["rm.state", "rm.reward", "rm.potential"]);
      states.push(rm.states[f["rm.state"]]);
      rewards.push(f["rm.reward"]);
      expect(s.reward).toBe(inner.reward); // the product's reward is the environment's
      expect(Array.from(s.obs.subarray(0, inner.obs.length))).toEqual(Array.from(inner.obs));
      expect(oneHot(s.obs, 5)).toEqual(rm.states.map((_, u) => (u === f["rm.state"] ? 1 : 0)));
      expect(f["rm.potential"]).toBe(rm.potential[f["rm.state"]]);
      const advanced = t === keyStep || t === doorStep || t === plan.length - 1;
      expect(s.info.events).toEqual([...inner.info.events, ...(advanced ? ["rm:advance"] : []), ...(t === plan.length - 1 ? ["rm:accept"] : [])]);
      expect(s.terminated).toBe(t === plan.length - 1);
      expect(s.info.machineState).toBe(states[t]);
    });
    expect(states).toEqual(expectedState);
    expect(rewards).toEqual(expectedReward);
  });

  test("reaching a terminal machine state ends the episode by itself; reset starts both over", () => {
    const { env } = productEnv("DoorKey-5x5", { initial: "s", terminal: ["t"], propositions: { key: 'event("pickup:key")' }, edges: [{ from: "s", to: "t", when: "key", reward: 1 }] });
    env.reset(3); // seed 3's plan picks the key up on its second step
    expect(env.step(A.left).terminated).toBe(false);
    const s = env.step(A.pickup);
    expect([s.terminated, s.truncated, s.info.events]).toEqual([true, false, ["pickup:key", "rm:advance", "rm:accept"]]);
    const r = env.reset();
    expect(oneHot(r.obs, 2)).toEqual([1, 0]);
    expect(env.readFeatures(["rm.state", "rm.reward", "carrying.key"])).toEqual({ "rm.state": 0, "rm.reward": 0, "carrying.key": 0 });
  });

  test("satisfies the environment contract", () => {
    expect(checkEnv(productEnv("DoorKey-5x5").env, { steps: 300 })).toEqual([]);
    expect(checkEnv(productEnv("LavaGapS5", { ltl: "F goal & G !lava", propositions: { goal: 'event("reach:goal")', lava: 'event("enter:lava")' } }).env, { steps: 300 })).toEqual([]);
  });

  test("the observation space is the inner bounds, flattened, then [0, 1] per machine state", () => {
    const { env } = productEnv("DoorKey-5x5");
    const space = env.observationSpace as Box;
    expect(space.shape).toEqual([7 * 7 * 3 + 5]);
    expect([space.low[0], space.high[0], space.low[147], space.high[151]]).toEqual([0, 255, 0, 1]);
    expect(env.events.slice(-2)).toEqual(["rm:advance", "rm:accept"]);
    expect(env.features.slice(-3).map((f) => f.name)).toEqual(["rm.state", "rm.reward", "rm.potential"]);
  });
});

test("propositions compare features before and after the step, and read the action", () => {
  const { env } = productEnv("Empty-5x5", {
    initial: "still",
    states: ["still", "turned", "moved"], // "turned" is left only by a "*" edge, so it must be listed
    terminal: ["moved"],
    propositions: { east: "agent.x > prev.agent.x", turned: "agent.dir != prev.agent.dir && action == 1" },
    edges: [
      { from: "still", to: "turned", when: "turned", reward: 0.5 },
      { from: "*", to: "moved", when: "east", reward: 1 },
    ],
  });
  env.reset(0); // Empty: the agent starts at (1, 1) facing east
  const trace = [A.left, A.right, A.right, A.left, A.forward].map((a) => {
    const s = env.step(a);
    return [s.info.machineState, env.readFeatures(["rm.reward"])["rm.reward"]];
  });
  expect(trace).toEqual([
    ["still", 0], // turning left is not action 1
    ["turned", 0.5],
    ["turned", 0],
    ["turned", 0],
    ["moved", 1],
  ]);
});

test("an environment with more than 30 events cannot take the machine's two", () => {
  class ManyEvents extends EnvCore {
    readonly observationSpace = new Discrete(2);
    readonly actionSpace = new Discrete(2);
    readonly features = [];
    readonly events = Array.from({ length: 31 }, (_, i) => `e${i}`);
    readonly maxSteps = 10;
    protected generate(): void {}
    protected transition(): number {
      return 0;
    }
    observe(obs: Float32Array, offset: number): void {
      obs[offset] = 0;
    }
    render(): string {
      return "";
    }
  }
  const core = new ManyEvents();
  const rm = compileMachine(MachineSpec.parse({ ltl: "F a", propositions: { a: 'event("e0")' } }), machineScope(core));
  expect(() => new MachineProduct(core, rm)).toThrow(UserError);
  expect(() => new MachineProduct(core, rm)).toThrow("reward.machine: the environment declares 31 events and the machine adds 2 (rm:advance, rm:accept); at most 32 fit");
});

const VECTOR_CASES: [string, MachineSpecInput][] = [
  ["DoorKey-5x5", DOORKEY_MACHINE],
  ["LavaGapS5", { ltl: "F (goal | key) & G !lava", propositions: { goal: 'event("reach:goal")', lava: 'event("enter:lava")', key: "agent.x > prev.agent.x" } }],
  ["CartPole-v1", { ltl: "right then left", propositions: { right: "cart.x > 0.02", left: "cart.x < prev.cart.x && action == 0" } }],
];

describe.each(VECTOR_CASES)("a product vector of %s", (id, machine) => {
  test("steps exactly as 3 single product environments seeded seed + i", () => {
    const n = 3;
    const seed = 40;
    const rm = compileMachine(MachineSpec.parse(machine), machineScope(createCore(id)));
    const vec = new VectorEnv(id, Array.from({ length: n }, () => new MachineProduct(createCore(id), rm)));
    const singles = Array.from({ length: n }, () => new Env(id, new MachineProduct(createCore(id), rm)));
    const names = vec.featureSpecs.map((f) => f.name);
    const cols = vec.watchFeatures(names);
    vec.reset(seed);
    const obs = singles.map((e, i) => e.reset(seed + i).obs);
    let prev = singles.map((e) => e.readFeatures());
    const row = (buf: Float32Array, i: number) => Array.from(buf.subarray(i * vec.obsSize, (i + 1) * vec.obsSize));
    for (let i = 0; i < n; i++) expect(row(vec.obs, i)).toEqual(Array.from(obs[i]));
    const rng = new Rng(1);
    const actions = actionBuffer(vec.actionSpace, n);
    let advances = 0;
    for (let t = 0; t < 300; t++) {
      for (let i = 0; i < n; i++) sampleInto(vec.actionSpace, rng, actions, i);
      vec.step(actions);
      const next = prev.slice();
      for (let i = 0; i < n; i++) {
        const s = singles[i].step(actions[i]);
        next[i] = singles[i].readFeatures();
        expect(vec.rewards[i]).toBe(Math.fround(s.reward));
        expect([vec.terminated[i], vec.truncated[i]]).toEqual([+s.terminated, +s.truncated]);
        expect(vec.eventsOf(i)).toEqual(s.info.events);
        if (s.info.events.includes("rm:advance")) advances++;
        expect(names.map((_, j) => cols.prev[j][i]), "prev features").toEqual(names.map((name) => prev[i][name]));
        expect(names.map((_, j) => cols.next[j][i]), "next features").toEqual(names.map((name) => next[i][name]));
        if (s.terminated || s.truncated) {
          expect(row(vec.finalObs, i)).toEqual(Array.from(s.obs));
          expect(row(vec.obs, i)).toEqual(Array.from(singles[i].reset().obs));
          next[i] = singles[i].readFeatures();
        } else {
          expect(row(vec.obs, i)).toEqual(Array.from(s.obs));
        }
      }
      prev = next;
    }
    // The machines must have moved, or the comparison proves little.
    if (id !== "DoorKey-5x5") expect(advances).toBeGreaterThan(0);
  });
});
