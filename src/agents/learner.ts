/**
 * What every learner offers a run: train for a budget, reporting each
 * iteration's metrics and the episodes that ended. `createLearner` builds one
 * from a run config's `learner` section.
 */
import type { Rng } from "../core/rng.js";
import { z } from "zod";
import type { RewardedVector } from "../rewards/rewarded.js";
import type { EpisodeRecord } from "./episodes.js";
import { checkRolloutMemory } from "./memory.js";
import { Ppo, PpoConfig } from "./ppo.js";
import { Reinforce, ReinforceConfig } from "./reinforce.js";
import { TabularQ, TabularQConfig } from "./tabular-q.js";

/** A learner and its hyperparameters: `{algo: ppo, learningRate: 3e-4}`. */
export const LearnerConfig = z.discriminatedUnion("algo", [
  PpoConfig.extend({ algo: z.literal("ppo") }).strict(),
  TabularQConfig.omit({ algorithm: true }).extend({ algo: z.literal("q-learning") }).strict(),
  TabularQConfig.omit({ algorithm: true }).extend({ algo: z.literal("sarsa") }).strict(),
  ReinforceConfig.extend({ algo: z.literal("reinforce") }).strict(),
]);
export type LearnerConfig = z.output<typeof LearnerConfig>;

export interface Learner {
  readonly globalStep: number;
  /** Trains until `totalSteps` environment steps; `onIteration` returning false stops early. */
  train(totalSteps: number, onIteration?: (metrics: Record<string, number>, episodes: EpisodeRecord[]) => boolean | void): void;
  /**
   * The current policy's actions for the observations of the learner's own
   * environments (n rows, in their current states), with no exploration
   * added on top: a stochastic policy is sampled, a tabular one acts greedily.
   * Samples come from `rng` when given (a caller that needs its own
   * reproducible stream), else from the learner's.
   */
  act(obs: Float32Array, rng?: Rng): Int32Array | Float32Array;
  /** Everything needed to continue exactly (parameters, optimizer, random streams, environments), JSON-ready. */
  checkpoint?(): unknown;
  /** Restores a checkpoint into a learner built with the same config and environment. */
  restore?(state: unknown): void;
}

export function createLearner(config: LearnerConfig, env: RewardedVector, seed: number): Learner {
  // A rollout too large for memory is a one-line error naming the fields, before anything is allocated.
  checkRolloutMemory(config, env.vec);
  const { algo, ...rest } = config;
  switch (algo) {
    case "ppo":
      return new Ppo(env, rest, seed);
    case "q-learning":
    case "sarsa":
      return new TabularQ(env, { ...rest, algorithm: algo }, seed);
    case "reinforce":
      return new Reinforce(env, rest, seed);
  }
}
