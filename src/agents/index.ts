/**
 * The learners a run config can name: one line each. The config union
 * (`LearnerConfig`), `createLearner` and the docs are built from this list.
 */
import { z } from "zod";
import type { RewardedVector } from "../rewards/rewarded.js";
import type { Learner } from "./learner.js";
import { checkRolloutMemory } from "./memory.js";
import { ppoLearner } from "./ppo.js";
import { reinforceLearner } from "./reinforce.js";
import { qLearningLearner, sarsaLearner } from "./tabular-q.js";

export const LEARNERS = [ppoLearner, qLearningLearner, sarsaLearner, reinforceLearner] as const;

type Schemas = (typeof LEARNERS)[number]["schema"];

/** A learner and its hyperparameters: `{algo: ppo, learningRate: 3e-4}`. */
export const LearnerConfig = z.discriminatedUnion("algo", LEARNERS.map((l) => l.schema) as unknown as [Schemas, ...Schemas[]]);
export type LearnerConfig = z.output<typeof LearnerConfig>;

export function createLearner(config: LearnerConfig, env: RewardedVector, seed: number): Learner {
  // A rollout too large for memory is a one-line error naming the fields, before anything is allocated.
  checkRolloutMemory(config, env.vec);
  const kind = LEARNERS.find((l) => l.algo === config.algo)!;
  return kind.create(env, config as never, seed);
}

export type { Learner, LearnerKind } from "./learner.js";
