import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { readConfigFile } from "../../core/config.js";
import { Rng } from "../../core/rng.js";
import type { GridEnv } from "../../envs/grid/engine.js";
import { solve } from "../../envs/grid/solver.js";
import { make } from "../../envs/registry.js";
import { makeRewarded } from "../make.js";
import type { RewardedVector } from "../rewarded.js";
import { checkMachine } from "./check.js";
import type { MachineProduct } from "./product.js";
import { parseRewardSpec } from "../spec.js";

const example = (name: string) => readConfigFile(fileURLToPath(new URL(`../../../examples/rewards/${name}`, import.meta.url)));

/** The machine state environment i reached on the last step: the one-hot at the end of its observation (the final one if it ended). */
function machineState(rv: RewardedVector, i: number): number {
  const { vec } = rv;
  const k = (vec.cores[i] as MachineProduct).machine.numStates;
  const obs = vec.terminated[i] || vec.truncated[i] ? vec.finalObs : vec.obs;
  const end = (i + 1) * vec.obsSize;
  return Array.from(obs.subarray(end - k, end)).indexOf(1);
}

/** Plays the planner's winning episode for `seed`; returns per step the machine's state, the machine term and the shaping term. */
function playPlan(id: string, spec: unknown, seed: number) {
  const plain = make(id);
  plain.reset(seed);
  const plan = solve(plain.core as GridEnv)!;
  const rv = makeRewarded(id, 1, spec);
  const { machine } = rv.vec.cores[0] as MachineProduct;
  rv.reset(seed);
  const steps = plan.map((a) => {
    rv.step(Int32Array.of(a));
    return { state: machine.states[machineState(rv, 0)], machine: rv.reward.terms[1][0], terminated: rv.vec.terminated[0] };
  });
  return { steps, rv };
}

describe("makeRewarded with the shipped machine examples", () => {
  test.each(["doorkey-ltl.yaml", "doorkey-machine.yaml"])("%s passes checkMachine", (name) => {
    expect(checkMachine(parseRewardSpec(example(name)).machine!, "reward.machine")).toEqual([]);
  });

  test("the LTLf example on DoorKey-8x8 pays 1 on the step that reaches the goal, after key and door", () => {
    const { steps } = playPlan("DoorKey-8x8", example("doorkey-ltl.yaml"), 5);
    const changes = steps.filter((s, t) => t === 0 || s.state !== steps[t - 1].state).map((s) => s.state);
    expect(changes).toEqual(["start", "after:key", "after:door", "done"]);
    expect(steps.map((s) => s.machine).filter((r) => r !== 0)).toEqual([1]);
    expect(steps.at(-1)).toEqual({ state: "done", machine: 1, terminated: 1 });
  });

  test("the explicit example on DoorKey-8x8 pays 0.1, 0.1 and 1 at its stages", () => {
    const { steps } = playPlan("DoorKey-8x8", example("doorkey-machine.yaml"), 5);
    expect(steps.map((s) => s.machine).filter((r) => r !== 0)).toEqual([0.1, 0.1, 1]);
    expect(steps.at(-1)!.state).toBe("done");
  });

  test("the LTLf example on LavaCrossingS9N1 fails, paying nothing, on the step into lava", () => {
    const n = 16;
    const rv = makeRewarded("LavaCrossingS9N1", n, example("doorkey-ltl.yaml"));
    const failed = (rv.vec.cores[0] as MachineProduct).machine.stateIndex("failed");
    rv.reset(0);
    const rng = new Rng(0);
    const actions = new Int32Array(n);
    let lavaSteps = 0;
    for (let t = 0; t < 100; t++) {
      for (let i = 0; i < n; i++) actions[i] = rng.int(3); // left, right, forward
      rv.step(actions);
      for (let i = 0; i < n; i++) {
        const events = rv.vec.eventsOf(i);
        if (!events.includes("enter:lava")) continue;
        lavaSteps++;
        expect(events).toEqual(expect.arrayContaining(["rm:advance", "rm:accept"]));
        expect(machineState(rv, i)).toBe(failed);
        expect(rv.reward.terms[1][i]).toBe(0);
        expect(rv.vec.terminated[i]).toBe(1);
      }
    }
    expect(lavaSteps).toBeGreaterThan(0);
  });

  test("without a machine the environments are not wrapped", () => {
    const rv = makeRewarded("DoorKey-5x5", 2, { terms: [{ kind: "task" }] });
    expect(rv.vec.featureSpecs.map((f) => f.name)).not.toContain("rm.state");
    expect(rv.vec.obsSize).toBe(7 * 7 * 3);
    expect(() => makeRewarded("DoorKey-5x5", 0, { terms: [{ kind: "task" }] })).toThrow("n: expected a positive integer, got 0");
  });
});
