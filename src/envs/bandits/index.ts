import type { EnvSpec } from "../spec.js";

/** Multi-armed and contextual bandits. */
export const banditEnvs: EnvSpec[] = [];
