/**
 * PPO checkpoints: everything needed to continue training exactly where it
 * stopped (at an iteration boundary): parameters, optimizer moments, random
 * streams, and the environments' and reward program's state.
 */
import { captureState, restoreState } from "../core/state.js";
import type { FlatAdamState } from "../nn/adam.js";
import { np, tree, type JaxArray } from "../nn/jax.js";
import { loadRewardedState, saveRewardedState } from "../rewards/rewarded.js";
import type { Ppo } from "./ppo.js";

export interface PpoCheckpoint {
  learner: ReturnType<Ppo["save"]>;
  opt: { m: number[]; v: number[]; beta1Power: number; beta2Power: number };
  env: unknown;
  episodes: unknown;
}

/** The learner's whole state, JSON-ready. */
export function checkpointPpo(ppo: Ppo): PpoCheckpoint {
  const opt = ppo["opt"] as FlatAdamState;
  const scalar = (a: JaxArray) => (a.ref.dataSync() as Float32Array)[0];
  const values = (a: JaxArray) => Array.from(a.ref.dataSync() as Float32Array);
  return {
    learner: ppo.save(),
    opt: { m: values(opt.m), v: values(opt.v), beta1Power: scalar(opt.beta1Power), beta2Power: scalar(opt.beta2Power) },
    env: saveRewardedState(ppo.env),
    episodes: captureState(ppo.episodes, new WeakSet<object>([ppo.env])),
  };
}

/** Restores a checkpoint into a learner built with the same config and environment. */
export function restorePpo(ppo: Ppo, c: PpoCheckpoint): void {
  ppo.load(c.learner);
  const old = ppo["opt"] as FlatAdamState;
  tree.dispose(old as never);
  ppo["opt"] = {
    m: np.array(Float32Array.from(c.opt.m)),
    v: np.array(Float32Array.from(c.opt.v)),
    beta1Power: np.array(Float32Array.of(c.opt.beta1Power)),
    beta2Power: np.array(Float32Array.of(c.opt.beta2Power)),
  };
  loadRewardedState(ppo.env, c.env);
  restoreState(ppo.episodes, c.episodes as never, new WeakSet<object>([ppo.env]));
}

