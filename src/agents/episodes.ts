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
  /** Its place in its trial (0: the first episode on the task; always 0 where every episode is a new trial). */
  trialEpisode: number;
  /** Σ of each term's contribution, by term name. */
  terms: Record<string, number>;
}

export class EpisodeLog {
  private readonly successMask: number;
  private readonly succeeded: Uint8Array;
  /** Per row: the place in its trial of the running episode. */
  private readonly trialEpisode: Int32Array;
  private pending: EpisodeRecord[] = [];
  readonly termNames: string[];

  constructor(private readonly env: RewardedVector) {
    this.successMask = env.vec.successMask();
    this.succeeded = new Uint8Array(env.n);
    this.trialEpisode = new Int32Array(env.n);
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
        trialEpisode: this.trialEpisode[i],
        terms,
      });
      this.succeeded[i] = 0;
      // The row has already started its next episode: a new trial, or the next episode of this one.
      this.trialEpisode[i] = vec.cores[i].newTrial ? 0 : this.trialEpisode[i] + 1;
    }
  }

  /** Which running episodes have succeeded so far (the pending list is empty at a rollout boundary). */
  state(): { succeeded: number[]; trialEpisode: number[] } {
    return { succeeded: Array.from(this.succeeded), trialEpisode: Array.from(this.trialEpisode) };
  }

  load(state: unknown): void {
    const s = state as { succeeded: number[]; trialEpisode?: number[] };
    this.succeeded.set(s.succeeded);
    // Checkpoints from before trials were counted: every row at its trial's first episode.
    this.trialEpisode.set(s.trialEpisode ?? new Array(this.trialEpisode.length).fill(0));
    this.pending = [];
  }

  /** The episodes recorded since the last call. */
  drain(): EpisodeRecord[] {
    const out = this.pending;
    this.pending = [];
    return out;
  }
}
