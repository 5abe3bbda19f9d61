/**
 * What a reward module is: it sees whole batches of transitions, keeps its
 * own state across steps, and may train between rollouts. Exploration
 * bonuses (count, E3B, RND…) and rewards learned online (adversarial,
 * progress) are modules; the reward compiler binds them as `intrinsic` terms.
 */

/** What a module reads each step, for n environments at once (the reward program's batch is a superset). */
export interface ModuleBatch {
  readonly n: number;
  /** Observation size, and s and s′ observations (n × obsSize), filled when a module is bound. */
  readonly obsSize: number;
  readonly obs?: Float32Array;
  readonly nextObs?: Float32Array;
  readonly actionSize: number;
  readonly actions: ArrayLike<number>;
  readonly taskReward: ArrayLike<number>;
  readonly terminated: ArrayLike<number>;
  readonly truncated: ArrayLike<number>;
  /** Steps taken so far in each environment's current episode (1 on its first step). */
  readonly episodeStep: ArrayLike<number>;
  /** The number of discrete actions, numbered from 0 (absent for continuous or offset action spaces). */
  readonly actionCount?: number;
  /** Per environment, the step's events as bits (`ModuleInfo.events` names them). */
  readonly events?: ArrayLike<number>;
}

export interface ModuleInfo {
  n: number;
  obsSize: number;
  actionSize: number;
  /** discrete actions 0 … actionCount − 1, if so */
  actionCount?: number;
  /** The environment's events and their bits. */
  events?: ReadonlyMap<string, number>;
  /** Bound to evaluation episodes: a module that calls out (an annotator) pays 0 there and calls nothing (evaluation keeps only the primary reward). */
  evaluation?: boolean;
}

export interface RewardModule {
  readonly name: string;
  /** Called once, when the reward program is bound to n environments. */
  init(info: ModuleInfo): void;
  /** Writes the value of each transition into `out` (batch.obs and batch.nextObs are filled). */
  compute(batch: ModuleBatch, out: Float64Array): void;
  /** Environment i's episode ended (episodic bonuses reset here). */
  endEpisode?(i: number): void;
  /** Trains on what it has seen (called by learners between rollouts); returns metrics. */
  update?(): Record<string, number>;
  /**
   * What the module has learned and counted so far, as compact JSON-ready
   * data: no tables that `init` rebuilds from the options, no functions.
   */
  state(): unknown;
  /** Restores `state()` into a module made with the same options, after `init`: it then continues bit for bit. */
  load(state: unknown): void;
}

export type RewardModuleFactory = (options: Record<string, unknown>, path: string) => RewardModule;
