/**
 * What every learner is: an update rule plus its own state, driven by the
 * training loop (`runs/loop.ts`) one environment step at a time:
 *
 *   plan(budget) → start() → repeat { a = actions(); env.step(a); if (observe()) update() }
 *
 * The loop owns the environments' stepping, the reward modules' updates, the
 * episode log, checkpoints and stop signals; a learner owns how it acts and
 * learns. Adding a learner is one file that exports a `LearnerKind` and one
 * line in `agents/index.ts`.
 */
import type { z } from "zod";
import type { Rng } from "../core/rng.js";
import type { VectorEnv } from "../envs/vector.js";
import type { RewardedVector } from "../rewards/rewarded.js";
import type { RolloutShape, RolloutSize } from "./memory.js";

export interface Learner {
  /** The config's `algo`. */
  readonly algo: string;
  readonly env: RewardedVector;
  /** Environment steps taken so far: what the budget counts. */
  readonly globalStep: number;
  /** Called before training toward `totalSteps`; returns the budget the learner will really use (PPO trains whole rollouts). Calling it again with the same budget changes nothing. */
  plan(totalSteps: number): number;
  /** A fresh learner resets its environments (seeded from its own stream); later calls do nothing. */
  start(): void;
  /** The actions to take in the environments' current states, exploration included (a buffer the learner owns). */
  actions(): Int32Array | Float32Array;
  /** Sees the step just taken (`env.rewards`, terminations, final observations); true when the rollout is complete. */
  observe(): boolean;
  /** Learns from the completed rollout and returns its metrics (CleanRL's names). */
  update(): Record<string, number>;
  /**
   * The current policy's actions for observations of n environments (the
   * learner's own, or `options.env` built the same way), with no
   * exploration added on top: a stochastic policy is sampled (or takes its
   * most likely action with `greedy`), a tabular one acts greedily. Samples
   * and tie-breaks come from `rng` when given (an evaluation's own
   * reproducible stream), else from the learner's. With `rng` given, acting
   * leaves the learner's state untouched, so evaluating does not change training.
   */
  act(obs: Float32Array, rng?: Rng, options?: ActOptions): Int32Array | Float32Array;
  /** Parameters, optimizer moments, random streams and counters as plain data, at a rollout boundary. */
  state(): unknown;
  /** Restores `state()` into a learner built with the same config and environment. */
  load(state: unknown): void;
  /**
   * Starts from a previous generation's policy: takes its parameters (a
   * learner of the same kind and shape), keeping its own optimizer, counters
   * and random stream. Learners without it cannot be trained in generations.
   */
  inherit?(previous: Learner): void;
}

export interface ActOptions {
  /** The most likely action instead of a sample. */
  greedy?: boolean;
  /** The environments the observations come from, when not the learner's own (a tabular learner reads their states). */
  env?: VectorEnv;
}

/** A learner as the run config names it: its config schema (with `algo`) and how to build it. */
export interface LearnerKind<S extends z.ZodTypeAny = z.ZodTypeAny> {
  readonly algo: string;
  /** The run config's `learner` section for this algorithm, `algo` included. */
  readonly schema: S;
  readonly description: string;
  create(env: RewardedVector, config: z.output<S>, seed: number): Learner;
  /** The memory its rollout buffers take (checked before anything is allocated); none for learners without one. */
  rollout?(config: z.output<S>, shape: RolloutShape): RolloutSize | undefined;
}

/** Declares a learner kind (keeps the schema's type for the config union). */
export function defineLearner<S extends z.ZodTypeAny>(kind: LearnerKind<S>): LearnerKind<S> {
  return kind;
}
