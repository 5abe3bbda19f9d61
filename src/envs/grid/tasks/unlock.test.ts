import { describe, expect, test } from "vitest";
import { make } from "../../registry.js";
import { A, S, T, colorOf, door, key, stateOf, typeOf } from "../objects.js";
import { expectSolvable } from "../test-utils.js";
import { cellsWhere, faceCell } from "./room-test-utils.js";
import type { Unlock } from "./unlock.js";

describe("Unlock", () => {
  test("two rooms of side 6, MiniGrid's step limit 8·6² and mission", () => {
    const env = make("MiniGrid-Unlock-v0");
    const { info } = env.reset(0);
    const core = env.core as Unlock;
    expect([core.grid.width, core.grid.height, env.maxSteps]).toEqual([11, 6, 288]);
    expect(info.mission).toBe("open the door");
  });

  test("the same seed gives the same layout", () => {
    const [a, b] = [make("Unlock"), make("Unlock")];
    a.reset(3);
    b.reset(3);
    expect((a.core as Unlock).stateKey()).toBe((b.core as Unlock).stateKey());
    const keys = new Set(Array.from({ length: 10 }, (_, s) => (a.reset(s), (a.core as Unlock).stateKey())));
    expect(keys.size).toBe(10);
  });

  test("a locked door on the middle wall, its key and the agent in the left room", () => {
    const env = make("Unlock");
    for (let seed = 0; seed < 100; seed++) {
      env.reset(seed);
      const core = env.core as Unlock;
      const doors = cellsWhere(core, (c) => typeOf(c) === T.door);
      const keys = cellsWhere(core, (c) => typeOf(c) === T.key);
      expect([doors.length, keys.length]).toEqual([1, 1]);
      const [[dx, dy]] = doors;
      const [[kx, ky]] = keys;
      expect(dx).toBe(5);
      expect(stateOf(core.grid.get(dx, dy))).toBe(S.locked);
      expect(core.doorIndex).toBe(core.grid.index(dx, dy));
      expect(colorOf(core.grid.get(kx, ky))).toBe(colorOf(core.grid.get(dx, dy)));
      expect(kx).toBeLessThan(5);
      expect(core.agentX).toBeLessThan(5);
      expect([T.empty, T.wall]).toContain(typeOf(core.grid.cells[core.frontIndex]));
    }
  });

  test("a toggle that opens the door succeeds; picking up the key and toggling without it do not", () => {
    const env = make("Unlock");
    env.reset(8);
    const core = env.core as Unlock;
    const [[dx, dy]] = cellsWhere(core, (c) => typeOf(c) === T.door);
    const color = colorOf(core.grid.get(dx, dy));
    const [[kx, ky]] = cellsWhere(core, (c) => typeOf(c) === T.key);
    faceCell(core, dx, dy);
    const bare = env.step(A.toggle);
    expect([bare.reward, bare.terminated, bare.info.events]).toEqual([0, false, []]);
    faceCell(core, kx, ky);
    const pick = env.step(A.pickup);
    expect([pick.reward, pick.terminated, pick.info.events]).toEqual([0, false, ["pickup:key"]]);
    expect(core.carrying).toBe(key(color));
    faceCell(core, dx, dy);
    const win = env.step(A.toggle);
    expect(win.terminated).toBe(true);
    expect(win.reward).toBeCloseTo(1 - (0.9 * 3) / 288, 10);
    expect(win.info.events).toEqual(["open:door", "unlock:door", "success"]);
    expect(core.grid.get(dx, dy)).toBe(door(color, S.open));
  });

  test("every layout of Unlock over 100 seeds is solvable within the step limit", () => expectSolvable("Unlock", 100));
});
