/**
 * PPO's configuration (CleanRL's names and defaults), what its critic may
 * read instead of the actor's input (MAPPO), and its state as plain data.
 */
import { z } from "zod";
import type { FlatAdamJson } from "../nn/optimizer-state.js";

export const PpoConfig = z
  .object({
    learningRate: z.number().positive().default(2.5e-4).describe("Adam learning rate"),
    annealLr: z.boolean().default(true).describe("anneal the learning rate linearly to 0"),
    numSteps: z.number().int().positive().default(128).describe("steps per environment per rollout"),
    gamma: z.number().min(0).max(1).default(0.99).describe("discount γ"),
    gaeLambda: z.number().min(0).max(1).default(0.95).describe("λ for GAE"),
    numMinibatches: z.number().int().positive().default(4).describe("minibatches per epoch"),
    updateEpochs: z.number().int().positive().default(4).describe("epochs over each rollout"),
    normAdv: z.boolean().default(true).describe("normalize advantages per minibatch"),
    clipCoef: z.number().positive().default(0.2).describe("surrogate clip ε"),
    clipVloss: z.boolean().default(true).describe("clip the value loss as the surrogate"),
    entCoef: z.number().min(0).default(0.01).describe("entropy bonus coefficient"),
    vfCoef: z.number().min(0).default(0.5).describe("value loss coefficient"),
    maxGradNorm: z.number().positive().default(0.5).describe("global gradient norm clip"),
    targetKl: z.number().positive().optional().describe("stop an update's epochs early above this KL"),
    hidden: z.array(z.number().int().positive()).default([64, 64]).describe("hidden layer sizes"),
    activation: z.enum(["tanh", "relu"]).default("tanh"),
  })
  .strict();
export type PpoConfig = z.output<typeof PpoConfig>;

/** Metrics of one iteration, with CleanRL's names. */
export type PpoMetrics = Record<string, number>;

/**
 * What the critic sees, when it is not the actor's observation: MAPPO's
 * centralized critic reads a state built from every agent's observation.
 * The critic then has networks and an optimizer of its own (its gradient
 * clipped on its own), as in MAPPO's implementation.
 */
export interface CriticInput {
  /** Floats of one critic input. */
  width: number;
  /** Writes the critic input of rollout row k (time-major, t·n + i) into `into` from `at`, from the rollout's observations (obsPad floats per row). */
  fromRollout(obs: Float32Array, obsPad: number, k: number, into: Float32Array, at: number): void;
  /** Writes the critic input of row i of the current observations (n × obsSize, unpadded) into `into` from `at`. */
  fromEnv(obs: Float32Array, obsSize: number, i: number, into: Float32Array, at: number): void;
}

/** Actor and critic as leaves [W0, b0, W1, b1, …] (W row-major, input × output), and a Gaussian policy's log σ. */
export interface ParamsJson {
  actor: number[][];
  critic: number[][];
  logStd?: number[];
}

export interface PpoState {
  params: ParamsJson;
  /** Adam's moments flat, leaf after leaf in `params` order; `step` is t (older states carry only β^t). */
  opt: FlatAdamJson & { step?: number };
  rng: number[];
  globalStep: number;
  iteration: number;
}
