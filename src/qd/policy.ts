/**
 * The policies quality-diversity search evolves: small deterministic MLPs
 * (one tanh hidden layer) over named features, acting by argmax, their
 * parameters one flat Float64Array that evolution strategies perturb.
 */
import type { Rng } from "../core/rng.js";
import type { Env } from "../envs/env.js";
import { featureByName } from "../envs/env.js";

export interface PolicyShape {
  inputs: readonly string[];
  hidden: number;
  actions: number;
}

export function parameterCount(s: PolicyShape): number {
  const n = s.inputs.length;
  return n * s.hidden + s.hidden + s.hidden * s.actions + s.actions;
}

export function randomParameters(s: PolicyShape, rng: Rng, scale = 1): Float64Array {
  return Float64Array.from({ length: parameterCount(s) }, () => rng.normal() * scale);
}

/** θ + σ·ε, ε ~ N(0, I): the evolution-strategies mutation. */
export function mutate(theta: Float64Array, sigma: number, rng: Rng): Float64Array {
  return theta.map((v) => v + sigma * rng.normal());
}

/** The policy's action for inputs x: argmax of W₂·tanh(W₁·x + b₁) + b₂. */
export function act(s: PolicyShape, theta: Float64Array, x: Float64Array, hidden: Float64Array): number {
  const n = s.inputs.length;
  for (let h = 0; h < s.hidden; h++) {
    let v = theta[n * s.hidden + h];
    for (let i = 0; i < n; i++) v += theta[i * s.hidden + h] * x[i];
    hidden[h] = Math.tanh(v);
  }
  const o = n * s.hidden + s.hidden;
  let best = 0;
  let bestValue = -Infinity;
  for (let a = 0; a < s.actions; a++) {
    let v = theta[o + s.hidden * s.actions + a];
    for (let h = 0; h < s.hidden; h++) v += theta[o + h * s.actions + a] * hidden[h];
    if (v > bestValue) {
      bestValue = v;
      best = a;
    }
  }
  return best;
}

export interface Outcome {
  /** The episode's primary return. */
  fitness: number;
  /** Feature values at the episode's end: the behaviour descriptor. */
  descriptor: number[];
  success: boolean;
  /** The observation the episode ended on (for a learned behaviour space). */
  finalObs: Float32Array;
}

/**
 * One episode of a policy from a fixed seed: its return, and the values of
 * the `descriptor` features at the end. Inputs are scaled so the tanh layer
 * is not saturated by gridworld coordinates (up to ~10).
 */
export function rollout(env: Env, s: PolicyShape, theta: Float64Array, seed: number, descriptor: readonly string[], inputScale = 0.2): Outcome {
  const inputs = s.inputs.map((name) => featureByName(env.core, name));
  const ends = descriptor.map((name) => featureByName(env.core, name));
  const x = new Float64Array(inputs.length);
  const hidden = new Float64Array(s.hidden);
  env.reset(seed);
  let fitness = 0;
  let success = false;
  let finalObs: Float32Array;
  for (;;) {
    inputs.forEach((f, i) => (x[i] = f.read(env.core) * inputScale));
    const step = env.step(act(s, theta, x, hidden));
    fitness += step.reward;
    if (step.terminated || step.truncated) {
      success = step.terminated && step.reward > 0;
      finalObs = step.obs;
      break;
    }
  }
  return { fitness, descriptor: ends.map((f) => f.read(env.core)), success, finalObs };
}
