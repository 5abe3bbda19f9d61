import type { EnvSpec } from "../spec.js";
import { doorKeyEnvs } from "./tasks/doorkey.js";
import { emptyEnvs } from "./tasks/empty.js";

/** Gridworlds with MiniGrid semantics. */
export const gridEnvs: EnvSpec[] = [...emptyEnvs, ...doorKeyEnvs];

export { GridEnv, GridKwargs, PlacementError } from "./engine.js";
export { Grid } from "./grid.js";
export { A, C, S, T, ACTION_NAMES, COLOR_NAMES, TYPE_NAMES } from "./objects.js";
export { GRID_EVENTS } from "./events.js";
