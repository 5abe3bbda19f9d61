/**
 * A universe task's goal given as a reward spec: with `goal: spec` the
 * reward machine (here an LTLf formula over the universe's events) decides
 * when the episode ends and whether it succeeded; the ruleset's own goal no
 * longer does.
 */
import { describe, expect, test } from "vitest";
import { EpisodeLog } from "../../agents/episodes.js";
import { A } from "../../envs/grid/objects.js";
import { EMPTY } from "../../envs/grid/objects.js";
import type { UniverseEnv } from "../../envs/universe/env.js";
import { parseTile } from "../../envs/universe/tiles.js";
import { RunConfig } from "../../runs/config.js";
import { runTraining } from "../../runs/train.js";
import { makeRewarded } from "../make.js";
import type { MachineProduct } from "./product.js";

// The ruleset's goal (hold a blue pyramid) is met by picking up the red ball, which a rule turns into one.
const RULESET = { goal: { kind: "hold", tile: "blue pyramid" }, rules: [{ kind: "hold", tile: "red ball", product: "blue pyramid" }], objects: ["red ball"] };
// The spec's goal: pick the ball up, then put the pyramid down.
const SPEC = {
  terms: [{ name: "machine", kind: "expression", expr: "rm.reward", role: "primary" }],
  machine: { ltl: "pick then drop", propositions: { pick: 'event("pickup:ball")', drop: 'event("drop:shape")' } },
};

/** One universe with the agent at (3, 3) facing east and the red ball in front of it. */
function scripted(goal: "task" | "spec") {
  const env = makeRewarded("Universe-R1-9x9", 1, SPEC, { kwargs: { ruleset: RULESET, goal } });
  env.reset(0);
  const core = (env.vec.cores[0] as MachineProduct).inner as UniverseEnv;
  for (let y = 1; y < 8; y++) for (let x = 1; x < 8; x++) core.grid.set(x, y, EMPTY);
  core.grid.set(4, 3, parseTile("red ball")!);
  core.carrying = 0;
  core.setAgent(3, 3, 0);
  const log = new EpisodeLog(env);
  const step = (a: number) => {
    env.step(Int32Array.of(a));
    log.record(0);
    return { ended: env.vec.terminated[0] === 1 || env.vec.truncated[0] === 1, reward: env.rewards[0] };
  };
  return { env, log, step };
}

describe("goal: spec", () => {
  test("the machine, not the ruleset's goal, ends the episode, and its acceptance is the episode's success", () => {
    const { log, step } = scripted("spec");
    // Picking up meets the ruleset's goal, which no longer ends anything.
    expect(step(A.pickup)).toEqual({ ended: false, reward: 0 });
    // Putting the pyramid down completes "pick then drop".
    expect(step(A.drop)).toEqual({ ended: true, reward: 1 });
    expect(log.drain().map((e) => e.success)).toEqual([1]);
  });

  test("with goal: task the ruleset's goal still ends the episode at the pickup, a success by the task's own event", () => {
    const { log, step } = scripted("task");
    expect(step(A.pickup).ended).toBe(true);
    expect(log.drain().map((e) => e.success)).toEqual([1]);
  });

  test("an episode the machine does not accept is not a success, whatever the ruleset's goal", () => {
    const env = makeRewarded("Universe-R1-9x9", 4, SPEC, { kwargs: { ruleset: RULESET, goal: "spec", maxSteps: 20 } });
    env.reset(3);
    const log = new EpisodeLog(env);
    // Standing still: never picks up, never accepted, truncated at 20 steps.
    for (let t = 0; t < 20; t++) {
      env.step(Int32Array.of(A.done, A.done, A.done, A.done));
      log.record(t);
    }
    expect(log.drain().map((e) => e.success)).toEqual([0, 0, 0, 0]);
  });

  test("goal: spec without a machine, or with a curriculum, is one line naming the field", () => {
    expect(() => makeRewarded("Universe-R1-9x9", 1, { terms: [{ kind: "task" }] }, { kwargs: { ruleset: RULESET, goal: "spec" } })).toThrow(/^env\.kwargs\.goal: Universe-R1-9x9's goal is its reward spec's machine \(success is rm:accept\): give the reward a machine/);
    const config = RunConfig.parse({ env: { id: "Universe-R1-9x9", kwargs: { goal: "spec", count: 100 } }, reward: SPEC, curriculum: { kind: "uniform" }, steps: 64 });
    expect(() => runTraining(config, 0)).toThrow(/^curriculum: does not run with a reward machine/);
  });
});
