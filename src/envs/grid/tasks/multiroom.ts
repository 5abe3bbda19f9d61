/**
 * ## Description
 * A chain of 2 to 6 rooms of random sizes, each joined to the next by a
 * closed door of a color different from the previous door's. The agent
 * starts in the first room, the goal is in the last.
 * ## Rewards  1 − 0.9·(t/T) on reaching the goal, 0 otherwise.
 * ## Termination  reaching the goal; truncated at T = 20·maxRooms.
 * ## Registered  MultiRoom-N2-S4, MultiRoom-N4-S5, MultiRoom-N6
 */
import { z } from "zod";
import { defineEnv } from "../../spec.js";
import { GridEnv, GridKwargs } from "../engine.js";
import { agentFeatures, carryingFeatures, doorFeatures, goalFeatures } from "../features.js";
import { COLOR_NAMES, GOAL, S, door } from "../objects.js";

export const MultiRoomKwargs = GridKwargs.extend({
  minRooms: z.number().int().min(1).max(10).default(6).describe("fewest rooms"),
  maxRooms: z.number().int().min(1).max(10).default(6).describe("most rooms"),
  maxRoomSize: z.number().int().min(4).max(10).default(10).describe("largest room side, walls included"),
})
  .strict()
  .refine((k) => k.maxRooms >= k.minRooms, { message: "expected maxRooms ≥ minRooms", path: ["maxRooms"] });

interface Room {
  x: number;
  y: number;
  w: number;
  h: number;
  entryX: number;
  entryY: number;
}

const SIZE = 25;

export class MultiRoom extends GridEnv {
  readonly features = [...agentFeatures, ...carryingFeatures, ...goalFeatures, ...doorFeatures];
  constructor(readonly kwargs: z.output<typeof MultiRoomKwargs>) {
    super(SIZE, SIZE, 20 * kwargs.maxRooms, kwargs);
    this.mission = "traverse the rooms to get to the goal";
  }

  protected generateGrid(): void {
    const { minRooms, maxRooms } = this.kwargs;
    const numRooms = this.randInt(minRooms, maxRooms + 1);
    // Grow chains of rooms from random starts until one is long enough.
    let rooms: Room[] = [];
    while (rooms.length < numRooms) {
      const chain: Room[] = [];
      this.placeRoom(numRooms, chain, 2, this.randInt(0, SIZE - 2), this.randInt(0, SIZE - 2));
      if (chain.length > rooms.length) rooms = chain;
    }
    const g = this.grid;
    let prevColor = -1;
    rooms.forEach((room, idx) => {
      g.horzWall(room.x, room.y, room.w);
      g.horzWall(room.x, room.y + room.h - 1, room.w);
      g.vertWall(room.x, room.y, room.h);
      g.vertWall(room.x + room.w - 1, room.y, room.h);
      if (idx > 0) {
        const colors = COLOR_NAMES.map((_, c) => c).filter((c) => c !== prevColor);
        const color = this.rng.choice(colors);
        g.set(room.entryX, room.entryY, door(color, S.closed));
        prevColor = color;
      }
    });
    const first = rooms[0];
    const last = rooms[rooms.length - 1];
    this.placeAgent([first.x, first.y], [first.w, first.h]);
    this.placeObj(GOAL, [last.x, last.y], [last.w, last.h]);
  }

  /**
   * Places a room entered through (doorX, doorY) on wall `entryWall`
   * (0 right, 1 bottom, 2 left, 3 top), then tries up to 8 exits for the next.
   */
  private placeRoom(numLeft: number, rooms: Room[], entryWall: number, doorX: number, doorY: number): boolean {
    const { maxRoomSize } = this.kwargs;
    const w = this.randInt(4, maxRoomSize + 1);
    const h = this.randInt(4, maxRoomSize + 1);
    let x: number;
    let y: number;
    if (rooms.length === 0) [x, y] = [doorX, doorY];
    else if (entryWall === 0) [x, y] = [doorX - w + 1, this.randInt(doorY - h + 2, doorY)];
    else if (entryWall === 1) [x, y] = [this.randInt(doorX - w + 2, doorX), doorY - h + 1];
    else if (entryWall === 2) [x, y] = [doorX, this.randInt(doorY - h + 2, doorY)];
    else [x, y] = [this.randInt(doorX - w + 2, doorX), doorY];
    if (x < 0 || y < 0 || x + w > SIZE || y + h >= SIZE) return false;
    // Rooms may share walls with the previous one, but not overlap earlier ones.
    for (const r of rooms.slice(0, -1)) {
      const apart = x + w < r.x || r.x + r.w <= x || y + h < r.y || r.y + r.h <= y;
      if (!apart) return false;
    }
    rooms.push({ x, y, w, h, entryX: doorX, entryY: doorY });
    if (numLeft === 1) return true;
    for (let i = 0; i < 8; i++) {
      const exitWall = this.rng.choice([0, 1, 2, 3].filter((k) => k !== entryWall));
      let ex: number;
      let ey: number;
      if (exitWall === 0) [ex, ey] = [x + w - 1, y + this.randInt(1, h - 1)];
      else if (exitWall === 1) [ex, ey] = [x + this.randInt(1, w - 1), y + h - 1];
      else if (exitWall === 2) [ex, ey] = [x, y + this.randInt(1, h - 1)];
      else [ex, ey] = [x + this.randInt(1, w - 1), y];
      if (this.placeRoom(numLeft - 1, rooms, (exitWall + 2) % 4, ex, ey)) break;
    }
    return true;
  }
}

const make = (id: string, rooms: number, maxRoomSize: number) =>
  defineEnv({
    id,
    family: "grid",
    summary: `${rooms} rooms in a chain, joined by closed doors; goal in the last`,
    alias: `MiniGrid-${id}-v0`,
    kwargs: MultiRoomKwargs,
    preset: { minRooms: rooms, maxRooms: rooms, maxRoomSize },
    create: (k) => new MultiRoom(k),
  });

export const multiRoomEnvs = [make("MultiRoom-N2-S4", 2, 4), make("MultiRoom-N4-S5", 4, 5), make("MultiRoom-N6", 6, 10)];
