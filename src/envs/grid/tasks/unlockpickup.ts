/**
 * ## Description
 * Two rooms joined by a locked door; a box in the far room. The key, the
 * door's color, lies in the agent's room. Unlock the door, then pick up the
 * box. Toggling the (empty) box removes it, as in MiniGrid v0: the episode
 * can then only time out.
 * ## Mission  "pick up the {color} box"
 * ## Rewards  1 − 0.9·(t/T) on picking up the box, 0 otherwise.
 * ## Termination  picking up the box; truncated at T = 8·6².
 * ## Registered  UnlockPickup
 */
import { defineEnv } from "../../spec.js";
import { GridKwargs } from "../engine.js";
import { agentFeatures, carryingFeatures, doorFeatures, keyFeatures } from "../features.js";
import { COLOR_NAMES, colorOf } from "../objects.js";
import { WALL_IDX, type PlacedDoor } from "../roomgrid.js";
import { PickupTask, lockedDoorFeatures, targetFeatures } from "./pickup-target.js";

export const UnlockPickupKwargs = GridKwargs.extend({}).strict();

const ROOM_SIZE = 6;

export class UnlockPickup extends PickupTask {
  readonly features = [...agentFeatures, ...carryingFeatures, ...keyFeatures, ...doorFeatures, ...lockedDoorFeatures, ...targetFeatures];

  /** @param stepsPerCell MiniGrid's step limit is this × roomSize² (8 here, 16 for BlockedUnlockPickup). */
  constructor(
    readonly kwargs: GridKwargs,
    stepsPerCell = 8,
  ) {
    super({ roomSize: ROOM_SIZE, numRows: 1, numCols: 2 }, stepsPerCell * ROOM_SIZE * ROOM_SIZE, kwargs);
  }

  protected generateTask(): void {
    // A box in the right room.
    const { obj } = this.addObject(1, 0, "box");
    // A locked door between the rooms, its key in the left room.
    const locked = this.addDoor(0, 0, WALL_IDX.right, undefined, true);
    this.obstruct(locked);
    this.addObject(0, 0, "key", locked.color);
    this.placeAgentInRoom(0, 0);
    this.target = obj;
    this.mission = `pick up the ${COLOR_NAMES[colorOf(obj)]} box`;
  }

  /** Puts something in the way of the locked door (BlockedUnlockPickup); nothing here. */
  protected obstruct(_door: PlacedDoor): void {}
}

export const unlockPickupEnvs = [
  defineEnv({
    id: "UnlockPickup",
    family: "grid",
    summary: "two rooms: unlock the door, pick up the box behind it",
    alias: "MiniGrid-UnlockPickup-v0",
    kwargs: UnlockPickupKwargs,
    preset: {},
    create: (k) => new UnlockPickup(k),
  }),
];
