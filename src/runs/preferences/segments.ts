/**
 * Segments of experience to compare: T consecutive transitions of one
 * environment, each as a feature row x = [s, one-hot a, s′, absorbing], with
 * the true (primary) reward of each step for synthetic labelers.
 *
 * A segment that reaches the end of its episode is padded to T steps with
 * the absorbing state (all zeros but the last feature, true reward 0), as
 * if the episode went on in a terminal state. That keeps every segment the
 * same length and lets a comparison say "this one lasted longer": without
 * it, CartPole's +1 per step would make every pair of segments equal.
 */
import type { Rng } from "../../core/rng.js";
import { UserError } from "../../core/errors.js";
import { featureSize, writeAbsorbing, writeTransition, type TransitionLayout } from "../../learn/transition.js";
import { loadRewardedState, saveRewardedState, type RewardedVector } from "../../rewards/rewarded.js";

export interface Segment {
  /** T × featureSize, row-major. */
  x: Float32Array;
  /** The true reward of each step (0 on absorbing steps). */
  rewards: Float64Array;
}

/** The layout of a vector's transitions; discrete actions numbered from 0 only. */
export function transitionLayout(env: RewardedVector): TransitionLayout {
  const space = env.vec.actionSpace;
  if (space.kind !== "discrete" || space.start !== 0) throw new UserError("env.id", `reward learning here needs discrete actions numbered from 0; ${env.vec.id} has ${space}`);
  return { obsSize: env.vec.obsSize, actionCount: space.n };
}

/**
 * Runs `act` on the vector until `count` segments of `length` steps are
 * complete, and returns them (in the order they completed).
 */
export function collectSegments(env: RewardedVector, act: (obs: Float32Array, rng: Rng) => ArrayLike<number>, count: number, length: number, rng: Rng): Segment[] {
  const l = transitionLayout(env);
  const size = featureSize(l);
  const n = env.vec.n;
  const d = l.obsSize;
  const fresh = () => ({ x: new Float32Array(length * size), rewards: new Float64Array(length), t: 0 });
  const open = Array.from({ length: n }, fresh);
  const done: Segment[] = [];
  const before = new Float32Array(env.vec.obs.length);
  const close = (i: number) => {
    const seg = open[i];
    for (let t = seg.t; t < length; t++) writeAbsorbing(l, seg.x, t * size);
    done.push({ x: seg.x, rewards: seg.rewards });
    open[i] = fresh();
  };
  while (done.length < count) {
    before.set(env.vec.obs);
    const actions = act(env.vec.obs, rng);
    env.step(actions);
    for (let i = 0; i < n && done.length < count; i++) {
      const seg = open[i];
      const ended = env.vec.terminated[i] === 1 || env.vec.truncated[i] === 1;
      writeTransition(l, before, i * d, actions[i], ended ? env.vec.finalObs : env.vec.obs, i * d, seg.x, seg.t * size);
      seg.rewards[seg.t] = env.reward.primary[i];
      seg.t++;
      // A truncated episode is not over for the task; only termination leads to the absorbing state.
      if (env.vec.terminated[i] || seg.t === length) close(i);
      else if (env.vec.truncated[i]) open[i] = fresh();
    }
  }
  return done;
}

/**
 * Tree-structured collection (after "Reward Generalization in RLHF: A
 * Topological Perspective"): segments branch from shared states. A parent
 * trajectory runs on; every so often its state is saved and `branches`
 * continuations of `length` steps are rolled out from it, each after
 * restoring it. Siblings come out next to each other, so pairing
 * consecutive segments compares continuations of the same state: the
 * difference a label reports is the difference the actions made.
 * `env` must hold one environment.
 */
export function collectTreeSegments(env: RewardedVector, act: (obs: Float32Array, rng: Rng) => ArrayLike<number>, count: number, length: number, branches: number, rng: Rng): Segment[] {
  if (env.vec.n !== 1) throw new Error("collectTreeSegments: expected a vector of one environment");
  const l = transitionLayout(env);
  const size = featureSize(l);
  const done: Segment[] = [];
  const before = new Float32Array(env.vec.obs.length);
  while (done.length < count) {
    // Walk the parent a few steps, then branch.
    for (let k = rng.int(10); k > 0; k--) env.step(act(env.vec.obs, rng));
    const root = saveRewardedState(env);
    for (let b = 0; b < branches && done.length < count; b++) {
      loadRewardedState(env, root);
      const x = new Float32Array(length * size);
      const rewards = new Float64Array(length);
      let t = 0;
      for (; t < length; t++) {
        before.set(env.vec.obs);
        const actions = act(env.vec.obs, rng);
        env.step(actions);
        const ended = env.vec.terminated[0] === 1 || env.vec.truncated[0] === 1;
        writeTransition(l, before, 0, actions[0], ended ? env.vec.finalObs : env.vec.obs, 0, x, t * size);
        rewards[t] = env.reward.primary[0];
        // A truncated branch is padded too: the comparison is of what happened within the clip.
        if (ended) {
          t++;
          break;
        }
      }
      for (; t < length; t++) writeAbsorbing(l, x, t * size);
      done.push({ x, rewards });
    }
    loadRewardedState(env, root);
  }
  return done;
}
