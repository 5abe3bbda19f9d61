import { describe, expect, test } from "vitest";
import { make } from "../../registry.js";
import type { GridEnv } from "../engine.js";
import { A, T } from "../objects.js";
import { expectSolvable } from "../test-utils.js";
import type { DynamicObstacles } from "./dynamic.js";
import type { Memory } from "./memory.js";
import { solve } from "../solver.js";

const STATIC = [
  "FourRooms",
  "MultiRoom-N2-S4",
  "MultiRoom-N4-S5",
  "MultiRoom-N6",
  "LavaCrossingS9N1",
  "LavaCrossingS9N2",
  "LavaCrossingS9N3",
  "LavaCrossingS11N5",
  "SimpleCrossingS9N1",
  "SimpleCrossingS9N2",
  "SimpleCrossingS9N3",
  "SimpleCrossingS11N5",
  "LavaGapS5",
  "LavaGapS6",
  "LavaGapS7",
  "MemoryS7",
  "MemoryS9",
  "MemoryS11",
  "MemoryS13",
  "MemoryS13Random",
  "MemoryS17Random",
  "GoToObject-6x6-N2",
  "GoToObject-8x8-N2",
  "GoToDoor-5x5",
  "GoToDoor-6x6",
  "GoToDoor-8x8",
  "DistShift1",
  "DistShift2",
  "DeceptiveMaze-11x11",
];

describe("every layout is solvable", () => {
  test.each(STATIC)("%s over 100 seeds", (id) => expectSolvable(id, 100));
});

describe("MiniGrid's step limits", () => {
  test.each([
    ["FourRooms", 100],
    ["MultiRoom-N6", 120],
    ["MultiRoom-N2-S4", 40],
    ["LavaCrossingS9N1", 4 * 81],
    ["LavaGapS5", 100],
    ["MemoryS7", 5 * 49],
    ["GoToObject-8x8-N2", 5 * 64],
    ["GoToDoor-5x5", 100],
    ["DistShift1", 4 * 63],
    ["Dynamic-Obstacles-8x8", 256],
  ])("%s truncates at %i", (id, limit) => {
    expect(make(id).maxSteps).toBe(limit);
  });
});

describe("task rules", () => {
  test("crossing rivers leave exactly one way through each", () => {
    const env = make("LavaCrossingS9N3");
    for (let seed = 0; seed < 20; seed++) {
      env.reset(seed);
      const core = env.core as GridEnv;
      let lava = 0;
      for (let y = 1; y < 8; y++) for (let x = 1; x < 8; x++) if ((core.grid.get(x, y) & 0xff) === T.lava) lava++;
      // Three rivers of 7 cells each, minus one opening each, minus the crossings of a row with a column.
      expect(lava).toBeGreaterThanOrEqual(3 * 7 - 3 - 2);
      expect(lava).toBeLessThanOrEqual(3 * 7 - 3);
    }
  });

  test("Memory rewards the alcove that matches the cue and ends with 0 at the other", () => {
    const env = make("MemoryS9");
    env.reset(5);
    const core = env.core as Memory;
    const plan = solve(core)!;
    let last = { reward: 0, terminated: false };
    for (const a of plan) last = env.step(a);
    expect(last.reward).toBeGreaterThan(0);
    env.reset(5);
    core.setAgent(core.grid.xOf(core.failureIndex) - 1, core.grid.yOf(core.failureIndex), 0);
    const lose = env.step(A.forward);
    expect([lose.reward, lose.terminated, lose.info.events]).toEqual([0, true, ["failure"]]);
  });

  test("GoTo: done next to the target wins, done elsewhere and toggle end the episode with 0", () => {
    const env = make("GoToObject-8x8-N2");
    const { obs } = env.reset(2);
    const core = env.core as GridEnv & { targetX: number; targetY: number; targetType: number; targetColor: number };
    expect(Array.from(obs.slice(-2))).toEqual([core.targetType, core.targetColor]);
    const plan = solve(core)!;
    expect(plan[plan.length - 1]).toBe(A.done);
    env.reset(2);
    const far = env.step(A.done);
    const dist = Math.max(Math.abs(core.agentX - core.targetX), Math.abs(core.agentY - core.targetY));
    if (dist > 1) expect([far.reward, far.terminated]).toEqual([0, true]);
    env.reset(2);
    expect(env.step(A.toggle).terminated).toBe(true);
  });

  test("dynamic obstacles move every step and walking into one costs −1", () => {
    const env = make("Dynamic-Obstacles-8x8");
    env.reset(0);
    const core = env.core as DynamicObstacles;
    expect(env.actionSpace.toString()).toBe("Discrete(3)");
    const before = Array.from(core.obstacleIndex);
    env.step(A.left);
    expect(Array.from(core.obstacleIndex)).not.toEqual(before);
    // Face a wall and walk into it: a collision (MiniGrid counts walls too).
    env.reset(0);
    core.setAgent(1, 1, 3);
    const hit = env.step(A.forward);
    expect([hit.reward, hit.terminated]).toEqual([-1, true]);
    expect(hit.info.events).toContain("collide:obstacle");
  });

  test("dynamic obstacles: every layout of 100 seeds is solved by an agent that replans every step", () => {
    for (const id of ["Dynamic-Obstacles-5x5", "Dynamic-Obstacles-Random-5x5", "Dynamic-Obstacles-6x6", "Dynamic-Obstacles-Random-6x6", "Dynamic-Obstacles-8x8", "Dynamic-Obstacles-16x16"]) {
      const env = make(id);
      let wins = 0;
      for (let seed = 0; seed < 100; seed++) {
        env.reset(seed);
        for (;;) {
          // Walking into a cell that is free now is always safe; obstacles only block.
          const plan = solve(env.core as GridEnv);
          const s = env.step(plan ? plan[0] : A.left);
          if (s.terminated || s.truncated) {
            if (s.reward > 0) wins++;
            else expect(s.reward).toBe(0);
            break;
          }
        }
      }
      expect(wins, id).toBe(100);
    }
  });
});
