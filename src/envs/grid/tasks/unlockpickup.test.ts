import { describe, expect, test } from "vitest";
import { make } from "../../registry.js";
import { A, COLOR_NAMES, EMPTY, S, T, colorOf, stateOf, typeOf } from "../objects.js";
import { expectSolvable } from "../test-utils.js";
import { cellsWhere, faceCell } from "./room-test-utils.js";
import type { UnlockPickup } from "./unlockpickup.js";

describe("UnlockPickup", () => {
  test("two rooms of side 6 and MiniGrid's step limit 8·6²", () => {
    const env = make("MiniGrid-UnlockPickup-v0");
    const core = env.core as UnlockPickup;
    expect([core.grid.width, core.grid.height, env.maxSteps]).toEqual([11, 6, 288]);
  });

  test("the same seed gives the same layout", () => {
    const [a, b] = [make("UnlockPickup"), make("UnlockPickup")];
    a.reset(4);
    b.reset(4);
    expect((a.core as UnlockPickup).stateKey()).toBe((b.core as UnlockPickup).stateKey());
  });

  test("the only box is in the right room, behind the locked door; its key in the left room", () => {
    const env = make("UnlockPickup");
    for (let seed = 0; seed < 100; seed++) {
      const { info } = env.reset(seed);
      const core = env.core as UnlockPickup;
      const doors = cellsWhere(core, (c) => typeOf(c) === T.door);
      const keys = cellsWhere(core, (c) => typeOf(c) === T.key);
      const boxes = cellsWhere(core, (c) => typeOf(c) === T.box);
      expect([doors.length, keys.length, boxes.length]).toEqual([1, 1, 1]);
      const [[dx, dy]] = doors;
      expect(dx).toBe(5);
      expect(stateOf(core.grid.get(dx, dy))).toBe(S.locked);
      expect(colorOf(core.grid.get(...keys[0]))).toBe(colorOf(core.grid.get(dx, dy)));
      expect(keys[0][0]).toBeLessThan(5);
      expect(boxes[0][0]).toBeGreaterThan(5);
      expect(core.grid.get(...boxes[0])).toBe(core.target);
      expect(info.mission).toBe(`pick up the ${COLOR_NAMES[colorOf(core.target)]} box`);
      expect(core.agentX).toBeLessThan(5);
    }
  });

  test("picking up the box succeeds; picking up the key or opening the box does not", () => {
    const env = make("UnlockPickup");
    env.reset(2);
    const core = env.core as UnlockPickup;
    const [[kx, ky]] = cellsWhere(core, (c) => typeOf(c) === T.key);
    const [[bx, by]] = cellsWhere(core, (c) => c === core.target);
    faceCell(core, kx, ky);
    expect(env.step(A.pickup)).toMatchObject({ reward: 0, terminated: false });
    core.carrying = 0;
    faceCell(core, bx, by);
    const win = env.step(A.pickup);
    expect([win.terminated, win.info.events]).toEqual([true, ["pickup:box", "success"]]);
    expect(win.reward).toBeCloseTo(1 - (0.9 * 2) / 288, 10);
    // An empty box vanishes when toggled (MiniGrid v0): no success, no box left.
    env.reset(2);
    faceCell(core, bx, by);
    const open = env.step(A.toggle);
    expect([open.reward, open.terminated, open.info.events]).toEqual([0, false, ["open:box"]]);
    expect(core.grid.get(bx, by)).toBe(EMPTY);
  });

  test("target.distance and lockedDoor.distance read Manhattan distances, 0 once reached", () => {
    const env = make("UnlockPickup");
    env.reset(5);
    const core = env.core as UnlockPickup;
    const [[bx, by]] = cellsWhere(core, (c) => c === core.target);
    const [[dx, dy]] = cellsWhere(core, (c) => typeOf(c) === T.door);
    const f = env.readFeatures(["target.distance", "lockedDoor.distance"]);
    expect(f).toEqual({
      "target.distance": Math.abs(bx - core.agentX) + Math.abs(by - core.agentY),
      "lockedDoor.distance": Math.abs(dx - core.agentX) + Math.abs(dy - core.agentY),
    });
    faceCell(core, bx, by);
    env.step(A.pickup);
    expect(env.readFeatures(["target.distance"])).toEqual({ "target.distance": 0 });
  });

  test("every layout of UnlockPickup over 100 seeds is solvable within the step limit", () => expectSolvable("UnlockPickup", 100));
});
