import { describe, expect, test } from "vitest";
import { make } from "../../registry.js";
import { A, COLOR_NAMES, S, T, colorOf, stateOf, typeOf } from "../objects.js";
import { expectSolvable } from "../test-utils.js";
import type { BlockedUnlockPickup } from "./blockedunlockpickup.js";
import { cellsWhere, faceCell } from "./room-test-utils.js";

describe("BlockedUnlockPickup", () => {
  test("two rooms of side 6 and MiniGrid's step limit 16·6²", () => {
    const env = make("MiniGrid-BlockedUnlockPickup-v0");
    const core = env.core as BlockedUnlockPickup;
    expect([core.grid.width, core.grid.height, env.maxSteps]).toEqual([11, 6, 576]);
  });

  test("the same seed gives the same layout", () => {
    const [a, b] = [make("BlockedUnlockPickup"), make("BlockedUnlockPickup")];
    a.reset(9);
    b.reset(9);
    expect((a.core as BlockedUnlockPickup).stateKey()).toBe((b.core as BlockedUnlockPickup).stateKey());
  });

  test("a ball blocks the locked door on the agent's side; the only box is behind it", () => {
    const env = make("BlockedUnlockPickup");
    const ballColors = new Set<number>();
    for (let seed = 0; seed < 100; seed++) {
      const { info } = env.reset(seed);
      const core = env.core as BlockedUnlockPickup;
      const doors = cellsWhere(core, (c) => typeOf(c) === T.door);
      const keys = cellsWhere(core, (c) => typeOf(c) === T.key);
      const balls = cellsWhere(core, (c) => typeOf(c) === T.ball);
      const boxes = cellsWhere(core, (c) => typeOf(c) === T.box);
      expect([doors.length, keys.length, balls.length, boxes.length]).toEqual([1, 1, 1, 1]);
      const [[dx, dy]] = doors;
      expect(dx).toBe(5);
      expect(stateOf(core.grid.get(dx, dy))).toBe(S.locked);
      expect(balls[0]).toEqual([dx - 1, dy]);
      ballColors.add(colorOf(core.grid.get(dx - 1, dy)));
      expect(colorOf(core.grid.get(...keys[0]))).toBe(colorOf(core.grid.get(dx, dy)));
      expect(keys[0][0]).toBeLessThan(5);
      expect(boxes[0][0]).toBeGreaterThan(5);
      expect(core.grid.get(...boxes[0])).toBe(core.target);
      expect(info.mission).toBe(`pick up the ${COLOR_NAMES[colorOf(core.target)]} box`);
      expect(core.agentX).toBeLessThan(5);
      expect([T.empty, T.wall]).toContain(typeOf(core.grid.cells[core.frontIndex]));
    }
    expect(ballColors.size).toBe(6);
  });

  test("picking up the box succeeds; picking up the blocking ball does not", () => {
    const env = make("BlockedUnlockPickup");
    env.reset(1);
    const core = env.core as BlockedUnlockPickup;
    const [[ax, ay]] = cellsWhere(core, (c) => typeOf(c) === T.ball);
    const [[bx, by]] = cellsWhere(core, (c) => c === core.target);
    faceCell(core, ax, ay);
    const ball = env.step(A.pickup);
    expect([ball.reward, ball.terminated, ball.info.events]).toEqual([0, false, ["pickup:ball"]]);
    core.carrying = 0;
    faceCell(core, bx, by);
    const win = env.step(A.pickup);
    expect([win.terminated, win.info.events]).toEqual([true, ["pickup:box", "success"]]);
    expect(win.reward).toBeCloseTo(1 - (0.9 * 2) / 576, 10);
  });

  test("every layout of BlockedUnlockPickup over 100 seeds is solvable within the step limit", () => expectSolvable("BlockedUnlockPickup", 100));
});
