/**
 * Features shared by the room tasks: how far the target object is (for tasks
 * won by picking one up) and how far the locked door is.
 */
import { feature, type Feature } from "../../core.js";
import type { GridEnv } from "../engine.js";
import { distanceWhere } from "../features.js";
import { A, S, T, stateOf, typeOf } from "../objects.js";
import { RoomGridEnv } from "../roomgrid.js";

/** A task won by picking up one object, known by its packed cell (unique in the layout). */
export interface HasTarget {
  /** The target's packed cell (type, color). */
  readonly target: number;
}

/**
 * A room task won by picking up its target (KeyCorridor, UnlockPickup,
 * BlockedUnlockPickup, ObstructedMaze): success on the pickup of exactly
 * that object, as MiniGrid's `carrying == self.obj`.
 */
export abstract class PickupTask extends RoomGridEnv implements HasTarget {
  target = 0;

  protected override afterStep(action: number, reward: number): number {
    if (action === A.pickup && this.carrying === this.target) return this.succeed();
    return reward;
  }
}

export const targetFeatures: Feature<GridEnv & HasTarget>[] = [
  feature("target.distance", "Manhattan distance from the agent to the target object (0 when carrying it)", (e: GridEnv & HasTarget) => {
    if (e.carrying === e.target) return 0;
    return Math.max(0, distanceWhere(e, (c) => c === e.target));
  }),
];

export const lockedDoorFeatures: Feature<GridEnv>[] = [
  feature("lockedDoor.distance", "Manhattan distance from the agent to the nearest locked door (0 when none is left)", (e: GridEnv) =>
    Math.max(0, distanceWhere(e, (c) => typeOf(c) === T.door && stateOf(c) === S.locked)),
  ),
];
