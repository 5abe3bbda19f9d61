/**
 * Features shared by the room tasks: how far the target object is (for tasks
 * won by picking one up) and how far the locked door is.
 */
import { feature, type Feature } from "../../core.js";
import type { GridEnv } from "../engine.js";
import { S, T, stateOf, typeOf } from "../objects.js";

/** A task won by picking up one object, known by its packed cell (unique in the layout). */
export interface HasTarget {
  /** The target's packed cell (type, color). */
  readonly target: number;
}

/** Manhattan distance from the agent to the nearest cell matching `match`; −1 if none. */
function distanceWhere(e: GridEnv, match: (c: number) => boolean): number {
  const { grid } = e;
  const ax = e.agentX;
  const ay = e.agentY;
  let best = -1;
  for (let y = 0; y < grid.height; y++) {
    const row = grid.index(0, y);
    for (let x = 0; x < grid.width; x++) {
      if (!match(grid.cells[row + x])) continue;
      const d = Math.abs(x - ax) + Math.abs(y - ay);
      if (best < 0 || d < best) best = d;
    }
  }
  return best;
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
