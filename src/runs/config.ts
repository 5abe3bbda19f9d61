/**
 * The run config: an environment, a reward design (inline or a file), a
 * learner and its hyperparameters, a budget and seeds. YAML, JSON or
 * TypeScript; `rewardlab schema run` prints its JSON Schema.
 *
 * ```yaml
 * name: doorkey-potential
 * env: {id: DoorKey-8x8}
 * numEnvs: 8
 * reward: examples/rewards/doorkey-potential.yaml
 * learner: {algo: ppo, numSteps: 128}
 * steps: 500000
 * seeds: [0, 1]
 * ```
 */
import { dirname, resolve } from "node:path";
import { z } from "zod";
import { LearnerConfig } from "../agents/index.js";
import { inFile, parseConfig, readConfigFile } from "../core/config.js";
import { resolveLearnedModels } from "../rewards/make.js";
import { RewardSpec } from "../rewards/spec.js";
import { EnvConfig } from "../envs/config.js";
import { CurriculumConfig } from "../curricula/index.js";

export { EnvConfig };

/** 2³¹: training resets draw their seeds below it, so evaluation episodes from here on are never training's. */
export const EVALUATION_SEED = 2 ** 31;

export const EvaluationConfig = z
  .object({
    episodes: z.number().int().min(0).max(100_000).default(32).describe("episodes per evaluation and policy (0: no evaluation; tables then use the last training episodes)"),
    every: z.number().int().min(0).default(0).describe("also evaluate every this many environment steps during training (0: only at the end)"),
    seed: z.number().int().nonnegative().default(EVALUATION_SEED).describe("evaluation episode k resets its environment with seed + k: the same episodes for every design and run seed, none of them training's"),
    policies: z
      .array(z.enum(["sampled", "greedy"]))
      .min(1)
      .default(["sampled", "greedy"])
      .describe("how the policy acts: sampled from π, or its most likely action; tables report the first"),
    kwargs: z.record(z.string(), z.unknown()).optional().describe("environment keyword arguments for evaluation, over env.kwargs: e.g. {split: test} evaluates a universe run on its held-out tasks"),
  })
  .strict();
export type EvaluationConfig = z.output<typeof EvaluationConfig>;

export const RunConfig = z
  .object({
    name: z.string().min(1).optional().describe("a name for the run (defaults from the env and reward)"),
    env: EnvConfig,
    numEnvs: z.number().int().min(1).max(4096).default(8).describe("environments stepped together"),
    reward: z.union([z.string().min(1), RewardSpec]).default({ terms: [{ kind: "task" }] } as never).describe("a reward spec, or the path of a YAML/JSON spec file"),
    learner: LearnerConfig.default({ algo: "ppo" } as never).describe("the learning algorithm and its hyperparameters"),
    steps: z.number().int().positive().default(100_000).describe("environment steps per run"),
    seeds: z.array(z.number().int().nonnegative()).min(1).default([0]).describe("one run per seed"),
    successThreshold: z.number().min(0).max(1).default(0.9).describe("success rate over recent episodes that counts as solved"),
    window: z.number().int().positive().default(50).describe("episodes in the moving window for success and returns"),
    evaluation: EvaluationConfig.prefault({}).describe("evaluation episodes on held-out seeds, separate from training: what comparison tables report"),
    curriculum: CurriculumConfig.optional().describe("universe environments: how each trial's task is chosen as the learner improves (default: uniformly from the split)"),
    checkpoint: z
      .object({
        seconds: z.number().nonnegative().optional().describe("save a checkpoint at least this often, in seconds of training (default 10; 0: every iteration)"),
        steps: z.number().int().positive().optional().describe("and every this many environment steps (default: a tenth of the budget)"),
        keep: z.boolean().optional().describe("keep every checkpoint, not only the latest: the run's earlier policies can then play as scenario backgrounds (run:ID@STEP)"),
      })
      .strict()
      .optional()
      .describe("how often a recorded run is checkpointed; a killed run resumes from its last checkpoint"),
  })
  .strict();
export type RunConfig = z.output<typeof RunConfig>;

/** Loads a run config file; a reward given as a path is read relative to the config's folder. */
export function loadRunConfig(file: string): RunConfig {
  const config = inFile(file, () => parseConfig(RunConfig, readConfigFile(file), ""));
  return resolveReward(config, dirname(resolve(file)));
}

/**
 * Reads a reward spec given as a path, and the learned reward models its
 * terms name by path (relative to the file that names them), so the config
 * holds everything itself and a stored run is self-contained.
 */
export function resolveReward(config: RunConfig, baseDir = process.cwd()): RunConfig {
  let reward: unknown = config.reward;
  let dir = baseDir;
  if (typeof reward === "string") {
    const path = resolve(baseDir, reward);
    reward = readConfigFile(path);
    dir = dirname(path);
  }
  return { ...config, reward: resolveLearnedModels(reward, dir) as RunConfig["reward"] };
}

/** The configs whose JSON Schema `rewardlab schema NAME` prints. */
export const SCHEMAS: Record<string, z.ZodType> = { run: RunConfig, reward: RewardSpec };
