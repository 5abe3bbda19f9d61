import type { EnvSpec } from "../spec.js";

/** Gridworlds with MiniGrid semantics. */
export const gridEnvs: EnvSpec[] = [];
