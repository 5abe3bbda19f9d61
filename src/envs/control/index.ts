import type { EnvSpec } from "../spec.js";

/** Classic control environments (Gymnasium's dynamics). */
export const controlEnvs: EnvSpec[] = [];
