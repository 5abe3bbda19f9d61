/**
 * ## Description
 * Two rooms joined by a locked door; the red ball in the far room. The key,
 * the door's color, is in the agent's room: lying loose (1Dl) or hidden in a
 * blue box that must be opened (1Dlh); in 1Dlhb a green ball also blocks the
 * door on the agent's side. Fixed colors: the target is red, blockers green,
 * boxes blue; the door's color is random.
 * ## Mission  "pick up the red ball"
 * ## Rewards  1 − 0.9·(t/T) on picking up the red ball, 0 otherwise.
 * ## Termination  picking up the red ball; truncated at T = 4·2·6².
 * ## Registered  ObstructedMaze-1Dl, ObstructedMaze-1Dlh, ObstructedMaze-1Dlhb
 */
import { z } from "zod";
import { defineEnv } from "../../spec.js";
import { GridKwargs } from "../engine.js";
import { agentFeatures, carryingFeatures, doorFeatures, keyFeatures } from "../features.js";
import { C, COLOR_NAMES, DIR_X, DIR_Y, ball, box, key } from "../objects.js";
import { WALL_IDX, type PlacedDoor } from "../roomgrid.js";
import { PickupTask, lockedDoorFeatures, targetFeatures } from "./pickup-target.js";

export const ObstructedMazeKwargs = GridKwargs.extend({
  keyInBox: z.boolean().default(false).describe("hide the key in a box"),
  blocked: z.boolean().default(false).describe("put a ball in front of the door"),
}).strict();

const ROOM_SIZE = 6;
/** Rooms a solution passes through (MiniGrid's num_rooms_visited). */
const ROOMS_VISITED = 2;
const TARGET_COLOR = C.red;
const BLOCKER_COLOR = C.green;
const BOX_COLOR = C.blue;

export class ObstructedMaze extends PickupTask {
  readonly features = [...agentFeatures, ...carryingFeatures, ...keyFeatures, ...doorFeatures, ...lockedDoorFeatures, ...targetFeatures];
  /** The red ball (the only red ball in the layout). */
  override readonly target = ball(TARGET_COLOR);
  /** The door colors of this episode, a random order of all six. */
  doorColors: number[] = [];

  constructor(readonly kwargs: z.output<typeof ObstructedMazeKwargs>) {
    super({ roomSize: ROOM_SIZE, numRows: 1, numCols: 2 }, 4 * ROOMS_VISITED * ROOM_SIZE * ROOM_SIZE, kwargs);
    this.mission = `pick up the ${COLOR_NAMES[TARGET_COLOR]} ball`;
  }

  protected generateTask(): void {
    this.doorColors = this.rng.shuffle(COLOR_NAMES.map((_, c) => c));
    this.addObstructedDoor(0, 0, WALL_IDX.right, this.doorColors[0], true);
    this.addObject(1, 0, "ball", TARGET_COLOR);
    this.placeAgentInRoom(0, 0);
  }

  /**
   * A door on wall `doorIdx` of room (i, j); if `blocked`, a ball in front of
   * it inside the room; if `locked`, its key in the room (in a box with `keyInBox`).
   */
  private addObstructedDoor(i: number, j: number, doorIdx: number, color: number, locked: boolean): PlacedDoor {
    const placed = this.addDoor(i, j, doorIdx, color, locked);
    if (this.kwargs.blocked) this.grid.set(placed.x - DIR_X[doorIdx], placed.y - DIR_Y[doorIdx], ball(BLOCKER_COLOR));
    if (locked) {
      if (this.kwargs.keyInBox) this.placeInRoom(i, j, box(BOX_COLOR), key(placed.color));
      else this.placeInRoom(i, j, key(placed.color));
    }
    return placed;
  }

}

const make = (variant: string, keyInBox: boolean, blocked: boolean) =>
  defineEnv({
    id: `ObstructedMaze-${variant}`,
    family: "grid",
    summary: `two rooms, a locked door${keyInBox ? ", the key in a box" : ""}${blocked ? ", a ball blocking the door" : ""}: pick up the red ball`,
    alias: `MiniGrid-ObstructedMaze-${variant}-v0`,
    kwargs: ObstructedMazeKwargs,
    preset: { keyInBox, blocked },
    create: (k) => new ObstructedMaze(k),
  });

export const obstructedMazeEnvs = [make("1Dl", false, false), make("1Dlh", true, false), make("1Dlhb", true, true)];
