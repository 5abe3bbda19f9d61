/**
 * `RewardedEnv`: one environment with a reward program, through Gymnasium's
 * API. `step` returns the program's total as `reward`, the environment's own
 * reward as `info.taskReward`, every term's contribution as
 * `info.rewardTerms`, and, on an episode's last step, the episode's sums as
 * `info.episode` (Gymnasium's RecordEpisodeStatistics, per term).
 *
 * @example
 * const env = new RewardedEnv("DoorKey-5x5", spec);
 * env.reset(0);
 * const { reward, info } = env.step(2); // info.rewardTerms = { goal: 0, key: 0, step: -0.01 }
 */
import type { Action, ResetResult } from "../envs/env.js";
import { writeAction } from "../envs/env.js";
import { makeRewarded, type MakeRewardedOptions } from "./make.js";
import type { RewardedVector } from "./rewarded.js";
import type { RewardSpecInput } from "./spec.js";

export interface RewardedStepInfo {
  events: string[];
  stepCount: number;
  taskReward: number;
  /** This step's contribution of each term. */
  rewardTerms: Record<string, number>;
  /** On the last step of an episode: its length and sums (total, primary, per term). */
  episode?: { length: number; return: number; primary: number; terms: Record<string, number> };
}

export class RewardedEnv {
  readonly vec: RewardedVector;
  private readonly action: Float64Array;
  private readonly names: string[];
  private needsReset = true;

  constructor(id: string, spec: RewardSpecInput | unknown, options: MakeRewardedOptions = {}) {
    this.vec = makeRewarded(id, 1, spec, options);
    this.action = new Float64Array(this.vec.vec.actionSize);
    this.names = this.vec.program.terms.map((t) => t.name);
  }

  get observationSpace() {
    return this.vec.vec.observationSpace;
  }
  get actionSpace() {
    return this.vec.vec.actionSpace;
  }

  reset(seed?: number): ResetResult {
    const obs = this.vec.reset(seed === undefined ? undefined : [seed]);
    this.needsReset = false;
    return { obs: obs.slice(), info: { ...this.vec.vec.cores[0].info() } };
  }

  step(action: Action): { obs: Float32Array; reward: number; terminated: boolean; truncated: boolean; info: RewardedStepInfo } {
    if (this.needsReset) this.reset();
    writeAction(this.actionSpace, action, this.action);
    const { vec } = this;
    vec.step(this.action);
    const { reward } = vec;
    const terminated = vec.vec.terminated[0] === 1;
    const truncated = vec.vec.truncated[0] === 1;
    const info: RewardedStepInfo = {
      events: vec.vec.eventsOf(0),
      stepCount: terminated || truncated ? vec.vec.episodeLength[0] : vec.vec.cores[0].stepCount,
      taskReward: vec.vec.rewards[0],
      rewardTerms: Object.fromEntries(this.names.map((name, k) => [name, reward.terms[k][0]])),
    };
    if (terminated || truncated) {
      info.episode = {
        length: vec.vec.episodeLength[0],
        return: reward.finishedTotal[0],
        primary: reward.finishedPrimary[0],
        terms: Object.fromEntries(this.names.map((name, k) => [name, reward.finishedTerms[k][0]])),
      };
      this.needsReset = true;
    }
    // After an episode ends the vector has already reset: its last observation is finalObs.
    const obs = (terminated || truncated ? vec.vec.finalObs : vec.obs).slice();
    return { obs, reward: vec.rewards[0], terminated, truncated, info };
  }
}
