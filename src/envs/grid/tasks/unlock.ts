/**
 * ## Description
 * Two rooms joined by a locked door. The key, the door's color, lies in the
 * agent's room. Pick it up and open the door.
 * ## Mission  "open the door"
 * ## Rewards  1 − 0.9·(t/T) when a toggle opens the door, 0 otherwise.
 * ## Termination  the door opens; truncated at T = 8·6².
 * ## Registered  Unlock
 */
import { defineEnv } from "../../spec.js";
import { GridKwargs } from "../engine.js";
import { agentFeatures, carryingFeatures, doorFeatures, keyFeatures } from "../features.js";
import { A, S, stateOf } from "../objects.js";
import { RoomGridEnv, WALL_IDX } from "../roomgrid.js";
import { lockedDoorFeatures } from "./pickup-target.js";

export const UnlockKwargs = GridKwargs.extend({}).strict();

const ROOM_SIZE = 6;

export class Unlock extends RoomGridEnv {
  readonly features = [...agentFeatures, ...carryingFeatures, ...keyFeatures, ...doorFeatures, ...lockedDoorFeatures];
  /** Grid index of the locked door. */
  doorIndex = -1;

  constructor(readonly kwargs: GridKwargs) {
    super({ roomSize: ROOM_SIZE, numRows: 1, numCols: 2 }, 8 * ROOM_SIZE * ROOM_SIZE, kwargs);
    this.mission = "open the door";
  }

  protected generateTask(): void {
    // A locked door between the two rooms.
    const locked = this.addDoor(0, 0, WALL_IDX.right, undefined, true);
    // Its key in the left room, with the agent.
    this.addObject(0, 0, "key", locked.color);
    this.placeAgentInRoom(0, 0);
    this.doorIndex = this.grid.index(locked.x, locked.y);
  }

  protected override afterStep(action: number, reward: number): number {
    if (action === A.toggle && stateOf(this.grid.cells[this.doorIndex]) === S.open) return this.succeed();
    return reward;
  }
}

export const unlockEnvs = [
  defineEnv({
    id: "Unlock",
    family: "grid",
    summary: "two rooms: pick up the key and open the locked door",
    alias: "MiniGrid-Unlock-v0",
    kwargs: UnlockKwargs,
    preset: {},
    create: (k) => new Unlock(k),
  }),
];
