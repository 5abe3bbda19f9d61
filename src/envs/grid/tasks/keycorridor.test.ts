import { describe, expect, test } from "vitest";
import { make } from "../../registry.js";
import type { GridEnv } from "../engine.js";
import { A, C, COLOR_NAMES, EMPTY, S, T, ball, colorOf, key, stateOf, typeOf } from "../objects.js";
import { expectSolvable } from "../test-utils.js";
import type { KeyCorridor } from "./keycorridor.js";
import { cellsWhere, faceCell } from "./room-test-utils.js";

const VARIANTS: [string, number, number][] = [
  ["KeyCorridorS3R1", 3, 1],
  ["KeyCorridorS3R2", 3, 2],
  ["KeyCorridorS3R3", 3, 3],
  ["KeyCorridorS4R3", 4, 3],
  ["KeyCorridorS5R3", 5, 3],
  ["KeyCorridorS6R3", 6, 3],
];

describe("KeyCorridor", () => {
  test.each(VARIANTS)("%s has MiniGrid's size and step limit 30·S²", (id, s, r) => {
    const env = make(`MiniGrid-${id}-v0`);
    const core = env.core as KeyCorridor;
    expect([core.grid.width, core.grid.height]).toEqual([3 * (s - 1) + 1, r * (s - 1) + 1]);
    expect(env.maxSteps).toBe(30 * s * s);
  });

  test.each(VARIANTS)("%s: the same seed gives the same layout", (id) => {
    const a = make(id);
    const b = make(id);
    a.reset(11);
    b.reset(11);
    expect((a.core as GridEnv).stateKey()).toBe((b.core as GridEnv).stateKey());
    const keys = new Set(Array.from({ length: 8 }, (_, s) => (a.reset(s), (a.core as GridEnv).stateKey())));
    expect(keys.size).toBe(8);
  });

  test.each(VARIANTS)("%s: one locked door into a right-column room holding the only ball; its key on the left", (id, s, r) => {
    const env = make(id);
    for (let seed = 0; seed < 100; seed++) {
      const { info } = env.reset(seed);
      const core = env.core as KeyCorridor;
      const lockedDoors = cellsWhere(core, (c) => typeOf(c) === T.door && stateOf(c) === S.locked);
      const keys = cellsWhere(core, (c) => typeOf(c) === T.key);
      const balls = cellsWhere(core, (c) => typeOf(c) === T.ball);
      expect([lockedDoors.length, keys.length, balls.length, cellsWhere(core, (c) => typeOf(c) === T.box).length]).toEqual([1, 1, 1, 0]);
      const [[dx, dy]] = lockedDoors;
      const [[kx, ky]] = keys;
      const [[bx, by]] = balls;
      // The locked door is on the left wall of a right-column room.
      expect(dx).toBe(2 * (s - 1));
      const lockedRoom = core.roomFromPos(dx + 1, dy);
      expect(lockedRoom.i).toBe(2);
      expect(lockedRoom.doors.filter((d) => d !== null)).toHaveLength(1);
      expect(colorOf(core.grid.get(kx, ky))).toBe(colorOf(core.grid.get(dx, dy)));
      expect(core.roomFromPos(kx, ky).i).toBe(0);
      expect(core.roomFromPos(bx, by) === lockedRoom).toBe(true);
      expect(core.target).toBe(core.grid.get(bx, by));
      expect(info.mission).toBe(`pick up the ${COLOR_NAMES[colorOf(core.target)]} ball`);
      // The agent starts in the hallway's middle room (its removed walls included), not facing
      // an object (a door connectAll added after placing the agent is possible, as in MiniGrid).
      expect(core.room(1, r >> 1).contains(core.agentX, core.agentY)).toBe(true);
      const front = core.grid.cells[core.frontIndex];
      expect(front === EMPTY || typeOf(front) === T.wall || (typeOf(front) === T.door && stateOf(front) === S.closed)).toBe(true);
      // The hallway has no inner walls.
      for (let j = 1; j < r; j++) for (let x = s; x < 2 * (s - 1); x++) expect(core.grid.get(x, j * (s - 1))).toBe(EMPTY);
    }
  });

  test("picking up the ball succeeds with 1 − 0.9·t/T; picking up the key or another ball does not", () => {
    const env = make("KeyCorridorS4R3");
    env.reset(5);
    const core = env.core as KeyCorridor;
    const [[kx, ky]] = cellsWhere(core, (c) => typeOf(c) === T.key);
    faceCell(core, kx, ky);
    const k = env.step(A.pickup);
    expect([k.reward, k.terminated, k.info.events]).toEqual([0, false, ["pickup:key"]]);
    expect(core.carrying).toBe(key(colorOf(core.carrying)));
    core.carrying = 0;
    // A second ball, of another color, is not the target.
    const other = ball(colorOf(core.target) === C.red ? C.green : C.red);
    const [ox, oy] = cellsWhere(core, (c) => c === EMPTY).find(([x, y]) => core.roomFromPos(x, y).i === 1)!;
    core.grid.set(ox, oy, other);
    faceCell(core, ox, oy);
    const d = env.step(A.pickup);
    expect([d.reward, d.terminated, d.info.events]).toEqual([0, false, ["pickup:ball"]]);
    expect(core.carrying).toBe(other);
    core.carrying = 0;
    const [[bx, by]] = cellsWhere(core, (c) => c === core.target);
    faceCell(core, bx, by);
    const win = env.step(A.pickup);
    expect(win.terminated).toBe(true);
    expect(win.reward).toBeCloseTo(1 - (0.9 * 3) / env.maxSteps, 10);
    expect(win.info.events).toEqual(["pickup:ball", "success"]);
  });

  test.each(VARIANTS.map(([id]) => id))("every layout of %s over 100 seeds is solvable within the step limit", (id) => expectSolvable(id, 100));
});
