/**
 * A multi-agent environment's registration, as `EnvSpec` for single-agent
 * ones: an id, keyword arguments as a zod schema (with defaults), preset
 * values for registered variants, a factory of `MultiAgentCore`s and,
 * optionally, of batched vectors.
 */
import type { z } from "zod";
import type { MultiAgentCore } from "./core.js";
import type { ParallelVectorEnv } from "./vector.js";

export type ParallelEnvFamily = "social";

export interface ParallelEnvSpec<K extends z.ZodType = z.ZodType> {
  readonly id: string;
  readonly family: ParallelEnvFamily;
  /** One line for `envs list`. */
  readonly summary: string;
  readonly kwargs: K;
  readonly preset?: Record<string, unknown>;
  create(kwargs: z.output<K>): MultiAgentCore;
  /** A batch of n stepped in one flat loop, when the environment has one (it must step exactly as n `create`d cores would). */
  vector?(kwargs: z.output<K>, n: number): ParallelVectorEnv;
}

export function defineParallelEnv<K extends z.ZodType>(spec: ParallelEnvSpec<K>): ParallelEnvSpec {
  return spec as unknown as ParallelEnvSpec;
}
