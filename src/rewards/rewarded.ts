/**
 * `RewardedVector`: a `VectorEnv` whose reward comes from a reward program.
 * It asks the environment for exactly the features the program reads, keeps
 * the observations intrinsic bonuses need, and after each step exposes the
 * total reward, every term's contribution, and per-episode sums.
 *
 * @example
 * const rv = new RewardedVector(makeVector("DoorKey-8x8", 64), spec);
 * rv.reset(0);
 * rv.step(actions); // rv.rewards (learn from these), rv.reward.terms, rv.reward.primary
 */
import { EnvCore } from "../envs/core.js";
import { Env } from "../envs/env.js";
import { VectorEnv } from "../envs/vector.js";
import { captureState, restoreState } from "../core/state.js";
import type { EnvInfo, RewardBatch } from "./batch.js";
import { compileReward, type BoundReward, type RewardProgram } from "./program.js";
import type { RewardSpecInput } from "./spec.js";

/** The names and sizes a spec compiles against, from any environment object. */
export function envInfoOf(env: VectorEnv | Env | EnvCore | EnvInfo): EnvInfo {
  if (env instanceof VectorEnv) return { features: env.featureSpecs.map((f) => f.name), events: env.eventNames, actionSize: env.actionSize, obsSize: env.obsSize };
  const core = env instanceof Env ? env.core : env instanceof EnvCore ? env : undefined;
  if (core) return { features: core.features.map((f) => f.name), events: core.events, actionSize: core.actionSpace.size, obsSize: core.observationSpace.size };
  return env as EnvInfo;
}

export class RewardedVector {
  readonly program: RewardProgram;
  readonly reward: BoundReward;
  readonly batch: RewardBatch;
  /** The reward to learn from (the program's total), per environment. */
  readonly rewards: Float32Array;
  private readonly prevObs: Float32Array | undefined;
  private readonly nextObs: Float32Array | undefined;
  private readonly episodeStep: Float64Array;

  /** `evaluation`: the vector plays evaluation episodes (modules that call out stay silent). */
  constructor(
    readonly vec: VectorEnv,
    spec: RewardSpecInput | RewardProgram | unknown,
    evaluation = false,
  ) {
    this.program = isProgram(spec) ? spec : compileReward(spec, envInfoOf(vec));
    const cols = vec.watchFeatures(this.program.features);
    const order = this.program.features.map((f) => vec.featureIndex(f));
    const usesObs = this.program.usesObs;
    this.prevObs = usesObs ? new Float32Array(vec.obs.length) : undefined;
    this.nextObs = usesObs ? new Float32Array(vec.obs.length) : undefined;
    this.episodeStep = new Float64Array(vec.n);
    this.batch = {
      n: vec.n,
      prev: order.map((j) => cols.prev[j]),
      next: order.map((j) => cols.next[j]),
      actions: new Float64Array(vec.n * vec.actionSize),
      actionSize: vec.actionSize,
      taskReward: vec.rewards,
      terminated: vec.terminated,
      truncated: vec.truncated,
      events: vec.events,
      obsSize: vec.obsSize,
      obs: this.prevObs,
      nextObs: this.nextObs,
      episodeStep: this.episodeStep,
      actionCount: vec.actionSpace.kind === "discrete" && vec.actionSpace.start === 0 ? vec.actionSpace.n : undefined,
      evaluation,
    };
    this.reward = this.program.bind(this.batch, vec.eventNames);
    this.rewards = this.reward.total;
  }

  get n(): number {
    return this.vec.n;
  }
  get obs(): Float32Array {
    return this.vec.obs;
  }

  /** Starts a new episode in every environment; episodes under way are dropped, their partial returns with them. */
  reset(seed?: number | readonly number[]): Float32Array {
    this.reward.restartEpisodes(this.episodeStep);
    this.episodeStep.fill(0);
    return this.vec.reset(seed);
  }

  /** Steps the environments and computes the rewards of the step. */
  step(actions: ArrayLike<number>): void {
    const { vec } = this;
    if (this.prevObs) this.prevObs.set(vec.obs);
    vec.step(actions);
    (this.batch.actions as Float64Array).set(actions);
    if (this.nextObs) {
      this.nextObs.set(vec.obs);
      const size = vec.obsSize;
      for (let i = 0; i < vec.n; i++) {
        if (vec.terminated[i] || vec.truncated[i]) this.nextObs.set(vec.finalObs.subarray(i * size, (i + 1) * size), i * size);
      }
    }
    for (let i = 0; i < vec.n; i++) this.episodeStep[i]++;
    this.reward.apply();
    for (let i = 0; i < vec.n; i++) if (vec.terminated[i] || vec.truncated[i]) this.episodeStep[i] = 0;
  }
}

/** The environments' and the reward program's full state, for checkpoints (JSON-ready). */
export function saveRewardedState(rv: RewardedVector): unknown {
  return { vec: captureState(rv.vec), reward: rv.reward.saveState(), extra: captureState(rv, new WeakSet<object>([rv.vec, rv.program, rv.reward as object])) };
}

/** Restores what `saveRewardedState` saved into a RewardedVector built the same way. */
export function loadRewardedState(rv: RewardedVector, state: unknown): void {
  const s = state as { vec: never; reward: unknown; extra: never };
  restoreState(rv.vec, s.vec);
  rv.reward.loadState(s.reward);
  restoreState(rv, s.extra, new WeakSet<object>([rv.vec, rv.program, rv.reward as object]));
}

function isProgram(x: unknown): x is RewardProgram {
  return typeof x === "object" && x !== null && typeof (x as RewardProgram).bind === "function" && Array.isArray((x as RewardProgram).terms);
}
