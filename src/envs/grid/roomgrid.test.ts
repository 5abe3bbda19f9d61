import { describe, expect, test } from "vitest";
import { Env } from "../env.js";
import { GridKwargs } from "./engine.js";
import { C, EMPTY, S, T, WALL, ball, door, key, typeOf } from "./objects.js";
import { RoomGridEnv, WALL_IDX, type RoomGridShape } from "./roomgrid.js";

/** A bare room grid whose task is whatever the test says. */
class Rooms extends RoomGridEnv {
  readonly features = [];
  constructor(
    shape: RoomGridShape,
    private readonly task: (env: Rooms) => void = () => {},
  ) {
    super(shape, 100, GridKwargs.parse({}));
  }
  protected generateTask(): void {
    this.task(this);
  }
}

function rooms(shape: RoomGridShape, seed: number, task?: (env: Rooms) => void): Rooms {
  const core = new Rooms(shape, task);
  new Env("rooms", core).reset(seed);
  return core;
}

/** Cells reachable from the agent through anything but walls (doors of any state count as passable). */
function floodFromAgent(env: RoomGridEnv): Set<number> {
  const seen = new Set<number>([env.agentIndex]);
  const stack = [env.agentIndex];
  while (stack.length > 0) {
    const i = stack.pop()!;
    for (const d of env.dirOffset) {
      const n = i + d;
      if (seen.has(n) || typeOf(env.grid.cells[n]) === T.wall) continue;
      seen.add(n);
      stack.push(n);
    }
  }
  return seen;
}

describe("RoomGridEnv layout", () => {
  test("rooms of side S in R × C share their walls: (S−1)·C+1 wide, (S−1)·R+1 high", () => {
    const env = rooms({ roomSize: 5, numRows: 2, numCols: 3 }, 0);
    expect([env.grid.width, env.grid.height]).toEqual([13, 9]);
    for (let y = 0; y < 9; y++) {
      for (let x = 0; x < 13; x++) {
        const onWall = x % 4 === 0 || y % 4 === 0;
        expect(env.grid.get(x, y), `(${x}, ${y})`).toBe(onWall ? WALL : EMPTY);
      }
    }
    expect(env.room(2, 1).top).toEqual([8, 4]);
    expect(env.roomFromPos(9, 5)).toBe(env.room(2, 1));
    expect(env.roomFromPos(12, 8)).toBe(env.room(2, 1)); // the outer corner clamps to the last room
    expect(() => env.room(3, 0)).toThrow(RangeError);
  });

  test("the agent starts in the middle of the middle room, facing east", () => {
    const nine = rooms({ roomSize: 7, numRows: 3, numCols: 3 }, 1);
    expect([nine.agentX, nine.agentY, nine.agentDir]).toEqual([9, 9, 0]);
    const two = rooms({ roomSize: 6, numRows: 1, numCols: 2 }, 1);
    expect([two.agentX, two.agentY, two.agentDir]).toEqual([8, 3, 0]);
  });

  test("each shared wall has one door position off its ends, seen the same from both sides", () => {
    for (let seed = 0; seed < 50; seed++) {
      const env = rooms({ roomSize: 6, numRows: 3, numCols: 3 }, seed);
      for (let j = 0; j < 3; j++) {
        for (let i = 0; i < 3; i++) {
          const room = env.room(i, j);
          const [tx, ty] = room.top;
          const right = room.doorPos[WALL_IDX.right];
          const down = room.doorPos[WALL_IDX.down];
          if (i < 2) {
            expect(right![0]).toBe(tx + 5);
            expect(right![1]).toBeGreaterThan(ty);
            expect(right![1]).toBeLessThan(ty + 5);
            expect(env.room(i + 1, j).doorPos[WALL_IDX.left]).toBe(right);
          } else expect(right).toBeNull();
          if (j < 2) {
            expect(down![1]).toBe(ty + 5);
            expect(down![0]).toBeGreaterThan(tx);
            expect(down![0]).toBeLessThan(tx + 5);
            expect(env.room(i, j + 1).doorPos[WALL_IDX.up]).toBe(down);
          } else expect(down).toBeNull();
          if (i === 0) expect(room.doorPos[WALL_IDX.left]).toBeNull();
          if (j === 0) expect(room.doorPos[WALL_IDX.up]).toBeNull();
        }
      }
    }
  });

  test("the same seed gives the same layout", () => {
    const task = (e: Rooms) => {
      e.addDoor(0, 0);
      e.addObject(1, 1);
      e.placeAgentInRoom();
      e.connectAll();
    };
    const shape = { roomSize: 5, numRows: 3, numCols: 3 };
    expect(rooms(shape, 7, task).stateKey()).toBe(rooms(shape, 7, task).stateKey());
    const keys = new Set(Array.from({ length: 10 }, (_, s) => rooms(shape, s, task).stateKey()));
    expect(keys.size).toBeGreaterThan(5);
  });
});

describe("RoomGridEnv helpers", () => {
  test("addDoor puts the door on the wall's position and records it in both rooms", () => {
    const env = rooms({ roomSize: 6, numRows: 2, numCols: 2 }, 3, (e) => {
      e.addDoor(0, 0, WALL_IDX.down, C.purple, true);
    });
    const [x, y] = env.room(0, 0).doorPos[WALL_IDX.down]!;
    expect(env.grid.get(x, y)).toBe(door(C.purple, S.locked));
    expect(env.room(0, 0).doors[WALL_IDX.down]).toEqual({ x, y, color: C.purple, locked: true });
    expect(env.room(0, 1).doors[WALL_IDX.up]).toBe(env.room(0, 0).doors[WALL_IDX.down]);
    expect(env.room(0, 0).locked).toBe(true);
    expect(env.room(0, 1).locked).toBe(false);
  });

  test("addDoor with no wall given picks a wall that has a neighbour and no door yet", () => {
    for (let seed = 0; seed < 30; seed++) {
      const env = rooms({ roomSize: 5, numRows: 2, numCols: 2 }, seed, (e) => {
        e.addDoor(1, 1, WALL_IDX.left, C.red, false);
        e.addDoor(1, 1, undefined, C.blue, false);
      });
      expect(env.room(1, 1).doors[WALL_IDX.up]).toMatchObject({ color: C.blue });
      expect(() => env.addDoor(1, 1)).toThrow(/no wall left/);
    }
  });

  test("removeWall opens the shared wall between its corners", () => {
    const env = rooms({ roomSize: 5, numRows: 2, numCols: 1 }, 0, (e) => e.removeWall(0, 1, WALL_IDX.up));
    expect([0, 1, 2, 3, 4].map((x) => env.grid.get(x, 4))).toEqual([WALL, EMPTY, EMPTY, EMPTY, WALL]);
    expect(env.room(0, 0).doors[WALL_IDX.down]).toBe("gap");
    expect(env.room(0, 1).doors[WALL_IDX.up]).toBe("gap");
    expect(() => env.removeWall(0, 0, WALL_IDX.right)).toThrow(/no neighbour/);
  });

  test("addObject never lands on or next to the agent's start", () => {
    for (let seed = 0; seed < 200; seed++) {
      const placed: [number, number][] = [];
      // The middle room's 3×3 inside has only its four corners two steps from the centre.
      const env = rooms({ roomSize: 5, numRows: 1, numCols: 3 }, seed, (e) => {
        for (let k = 0; k < 3; k++) {
          const { obj, x, y } = e.addObject(1, 0);
          expect(e.grid.get(x, y)).toBe(obj);
          expect([T.key, T.ball, T.box]).toContain(typeOf(obj));
          placed.push([x, y]);
        }
      });
      expect([env.agentX, env.agentY]).toEqual([6, 2]);
      for (const [x, y] of placed) expect(Math.abs(x - 6) + Math.abs(y - 2)).toBe(2);
      expect(env.room(1, 0).objs).toHaveLength(3);
    }
  });

  test("placeAgentInRoom puts the agent in the room, facing an empty cell or a wall", () => {
    for (let seed = 0; seed < 200; seed++) {
      const env = rooms({ roomSize: 5, numRows: 2, numCols: 2 }, seed, (e) => {
        for (let k = 0; k < 4; k++) e.addObject(0, 1);
        e.placeAgentInRoom(0, 1);
      });
      expect(env.room(0, 1).contains(env.agentX, env.agentY)).toBe(true);
      const front = env.grid.cells[env.frontIndex];
      expect(front === EMPTY || front === WALL, `seed ${seed}: front is ${front}`).toBe(true);
    }
  });

  test("connectAll joins every room to the agent's and leaves locked rooms alone", () => {
    for (let seed = 0; seed < 100; seed++) {
      let lockedDoor: { x: number; y: number } | undefined;
      const env = rooms({ roomSize: 4, numRows: 3, numCols: 3 }, seed, (e) => {
        lockedDoor = e.addDoor(2, 2, WALL_IDX.up, C.yellow, true);
        e.placeAgentInRoom(0, 0);
        const added = e.connectAll();
        for (const d of added) expect(e.grid.get(d.x, d.y)).toBe(door(d.color, S.closed));
      });
      const reach = floodFromAgent(env);
      for (let y = 0; y < env.grid.height; y++) {
        for (let x = 0; x < env.grid.width; x++) {
          if (env.grid.get(x, y) === EMPTY) expect(reach.has(env.grid.index(x, y)), `seed ${seed}: (${x}, ${y}) unreachable`).toBe(true);
        }
      }
      const locked = env.room(2, 2);
      expect(locked.doors.filter((d) => d !== null)).toHaveLength(1);
      expect(env.grid.get(lockedDoor!.x, lockedDoor!.y)).toBe(door(C.yellow, S.locked));
    }
  });

  test("placeInRoom can hide an object in a box", () => {
    const env = rooms({ roomSize: 6, numRows: 1, numCols: 2 }, 2, (e) => {
      e.placeInRoom(0, 0, ball(C.grey));
    });
    let found = 0;
    for (let y = 0; y < 6; y++) for (let x = 0; x < 6; x++) if (env.grid.get(x, y) === ball(C.grey)) found++;
    expect(found).toBe(1);
    const boxed = rooms({ roomSize: 6, numRows: 1, numCols: 2 }, 2, (e) => {
      const [x, y] = e.placeInRoom(0, 0, ball(C.blue), key(C.red));
      expect(e.grid.contents[e.grid.index(x, y)]).toBe(key(C.red));
    });
    expect(boxed.room(0, 0).objs).toEqual([ball(C.blue)]);
  });
});
