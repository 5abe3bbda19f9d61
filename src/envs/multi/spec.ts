/**
 * A multi-agent environment's registration, as `EnvSpec` for single-agent
 * ones: an id, keyword arguments as a zod schema (with defaults), preset
 * values for registered variants, and a factory of `MultiAgentCore`s.
 */
import type { z } from "zod";
import type { MultiAgentCore } from "./core.js";

export type ParallelEnvFamily = "social";

export interface ParallelEnvSpec<K extends z.ZodType = z.ZodType> {
  readonly id: string;
  readonly family: ParallelEnvFamily;
  /** One line for `envs list`. */
  readonly summary: string;
  readonly kwargs: K;
  readonly preset?: Record<string, unknown>;
  create(kwargs: z.output<K>): MultiAgentCore;
}

export function defineParallelEnv<K extends z.ZodType>(spec: ParallelEnvSpec<K>): ParallelEnvSpec {
  return spec as unknown as ParallelEnvSpec;
}
