/**
 * The pre-screen (CARD, Sun et al. 2024, "trajectory preference
 * evaluation"): before a candidate reward costs any training, replay
 * episodes whose outcome is known and check that the candidate pays the
 * successful ones more than the failed ones. A reward that prefers failures
 * would teach them; it is dropped.
 *
 * The episodes are recorded once per design from a uniformly random policy
 * (their seed, actions and whether the task's success event fired), joined
 * by demonstrations when there are some (a planner's or a person's; a
 * random policy rarely succeeds on a hard task, an expert always does), and a
 * candidate's preference is the share of (success, failure) pairs in which
 * the success earned the larger total reward under the candidate (ties
 * count ½): the probability that it ranks a random success above a random
 * failure.
 */
import { UserError } from "../core/errors.js";
import { Rng } from "../core/rng.js";
import { makeRewarded } from "../rewards/make.js";
import { sparseSpec } from "./genome.js";

export interface RecordedEpisode {
  seed: number;
  /** One discrete action per step. */
  actions: number[];
  success: boolean;
}

/** `count` episodes of a uniformly random policy, episode k reset with `seed + k`. */
export function recordEpisodes(envId: string, kwargs: Record<string, unknown> | undefined, count: number, seed: number): RecordedEpisode[] {
  const env = makeRewarded(envId, 1, sparseSpec(), { kwargs });
  const vec = env.vec;
  const space = vec.actionSpace;
  if (space.kind !== "discrete") return [];
  const successMask = vec.successMask();
  const rng = new Rng(seed).split();
  const out: RecordedEpisode[] = [];
  for (let k = 0; k < count; k++) {
    env.reset(seed + k);
    const actions: number[] = [];
    let success = false;
    for (let done = false; !done; ) {
      const a = space.start + rng.int(space.n);
      actions.push(a);
      env.step(Int32Array.of(a));
      if (vec.events[0] & successMask) success = true;
      done = vec.terminated[0] === 1 || vec.truncated[0] === 1;
    }
    out.push({ seed: seed + k, actions, success });
  }
  return out;
}

/**
 * Episodes given as seeds and actions (demonstrations), replayed to learn
 * their outcome: success when the task's success event fired. An action
 * outside the space is a `UserError` at `path`[k].
 */
export function replayOutcomes(envId: string, kwargs: Record<string, unknown> | undefined, episodes: readonly { seed: number; actions: readonly number[] }[], path = "demonstrations"): RecordedEpisode[] {
  const env = makeRewarded(envId, 1, sparseSpec(), { kwargs });
  const vec = env.vec;
  const space = vec.actionSpace;
  if (space.kind !== "discrete") return [];
  const successMask = vec.successMask();
  return episodes.map((e, k) => {
    env.reset(e.seed);
    let success = false;
    const actions: number[] = [];
    for (const [t, a] of e.actions.entries()) {
      if (!Number.isInteger(a) || a < space.start || a >= space.start + space.n) throw new UserError(`${path}[${k}].actions[${t}]`, `expected an action from ${space.start} to ${space.start + space.n - 1}, got ${a}`);
      actions.push(a);
      env.step(Int32Array.of(a));
      if (vec.events[0] & successMask) success = true;
      // Actions past the episode's end would replay into the next one.
      if (vec.terminated[0] === 1 || vec.truncated[0] === 1) break;
    }
    return { seed: e.seed, actions, success };
  });
}

/** P(a success earns more than a failure) under `spec` over the recorded episodes; NaN without both kinds. */
export function preferenceAccuracy(envId: string, kwargs: Record<string, unknown> | undefined, spec: unknown, episodes: readonly RecordedEpisode[]): number {
  const env = makeRewarded(envId, 1, spec, { kwargs });
  const totals = episodes.map((e) => {
    env.reset(e.seed);
    let total = 0;
    for (const a of e.actions) {
      env.step(Int32Array.of(a));
      total += env.rewards[0];
    }
    return total;
  });
  const wins = totals.filter((_, k) => episodes[k].success);
  const losses = totals.filter((_, k) => !episodes[k].success);
  if (wins.length === 0 || losses.length === 0) return NaN;
  let score = 0;
  for (const w of wins) for (const l of losses) score += w > l ? 1 : w === l ? 0.5 : 0;
  return score / (wins.length * losses.length);
}
