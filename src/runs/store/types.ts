/**
 * What the run store keeps, as plain data: runs and the comparisons that
 * group them, scalar metrics, finished episodes and checkpoints. Times are
 * ISO-8601 UTC strings; configs, reward specs and per-term returns are
 * JSON-ready values.
 */

import type { EpisodeRecord } from "../../agents/episodes.js";


export const RUN_STATUSES = ["running", "finished", "failed", "interrupted"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
/** The statuses a run can end in. */
export type EndStatus = Exclude<RunStatus, "running">;

/** A run to create: one training of one seed. */
export interface NewRun {
  /** Defaults to a fresh id (`newRunId()`): sortable by creation time. */
  id?: string;
  name: string;
  /** The run config, as JSON-ready data. */
  config: unknown;
  seed: number;
  envId: string;
  /** The reward spec trained on (resolved, not a path). */
  reward: unknown;
  /** The learner's algorithm (`ppo`, `q`, …). */
  learner: string;
  comparisonId?: string | null;
  tags?: readonly string[];
  /** rewardlab's version; defaults to this one. */
  version?: string;
  /** The writing process and its host, for `recoverInterrupted`; default this process. */
  pid?: number | null;
  host?: string | null;
  /** Defaults to now. */
  createdAt?: Date;
}

export interface RunRecord {
  id: string;
  name: string;
  status: RunStatus;
  createdAt: string;
  /** Last write of any row of the run (a heartbeat while it trains). */
  updatedAt: string;
  finishedAt: string | null;
  config: unknown;
  seed: number;
  envId: string;
  reward: unknown;
  learner: string;
  version: string;
  comparisonId: string | null;
  tags: string[];
  pid: number | null;
  host: string | null;
  /** Why a failed run failed. */
  error: string | null;
}

export interface RunFilter {
  status?: RunStatus | readonly RunStatus[];
  envId?: string;
  comparisonId?: string;
  tag?: string;
  /** Newest first (default) or oldest first. */
  order?: "newest" | "oldest";
  limit?: number;
}

export interface NewComparison {
  id?: string;
  name: string;
  config: unknown;
  createdAt?: Date;
}

export interface Comparison {
  id: string;
  name: string;
  config: unknown;
  createdAt: string;
}

export interface NewDesign {
  id?: string;
  name: string;
  /** `evolution`, or the model's name. */
  designer: string;
  config: unknown;
  options: unknown;
  comparisonId?: string | null;
  createdAt?: Date;
}

export interface DesignRecord {
  id: string;
  name: string;
  /** running, finished or failed. */
  status: string;
  createdAt: string;
  finishedAt: string | null;
  designer: string;
  config: unknown;
  options: unknown;
  comparisonId: string | null;
  /** What the design ended with (its best candidate, counts, usage); null while it runs. */
  result: unknown;
}

/** A design's candidate or model call: a few columns to order by, and the whole record. */
export interface DesignEntry {
  /** The candidate's id (`i1-3`) or the call's number. */
  id: string | number;
  iteration: number;
  data: unknown;
}

/** One scalar at one step (CleanRL keys: `losses/approx_kl`, `charts/SPS`). */
export interface MetricRow {
  step: number;
  key: string;
  /** NaN is kept (stored as NULL). */
  value: number;
}

export interface MetricPoint {
  step: number;
  value: number;
}

/** A finished episode: exactly what the learners record (`EpisodeRecord`), logged as it is. */
export type EpisodeRow = EpisodeRecord;

/** One evaluation episode: the policy at `step`, acting `policy`-wise, in an episode reset with `seed`. */
export interface EvaluationRow {
  step: number;
  policy: "sampled" | "greedy";
  /** Its index within the evaluation: it was reset with the evaluation's first seed + `episode`. */
  episode: number;
  seed: number;
  primary: number;
  /** 1, 0, or NaN for tasks without success. */
  success: number;
  length: number;
}

export interface EpisodeQuery {
  /** Steps in [fromStep, toStep]. */
  fromStep?: number;
  toStep?: number;
  /** The last `limit` episodes (by step) when set. */
  limit?: number;
}

/** Episodes aggregated over a window of steps [step, step + window). */
export interface EpisodeWindow {
  step: number;
  /** Step of the window's last episode. */
  lastStep: number;
  episodes: number;
  meanLength: number;
  meanReturn: number;
  meanPrimary: number;
  /** NaN when no episode of the window has a notion of success. */
  successRate: number;
  /** Mean return of each term over the window's episodes. */
  terms: Record<string, number>;
}

export interface EpisodeSummary {
  episodes: number;
  /** Step of the last episode; null without episodes. */
  lastStep: number | null;
  /** Means over the last `last` episodes (all if fewer). */
  last: number;
  meanLength: number;
  meanReturn: number;
  meanPrimary: number;
  successRate: number;
}

export interface NewCheckpoint {
  step: number;
  /** A file holding the checkpoint, and/or the bytes themselves. */
  path?: string | null;
  data?: Uint8Array | null;
  /** JSON-ready state (learner, environments, reward program). */
  state?: unknown;
  /** The RNG states to resume with. */
  rng?: unknown;
  createdAt?: Date;
  /** Keep the run's earlier checkpoints (by default a run keeps only its latest: resuming needs no more). */
  keepEarlier?: boolean;
}

export interface Checkpoint {
  runId: string;
  step: number;
  path: string | null;
  data: Uint8Array | null;
  state: unknown;
  rng: unknown;
  createdAt: string;
}

/** Rows written together, in one transaction. */
export interface WriteBatch {
  metrics?: readonly MetricRow[];
  episodes?: readonly EpisodeRow[];
  /** Evaluation episodes; one written again (same step, policy and episode) replaces the stored one. */
  evaluations?: readonly EvaluationRow[];
  /**
   * A checkpoint saved after the rows, in the same transaction, replacing the
   * run's earlier checkpoints (resuming needs only the latest). A trainer
   * passes the rows of every step up to the checkpoint's, so the store never
   * holds a checkpoint without the rows before it.
   */
  checkpoint?: NewCheckpoint;
}
