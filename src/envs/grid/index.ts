import type { EnvSpec } from "../spec.js";
import { crossingEnvs } from "./tasks/crossing.js";
import { deceptiveMazeEnvs } from "./tasks/deceptive-maze.js";
import { distShiftEnvs } from "./tasks/distshift.js";
import { doorKeyEnvs } from "./tasks/doorkey.js";
import { dynamicObstaclesEnvs } from "./tasks/dynamic.js";
import { emptyEnvs } from "./tasks/empty.js";
import { fourRoomsEnvs } from "./tasks/fourrooms.js";
import { goToEnvs } from "./tasks/goto.js";
import { lavaGapEnvs } from "./tasks/lavagap.js";
import { memoryEnvs } from "./tasks/memory.js";
import { multiRoomEnvs } from "./tasks/multiroom.js";
import { keyCorridorEnvs } from "./tasks/keycorridor.js";
import { unlockEnvs } from "./tasks/unlock.js";
import { unlockPickupEnvs } from "./tasks/unlockpickup.js";
import { blockedUnlockPickupEnvs } from "./tasks/blockedunlockpickup.js";
import { obstructedMazeEnvs } from "./tasks/obstructedmaze.js";
import { tamperingEnvs } from "./tasks/tampering.js";

/** Gridworlds with MiniGrid semantics. */
export const gridEnvs: EnvSpec[] = [
  ...emptyEnvs,
  ...fourRoomsEnvs,
  ...doorKeyEnvs,
  ...multiRoomEnvs,
  ...crossingEnvs,
  ...lavaGapEnvs,
  ...keyCorridorEnvs,
  ...unlockEnvs,
  ...unlockPickupEnvs,
  ...blockedUnlockPickupEnvs,
  ...obstructedMazeEnvs,
  ...memoryEnvs,
  ...goToEnvs,
  ...distShiftEnvs,
  ...dynamicObstaclesEnvs,
  ...deceptiveMazeEnvs,
  ...tamperingEnvs,
];

export { GridEnv, GridKwargs, PlacementError } from "./engine.js";
export { Grid } from "./grid.js";
export { A, C, S, T, ACTION_NAMES, COLOR_NAMES, TYPE_NAMES } from "./objects.js";
export { GRID_EVENTS } from "./events.js";
