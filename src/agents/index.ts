/**
 * The learners a run config can name: one line each. The config union
 * (`LearnerConfig`), `createLearner` and the docs are built from this list.
 */
import { z } from "zod";
import type { RewardedVector } from "../rewards/rewarded.js";
import type { Learner } from "./learner.js";
import { checkRolloutMemory, type RolloutShape, type RolloutSize } from "./memory.js";
import { ippoLearner } from "./independent-ppo.js";
import { mappoLearner } from "./mappo.js";
import { selfPlayLearner } from "./self-play.js";
import { ppoLearner } from "./ppo.js";
import { recurrentPpoLearner } from "./recurrent-ppo.js";
import { reinforceLearner } from "./reinforce.js";
import { qLearningLearner, sarsaLearner } from "./tabular-q.js";

export const LEARNERS = [ppoLearner, recurrentPpoLearner, ippoLearner, mappoLearner, selfPlayLearner, qLearningLearner, sarsaLearner, reinforceLearner] as const;

type Schemas = (typeof LEARNERS)[number]["schema"];

/** A learner and its hyperparameters: `{algo: ppo, learningRate: 3e-4}`. */
export const LearnerConfig = z.discriminatedUnion("algo", LEARNERS.map((l) => l.schema) as unknown as [Schemas, ...Schemas[]]);
export type LearnerConfig = z.output<typeof LearnerConfig>;

const kindOf = (config: { algo: string }) => LEARNERS.find((l) => l.algo === config.algo)!;

export function createLearner(config: LearnerConfig, env: RewardedVector, seed: number): Learner {
  // A rollout too large for memory is a one-line error naming the fields, before anything is allocated.
  checkRolloutMemory(rolloutBytes(config, env.vec));
  return kindOf(config).create(env, config as never, seed);
}

/**
 * The bytes of the learner's rollout buffers, and the rows and config fields
 * behind them; undefined for learners without one (tabular). A config as
 * given (`{algo: ppo}`, a run config's default) is sized with its defaults.
 */
export function rolloutBytes(config: LearnerConfig, shape: RolloutShape): RolloutSize | undefined {
  const kind = kindOf(config);
  return kind.rollout?.(kind.schema.parse(config) as never, shape);
}

/** Throws the one-line `UserError` `createLearner` would, without building anything. */
export function checkLearnerMemory(config: LearnerConfig, shape: RolloutShape): void {
  checkRolloutMemory(rolloutBytes(config, shape));
}

export type { Learner, LearnerKind } from "./learner.js";
