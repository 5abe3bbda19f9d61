/**
 * ## Description
 * UnlockPickup with a ball (of a random color) in front of the door on the
 * agent's side: move the ball, fetch the key, unlock the door, pick up the
 * box. The hands hold one object, so the ball must be put down elsewhere.
 * ## Mission  "pick up the {color} box"
 * ## Rewards  1 − 0.9·(t/T) on picking up the box, 0 otherwise.
 * ## Termination  picking up the box; truncated at T = 16·6².
 * ## Registered  BlockedUnlockPickup
 */
import { defineEnv } from "../../spec.js";
import { GridKwargs } from "../engine.js";
import { agentFeatures, carryingFeatures, doorFeatures, keyFeatures } from "../features.js";
import { A, COLOR_NAMES, ball, colorOf } from "../objects.js";
import { RoomGridEnv, WALL_IDX } from "../roomgrid.js";
import { lockedDoorFeatures, targetFeatures } from "./pickup-target.js";

export const BlockedUnlockPickupKwargs = GridKwargs.extend({}).strict();

const ROOM_SIZE = 6;

export class BlockedUnlockPickup extends RoomGridEnv {
  readonly features = [...agentFeatures, ...carryingFeatures, ...keyFeatures, ...doorFeatures, ...lockedDoorFeatures, ...targetFeatures];
  /** The box to pick up (packed cell; the only box in the layout). */
  target = 0;

  constructor(readonly kwargs: GridKwargs) {
    super({ roomSize: ROOM_SIZE, numRows: 1, numCols: 2 }, 16 * ROOM_SIZE * ROOM_SIZE, kwargs);
  }

  protected generateTask(): void {
    // A box in the right room.
    const { obj } = this.addObject(1, 0, "box");
    // A locked door between the rooms.
    const locked = this.addDoor(0, 0, WALL_IDX.right, undefined, true);
    // A ball blocks the door on the left.
    this.grid.set(locked.x - 1, locked.y, ball(this.randColor()));
    // The key in the left room.
    this.addObject(0, 0, "key", locked.color);
    this.placeAgentInRoom(0, 0);
    this.target = obj;
    this.mission = `pick up the ${COLOR_NAMES[colorOf(obj)]} box`;
  }

  protected override afterStep(action: number, reward: number): number {
    if (action === A.pickup && this.carrying === this.target) return this.succeed();
    return reward;
  }
}

export const blockedUnlockPickupEnvs = [
  defineEnv({
    id: "BlockedUnlockPickup",
    family: "grid",
    summary: "two rooms: move the ball off the locked door, unlock it, pick up the box",
    alias: "MiniGrid-BlockedUnlockPickup-v0",
    kwargs: BlockedUnlockPickupKwargs,
    preset: {},
    create: (k) => new BlockedUnlockPickup(k),
  }),
];
