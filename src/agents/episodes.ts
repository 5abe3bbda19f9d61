/**
 * What a learner records of each finished episode: the shaped return it
 * learned from, the primary ("true") return, success, length, and every
 * term's return. Success is the task's success event (`EnvCore.successEvent`).
 */
import type { RewardedVector } from "../rewards/rewarded.js";

export interface EpisodeRecord {
  step: number;
  env: number;
  length: number;
  /** Σ of the reward learned from. */
  return: number;
  /** Σ of the primary terms: the true return. */
  primary: number;
  /** 1 if the episode succeeded, 0 if not, NaN for tasks without a notion of success. */
  success: number;
  /** Σ of each term's contribution, by term name. */
  terms: Record<string, number>;
}

export class EpisodeLog {
  private readonly successMask: number;
  private readonly succeeded: Uint8Array;
  private pending: EpisodeRecord[] = [];
  readonly termNames: string[];

  constructor(private readonly env: RewardedVector) {
    this.successMask = env.vec.successMask();
    this.succeeded = new Uint8Array(env.n);
    this.termNames = env.program.terms.map((t) => t.name);
  }

  /** Call after every step: records the episodes that just ended. */
  record(step: number): void {
    const { vec, reward } = this.env;
    for (let i = 0; i < vec.n; i++) {
      if (vec.events[i] & this.successMask) this.succeeded[i] = 1;
      if (!vec.terminated[i] && !vec.truncated[i]) continue;
      const terms: Record<string, number> = {};
      this.termNames.forEach((name, k) => (terms[name] = reward.finishedTerms[k][i]));
      this.pending.push({
        step,
        env: i,
        length: vec.episodeLength[i],
        return: reward.finishedTotal[i],
        primary: reward.finishedPrimary[i],
        success: this.successMask ? this.succeeded[i] : NaN,
        terms,
      });
      this.succeeded[i] = 0;
    }
  }

  /** Which running episodes have succeeded so far (the pending list is empty at a rollout boundary). */
  state(): { succeeded: number[] } {
    return { succeeded: Array.from(this.succeeded) };
  }

  load(state: unknown): void {
    this.succeeded.set((state as { succeeded: number[] }).succeeded);
    this.pending = [];
  }

  /** The episodes recorded since the last call. */
  drain(): EpisodeRecord[] {
    const out = this.pending;
    this.pending = [];
    return out;
  }
}
