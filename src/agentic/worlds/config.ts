/**
 * `rewardlab agent run CONFIG`: which text world, under which reward, and
 * how the episodes are played.
 *
 * ```yaml
 * env: {id: DoorKey-5x5}
 * reward: examples/rewards/doorkey-potential.yaml   # per-turn rewards (default: the task's own)
 * episodes: 8
 * seed: 0            # episode k is reset with seed + ⌊k / group⌋
 * group: 1           # episodes per task, for GRPO/RLOO
 * credit: {estimator: rloo, rewards: dense}   # optional: metadata.turnAdvantages
 * maxTurns: 40
 * concurrency: 4     # episodes (requests) at once
 * temperature: 0.7
 * attempts: 1       # > 1: a reflection after each failed attempt starts the next
 * ```
 */
import { dirname, resolve } from "node:path";
import { z } from "zod";
import { loadConfigFile, readConfigFile } from "../../core/config.js";

export const AgentRunConfig = z
  .object({
    env: z.object({ id: z.string().min(1), kwargs: z.record(z.string(), z.unknown()).default({}) }).strict(),
    reward: z.union([z.string().min(1), z.record(z.string(), z.unknown())]).optional().describe("a reward spec, or the path of one (relative to the config): each turn's reward"),
    episodes: z.number().int().min(1).max(100_000).default(8),
    seed: z.number().int().nonnegative().default(0).describe("episode k is reset with seed + ⌊k / group⌋"),
    group: z.number().int().min(1).max(1024).default(1).describe("episodes per task (the same seed): a group for GRPO and RLOO"),
    credit: z
      .object({
        estimator: z.enum(["grpo", "rloo", "dr-grpo", "reinforce-baseline"]).default("rloo"),
        rewards: z.enum(["dense", "sparse"]).default("dense").describe("dense: the turn rewards too; sparse: the task's outcome only"),
        alpha: z.number().default(1).describe("weight of the turn advantages (dense)"),
        gamma: z.number().min(0).max(1).default(1),
      })
      .strict()
      .optional()
      .describe("write each turn's advantage (metadata.turnAdvantages), episodes grouped by task"),
    maxTurns: z.number().int().min(1).max(100_000).default(50).describe("assistant turns per episode at most"),
    concurrency: z.number().int().min(1).max(1024).default(4).describe("episodes played at once (requests in flight)"),
    temperature: z.number().min(0).max(2).optional(),
    maxTokens: z.number().int().min(1).optional().describe("tokens a reply may have"),
    tokenBudget: z.number().int().min(1).optional().describe("completion tokens an episode may spend in all"),
    timeLimitSeconds: z.number().positive().optional().describe("seconds an episode may take"),
    attempts: z.number().int().min(1).max(100).default(1).describe("tries per task; after a failed one the model writes a reflection that starts the next (Reflexion)"),
  })
  .strict();
export type AgentRunConfig = z.output<typeof AgentRunConfig>;

/** The config at `file`, its reward read when it is a path (relative to the config's folder). */
export function loadAgentRunConfig(file: string): AgentRunConfig {
  const config = loadConfigFile(file, AgentRunConfig);
  if (typeof config.reward === "string") config.reward = readConfigFile(resolve(dirname(file), config.reward)) as Record<string, unknown>;
  return config;
}
