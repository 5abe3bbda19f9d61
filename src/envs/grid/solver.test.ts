import { describe, expect, test } from "vitest";
import { make } from "../registry.js";
import type { GridEnv } from "./engine.js";
import { solve } from "./solver.js";
import { expectSolvable } from "./test-utils.js";

describe("solve", () => {
  test("finds a winning plan that replays to success on DoorKey-5x5", () => {
    const env = make("DoorKey-5x5");
    env.reset(0);
    const plan = solve(env.core as GridEnv)!;
    expect(plan.length).toBeGreaterThan(3);
    let last;
    for (const a of plan) last = env.step(a);
    expect(last!.terminated).toBe(true);
    expect(last!.reward).toBeGreaterThan(0);
  });

  test("leaves the environment's state as it found it", () => {
    const env = make("DoorKey-8x8");
    env.reset(4);
    const core = env.core as GridEnv;
    const before = core.stateKey();
    solve(core);
    expect(core.stateKey()).toBe(before);
  });

  test("reports no plan when the goal is walled off", () => {
    const env = make("Empty-8x8");
    env.reset(0);
    const core = env.core as GridEnv;
    core.grid.vertWall(4, 1, 6);
    expect(solve(core)).toBeUndefined();
  });

  test.each(["Empty-5x5", "Empty-Random-5x5", "Empty-6x6", "Empty-Random-6x6", "Empty-8x8", "Empty-16x16", "DoorKey-5x5", "DoorKey-6x6", "DoorKey-8x8", "DoorKey-16x16"])(
    "every layout of %s over 100 seeds is solvable within the step limit",
    (id) => expectSolvable(id, 100),
  );
});
