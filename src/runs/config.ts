/**
 * The run config: which environment, how many copies, which seeds. Training
 * settings (learner, reward spec, budget) join it as those parts land.
 * `rewardlab schema run` prints its JSON Schema.
 */
import { z } from "zod";
import { RewardSpec } from "../rewards/spec.js";

export const EnvConfig = z
  .object({
    id: z.string().describe("environment id, see `rewardlab envs list`"),
    kwargs: z.record(z.string(), z.unknown()).default({}).describe("keyword arguments over the registered variant's"),
  })
  .strict();
export type EnvConfig = z.output<typeof EnvConfig>;

export const RunConfig = z
  .object({
    env: EnvConfig,
    numEnvs: z.number().int().min(1).max(4096).default(8).describe("environments stepped together"),
    seeds: z.array(z.number().int().nonnegative()).min(1).default([0]).describe("one run per seed"),
    steps: z.number().int().positive().default(100_000).describe("environment steps per run"),
  })
  .strict();
export type RunConfig = z.output<typeof RunConfig>;

/** The configs whose JSON Schema `rewardlab schema NAME` prints. */
export const SCHEMAS: Record<string, z.ZodType> = { run: RunConfig, reward: RewardSpec };
