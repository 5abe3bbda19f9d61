import { describe, expect, test } from "vitest";
import { make } from "../../registry.js";
import { A, C, S, T, ball, box, colorOf, key, stateOf, typeOf } from "../objects.js";
import { expectSolvable } from "../test-utils.js";
import type { ObstructedMaze } from "./obstructedmaze.js";
import { cellsWhere, faceCell } from "./room-test-utils.js";

const VARIANTS: [string, boolean, boolean][] = [
  ["ObstructedMaze-1Dl", false, false],
  ["ObstructedMaze-1Dlh", true, false],
  ["ObstructedMaze-1Dlhb", true, true],
];

describe("ObstructedMaze 1D", () => {
  test.each(VARIANTS)("%s: two rooms of side 6, step limit 4·2·6², mission names the red ball", (id) => {
    const env = make(`MiniGrid-${id}-v0`);
    const { info } = env.reset(0);
    const core = env.core as ObstructedMaze;
    expect([core.grid.width, core.grid.height, env.maxSteps]).toEqual([11, 6, 288]);
    expect(info.mission).toBe("pick up the red ball");
  });

  test.each(VARIANTS)("%s: the same seed gives the same layout", (id) => {
    const [a, b] = [make(id), make(id)];
    a.reset(6);
    b.reset(6);
    expect((a.core as ObstructedMaze).stateKey()).toBe((b.core as ObstructedMaze).stateKey());
  });

  test.each(VARIANTS)("%s: a locked door, its key (boxed: %s), a blocker (%s), the only red ball behind the door", (id, keyInBox, blocked) => {
    const env = make(id);
    for (let seed = 0; seed < 100; seed++) {
      env.reset(seed);
      const core = env.core as ObstructedMaze;
      const doors = cellsWhere(core, (c) => typeOf(c) === T.door);
      expect(doors).toHaveLength(1);
      const [[dx, dy]] = doors;
      const doorCell = core.grid.get(dx, dy);
      expect([dx, stateOf(doorCell)]).toEqual([5, S.locked]);
      const reds = cellsWhere(core, (c) => c === ball(C.red));
      expect(reds).toHaveLength(1);
      expect(reds[0][0]).toBeGreaterThan(5);
      expect(core.target).toBe(ball(C.red));
      const keys = cellsWhere(core, (c) => typeOf(c) === T.key);
      const boxes = cellsWhere(core, (c) => typeOf(c) === T.box);
      const hidden = keyInBox ? boxes : keys;
      expect([keys.length, boxes.length]).toEqual(keyInBox ? [0, 1] : [1, 0]);
      expect(hidden[0][0]).toBeLessThan(5);
      if (keyInBox) {
        expect(core.grid.get(...boxes[0])).toBe(box(C.blue));
        expect(core.grid.contents[core.grid.index(...boxes[0])]).toBe(key(colorOf(doorCell)));
      } else expect(core.grid.get(...keys[0])).toBe(key(colorOf(doorCell)));
      const greens = cellsWhere(core, (c) => c === ball(C.green));
      expect(greens).toEqual(blocked ? [[dx - 1, dy]] : []);
      expect(core.agentX).toBeLessThan(5);
    }
  });

  test("opening the box shows the key; picking up the blocker does not win; the red ball does", () => {
    const env = make("ObstructedMaze-1Dlhb");
    env.reset(4);
    const core = env.core as ObstructedMaze;
    const [[dx, dy]] = cellsWhere(core, (c) => typeOf(c) === T.door);
    const [[bx, by]] = cellsWhere(core, (c) => typeOf(c) === T.box);
    faceCell(core, bx, by);
    expect(env.step(A.toggle).info.events).toEqual(["open:box"]);
    expect(core.grid.get(bx, by)).toBe(key(colorOf(core.grid.get(dx, dy))));
    faceCell(core, dx - 1, dy);
    const blocker = env.step(A.pickup);
    expect([blocker.reward, blocker.terminated, blocker.info.events]).toEqual([0, false, ["pickup:ball"]]);
    core.carrying = 0;
    const [[rx, ry]] = cellsWhere(core, (c) => c === ball(C.red));
    faceCell(core, rx, ry);
    const win = env.step(A.pickup);
    expect([win.terminated, win.info.events]).toEqual([true, ["pickup:ball", "success"]]);
    expect(win.reward).toBeCloseTo(1 - (0.9 * 3) / 288, 10);
  });

  test.each(VARIANTS.map(([id]) => id))("every layout of %s over 100 seeds is solvable within the step limit", (id) => expectSolvable(id, 100));
});
