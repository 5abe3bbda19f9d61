/**
 * A grid of rooms (MiniGrid's RoomGrid): `numRows × numCols` square rooms of
 * side `roomSize` (walls included) that share their walls, so the grid is
 * (roomSize − 1)·numCols + 1 wide and (roomSize − 1)·numRows + 1 high.
 *
 * Each wall shared by two rooms has one door position, drawn at random along
 * the wall when the layout starts; tasks put doors there (`addDoor`), knock
 * the wall down (`removeWall`), drop objects into rooms (`addObject`), place
 * the agent (`placeAgentInRoom`) and join every room to the agent's
 * (`connectAll`). Rooms are addressed (i, j) = (column, row), as in MiniGrid.
 *
 * Before the task runs, the agent stands in the middle of the middle room
 * facing east: objects are kept off that cell and its four neighbours
 * (MiniGrid's reject_next_to) until the task places the agent for real.
 */
import type { GridKwargs } from "./engine.js";
import { GridEnv, PlacementError } from "./engine.js";
import { COLOR_NAMES, EMPTY, S, T, ball, box, door, key, typeOf } from "./objects.js";

/** Walls and doors of a room, in MiniGrid's order: right, down, left, up. */
export const WALL_IDX = { right: 0, down: 1, left: 2, up: 3 } as const;

export type ObjectKind = "key" | "ball" | "box";
const KINDS: readonly ObjectKind[] = ["key", "ball", "box"];

/** A door a task added: where it is, its color, and whether it started locked. */
export interface PlacedDoor {
  x: number;
  y: number;
  color: number;
  locked: boolean;
}

/** An opening between two rooms: a door, or a wall taken down ("gap"). */
export type Opening = PlacedDoor | "gap";

export class Room {
  /** Door positions on each wall (right, down, left, up); null on the grid's outer walls. */
  readonly doorPos: ([number, number] | null)[] = [null, null, null, null];
  /** The room on the other side of each wall. */
  readonly neighbors: (Room | null)[] = [null, null, null, null];
  /** What joins this room to each neighbour, if anything. */
  readonly doors: (Opening | null)[] = [null, null, null, null];
  /** Set by `addDoor` (MiniGrid's flag: the last door added from this room was locked). `connectAll` leaves such rooms alone. */
  locked = false;
  /** Packed cells of the objects placed in the room. */
  readonly objs: number[] = [];

  constructor(
    readonly i: number,
    readonly j: number,
    readonly top: [number, number],
    readonly size: [number, number],
  ) {}

  /** True if (x, y) lies in the room, walls included. */
  contains(x: number, y: number): boolean {
    return x >= this.top[0] && y >= this.top[1] && x < this.top[0] + this.size[0] && y < this.top[1] + this.size[1];
  }
}

export interface RoomGridShape {
  roomSize: number;
  numRows: number;
  numCols: number;
}

export abstract class RoomGridEnv extends GridEnv {
  readonly roomSize: number;
  readonly numRows: number;
  readonly numCols: number;
  /** rooms[j][i]: row j, column i. Rebuilt at every reset. */
  rooms: Room[][] = [];

  constructor(shape: RoomGridShape, defaultMaxSteps: number, kwargs: GridKwargs, options: { numActions?: number; missionSize?: number } = {}) {
    const { roomSize, numRows, numCols } = shape;
    if (!(Number.isInteger(roomSize) && roomSize >= 3)) throw new RangeError(`roomSize: expected an integer ≥ 3, got ${roomSize}`);
    if (!(Number.isInteger(numRows) && numRows >= 1)) throw new RangeError(`numRows: expected an integer ≥ 1, got ${numRows}`);
    if (!(Number.isInteger(numCols) && numCols >= 1)) throw new RangeError(`numCols: expected an integer ≥ 1, got ${numCols}`);
    super((roomSize - 1) * numCols + 1, (roomSize - 1) * numRows + 1, defaultMaxSteps, kwargs, options);
    this.roomSize = roomSize;
    this.numRows = numRows;
    this.numCols = numCols;
  }

  /** Lays out the task on the fresh rooms (doors, objects, the agent). */
  protected abstract generateTask(): void;

  protected generateGrid(): void {
    const { roomSize: s, numRows, numCols } = this;
    // Every room's outline; neighbours share walls.
    this.rooms = [];
    for (let j = 0; j < numRows; j++) {
      const row: Room[] = [];
      for (let i = 0; i < numCols; i++) {
        const room = new Room(i, j, [i * (s - 1), j * (s - 1)], [s, s]);
        this.grid.wallRect(room.top[0], room.top[1], s, s);
        row.push(room);
      }
      this.rooms.push(row);
    }
    // One door position per shared wall, anywhere but its ends. The right and
    // bottom walls are drawn here; the left and top copy the neighbour's.
    for (let j = 0; j < numRows; j++) {
      for (let i = 0; i < numCols; i++) {
        const room = this.rooms[j][i];
        const [xl, yl] = [room.top[0] + 1, room.top[1] + 1];
        const [xm, ym] = [room.top[0] + s - 1, room.top[1] + s - 1];
        if (i < numCols - 1) {
          room.neighbors[0] = this.rooms[j][i + 1];
          room.doorPos[0] = [xm, this.randInt(yl, ym)];
        }
        if (j < numRows - 1) {
          room.neighbors[1] = this.rooms[j + 1][i];
          room.doorPos[1] = [this.randInt(xl, xm), ym];
        }
        if (i > 0) {
          room.neighbors[2] = this.rooms[j][i - 1];
          room.doorPos[2] = room.neighbors[2].doorPos[0];
        }
        if (j > 0) {
          room.neighbors[3] = this.rooms[j - 1][i];
          room.doorPos[3] = room.neighbors[3].doorPos[1];
        }
      }
    }
    // The agent starts in the middle of the middle room, facing east.
    const mid = (n: number) => (n >> 1) * (s - 1) + (s >> 1);
    this.setAgent(mid(numCols), mid(numRows), 0);
    this.generateTask();
  }

  // ── rooms ────────────────────────────────────────────────────────────────
  room(i: number, j: number): Room {
    if (!(i >= 0 && i < this.numCols && j >= 0 && j < this.numRows)) {
      throw new RangeError(`room (${i}, ${j}): expected 0 ≤ i < ${this.numCols}, 0 ≤ j < ${this.numRows}`);
    }
    return this.rooms[j][i];
  }

  /** The room a cell belongs to (a shared wall belongs to the room right of / below it). */
  roomFromPos(x: number, y: number): Room {
    const i = Math.min(Math.floor(x / (this.roomSize - 1)), this.numCols - 1);
    const j = Math.min(Math.floor(y / (this.roomSize - 1)), this.numRows - 1);
    return this.room(i, j);
  }

  // ── random draws (MiniGrid's _rand_color, _rand_bool, _rand_elem) ────────
  protected randColor(): number {
    return this.randInt(0, COLOR_NAMES.length);
  }
  protected randBool(): boolean {
    return this.randInt(0, 2) === 0;
  }
  protected randElem<V>(items: readonly V[]): V {
    return items[this.randInt(0, items.length)];
  }

  // ── layout helpers ───────────────────────────────────────────────────────
  /**
   * Puts a door on wall `doorIdx` of room (i, j) (a random wall with a
   * neighbour and no door if absent), of a random color and randomly locked
   * unless given. Marks the room `locked` as MiniGrid does.
   */
  addDoor(i: number, j: number, doorIdx?: number, color?: number, locked?: boolean): PlacedDoor {
    const room = this.room(i, j);
    if (doorIdx === undefined) {
      if (!room.neighbors.some((n, k) => n !== null && room.doors[k] === null)) throw new PlacementError(`room (${i}, ${j}) has no wall left for a door`);
      do doorIdx = this.randInt(0, 4);
      while (room.neighbors[doorIdx] === null || room.doors[doorIdx] !== null);
    }
    color ??= this.randColor();
    locked ??= this.randBool();
    const pos = room.doorPos[doorIdx];
    const neighbor = room.neighbors[doorIdx];
    if (!pos || !neighbor) throw new RangeError(`room (${i}, ${j}) has no neighbour on wall ${doorIdx}`);
    if (room.doors[doorIdx] !== null) throw new RangeError(`room (${i}, ${j}) already has a door on wall ${doorIdx}`);
    room.locked = locked;
    const placed: PlacedDoor = { x: pos[0], y: pos[1], color, locked };
    this.grid.set(pos[0], pos[1], door(color, locked ? S.locked : S.closed));
    room.doors[doorIdx] = placed;
    neighbor.doors[(doorIdx + 2) % 4] = placed;
    return placed;
  }

  /** Takes down the wall between room (i, j) and its neighbour on `wallIdx`, corners kept. */
  removeWall(i: number, j: number, wallIdx: number): void {
    const room = this.room(i, j);
    const neighbor = room.neighbors[wallIdx];
    if (!neighbor) throw new RangeError(`room (${i}, ${j}) has no neighbour on wall ${wallIdx}`);
    if (room.doors[wallIdx] !== null) throw new RangeError(`room (${i}, ${j}) has a door on wall ${wallIdx}`);
    const [tx, ty] = room.top;
    const [w, h] = room.size;
    if (wallIdx === 0) this.grid.vertWall(tx + w - 1, ty + 1, h - 2, EMPTY);
    else if (wallIdx === 1) this.grid.horzWall(tx + 1, ty + h - 1, w - 2, EMPTY);
    else if (wallIdx === 2) this.grid.vertWall(tx, ty + 1, h - 2, EMPTY);
    else this.grid.horzWall(tx + 1, ty, w - 2, EMPTY);
    room.doors[wallIdx] = "gap";
    neighbor.doors[(wallIdx + 2) % 4] = "gap";
  }

  /**
   * Places `obj` (holding `contents`, for a box) in room (i, j), not on or
   * next to the agent (MiniGrid's place_in_room: 1000 tries). Returns its cell.
   */
  placeInRoom(i: number, j: number, obj: number, contents = 0): [number, number] {
    const room = this.room(i, j);
    const pos = this.placeObj(obj, room.top, room.size, (x, y) => this.nextToAgent(x, y), 1000, contents);
    room.objs.push(obj);
    return pos;
  }

  /** Adds a key, ball or box (random kind and color unless given) to room (i, j). */
  addObject(i: number, j: number, kind?: ObjectKind, color?: number): { obj: number; x: number; y: number } {
    kind ??= this.randElem(KINDS);
    color ??= this.randColor();
    const obj = kind === "key" ? key(color) : kind === "ball" ? ball(color) : box(color);
    const [x, y] = this.placeInRoom(i, j, obj);
    return { obj, x, y };
  }

  /** MiniGrid's reject_next_to: within one step of the agent (or on it). */
  private nextToAgent(x: number, y: number): boolean {
    if (this.agentIndex < 0) return false;
    return Math.abs(this.agentX - x) + Math.abs(this.agentY - y) < 2;
  }

  /**
   * Places the agent in room (i, j) (random if absent), facing a random
   * direction unless `randDir` is false, redrawn until the cell in front is
   * empty or a wall (MiniGrid's RoomGrid.place_agent).
   */
  placeAgentInRoom(i?: number, j?: number, randDir = true): [number, number] {
    i ??= this.randInt(0, this.numCols);
    j ??= this.randInt(0, this.numRows);
    const room = this.room(i, j);
    for (let tries = 0; tries < 10_000; tries++) {
      const pos = this.placeAgent(room.top, room.size, randDir, 1000);
      const front = this.grid.cells[this.frontIndex];
      if (front === EMPTY || typeOf(front) === T.wall) return pos;
    }
    throw new PlacementError(`no cell in room (${i}, ${j}) faces an empty cell or a wall`);
  }

  /**
   * Adds unlocked doors (colors drawn from `doorColors`) between random rooms
   * until every room is reachable from the agent's; rooms marked `locked` get
   * none. Returns the doors added.
   */
  connectAll(doorColors: readonly number[] = COLOR_NAMES.map((_, c) => c), maxIters = 5000): PlacedDoor[] {
    const start = this.roomFromPos(this.agentX, this.agentY);
    const total = this.numRows * this.numCols;
    const added: PlacedDoor[] = [];
    for (let iters = 0; this.reachableRooms(start).size < total; iters++) {
      if (iters >= maxIters) throw new PlacementError("connectAll failed to join every room");
      const i = this.randInt(0, this.numCols);
      const j = this.randInt(0, this.numRows);
      const k = this.randInt(0, 4);
      const room = this.room(i, j);
      const neighbor = room.neighbors[k];
      if (!neighbor || room.doors[k] !== null) continue;
      if (room.locked || neighbor.locked) continue;
      added.push(this.addDoor(i, j, k, this.randElem(doorColors), false));
    }
    return added;
  }

  /** The rooms joined to `start` by doors (of any state) and gaps. */
  reachableRooms(start: Room): Set<Room> {
    const reach = new Set<Room>();
    const stack = [start];
    while (stack.length > 0) {
      const room = stack.pop()!;
      if (reach.has(room)) continue;
      reach.add(room);
      for (let k = 0; k < 4; k++) if (room.doors[k] !== null) stack.push(room.neighbors[k]!);
    }
    return reach;
  }
}
