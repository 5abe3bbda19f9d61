/**
 * What a reward program reads each step, for n environments at once. The
 * arrays are fixed references: a program binds to them once and reads them
 * after every step.
 */
import type { ExprInputs } from "./expr/index.js";

export interface RewardBatch extends ExprInputs {
  readonly n: number;
  /** Observation size, and s and s′ observations (n × obsSize), filled only when a term needs them. */
  readonly obsSize: number;
  readonly obs?: Float32Array;
  readonly nextObs?: Float32Array;
  /** Steps taken so far in each environment's current episode (1 on its first step). */
  readonly episodeStep: Float64Array;
  /** The number of discrete actions, numbered from 0 (absent for continuous or offset action spaces). */
  readonly actionCount?: number;
  /** The batch is of evaluation episodes. */
  readonly evaluation?: boolean;
}

/** What a spec is compiled against: the names an environment provides. */
export interface EnvInfo {
  readonly features: readonly string[];
  readonly events: readonly string[];
  readonly actionSize: number;
  readonly obsSize: number;
}

/** A view of one transition, for `code` terms written in TypeScript. */
export interface Transition {
  /** Index of the environment in the vector. */
  readonly env: number;
  /** Feature of s′ (the state reached). */
  next(feature: string): number;
  /** Feature of s (the state acted from). */
  prev(feature: string): number;
  /** True if the step raised the event. */
  event(name: string): boolean;
  readonly action: number;
  actionAt(k: number): number;
  readonly taskReward: number;
  readonly terminated: boolean;
  readonly truncated: boolean;
}
