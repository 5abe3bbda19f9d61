/**
 * The `Store` interface: where runs, their metrics, episodes and checkpoints
 * live. Trainers write through it (best through a `RunWriter`, which batches);
 * compare, reports and the CLI read through it. Every method is async so that
 * a PostgreSQL store can implement the same interface; `SqliteStore` is the
 * default, one file per lab.
 */
import type {
  Checkpoint,
  Comparison,
  DesignEntry,
  DesignRecord,
  EndStatus,
  EpisodeQuery,
  EpisodeRow,
  EpisodeSummary,
  EpisodeWindow,
  EvaluationRow,
  MetricPoint,
  MetricRow,
  NewCheckpoint,
  NewComparison,
  NewDesign,
  NewRun,
  RunFilter,
  RunRecord,
  WriteBatch,
} from "./types.js";

export interface RecoverOptions {
  /** Which host's runs can be checked by pid; default this one. */
  host?: string;
  /** Whether a pid is a live process (started at `start`, when recorded); default `processAlive`. */
  isAlive?(pid: number, start: string | null): boolean;
  /**
   * Also mark runs of other hosts (or without a pid) whose last write is
   * older than this many milliseconds. Off by default: another host's pid
   * says nothing here.
   */
  staleAfterMs?: number;
}

export interface Store {
  // ── comparisons ──
  createComparison(comparison: NewComparison): Promise<Comparison>;
  getComparison(id: string): Promise<Comparison | undefined>;
  listComparisons(): Promise<Comparison[]>;

  // ── runs ──
  /** Creates a run in status "running", owned by this process unless `pid`/`host` say otherwise. */
  createRun(run: NewRun): Promise<RunRecord>;
  getRun(id: string): Promise<RunRecord | undefined>;
  /** Runs matching every filter given, newest first unless `order: "oldest"`. */
  listRuns(filter?: RunFilter): Promise<RunRecord[]>;
  /** Ends a run: sets its status and finish time (and the error of a failed run). */
  finishRun(id: string, status?: EndStatus, error?: string): Promise<void>;
  /**
   * Marks an ended run as running again, in this process (to resume it). With
   * `rewindTo`, the same transaction deletes the run's metrics, episodes and
   * checkpoints at later steps: rows written after the checkpoint resumed
   * from, which the resumed run writes again (-1 deletes them all, to start
   * over).
   */
  reopenRun(id: string, rewindTo?: number): Promise<void>;
  /** Deletes a run and every row of it, in one transaction; false if there was no such run. */
  deleteRun(id: string): Promise<boolean>;
  /**
   * Marks "running" runs whose writing process is gone as "interrupted"
   * (a killed trainer never got to end its run); returns their ids.
   */
  recoverInterrupted(options?: RecoverOptions): Promise<string[]>;

  // ── rows ──
  logMetrics(runId: string, rows: readonly MetricRow[]): Promise<void>;
  logEpisodes(runId: string, rows: readonly EpisodeRow[]): Promise<void>;
  /** Metrics, episodes and a checkpoint together, in one transaction; also the run's heartbeat. */
  write(runId: string, batch: WriteBatch): Promise<void>;

  /** One key's values in step order (optionally steps in [fromStep, toStep]). */
  metricSeries(runId: string, key: string, range?: { fromStep?: number; toStep?: number }): Promise<MetricPoint[]>;
  /** The metric keys the run has logged, sorted. */
  metricKeys(runId: string): Promise<string[]>;
  /** Each key's value at its last logged step. */
  lastMetrics(runId: string): Promise<Record<string, MetricPoint>>;

  /** Episodes in step order. */
  episodes(runId: string, query?: EpisodeQuery): Promise<EpisodeRow[]>;
  /** Evaluation episodes, by step, policy and episode. */
  evaluations(runId: string): Promise<EvaluationRow[]>;
  /** Episodes aggregated per window of `window` steps, in step order. */
  episodeWindows(runId: string, window: number): Promise<EpisodeWindow[]>;
  /** Counts, and means over the last `last` episodes (default 100). */
  episodeSummary(runId: string, last?: number): Promise<EpisodeSummary>;

  // ── checkpoints ──
  /** Saves a checkpoint; a second one at the same step replaces the first. */
  saveCheckpoint(runId: string, checkpoint: NewCheckpoint): Promise<void>;
  /** Deletes a run's checkpoints older than `step` (resuming needs only the latest). */
  deleteCheckpointsBefore(runId: string, step: number): Promise<void>;
  /** The checkpoint with the highest step (at most `atOrBefore`, when given: an earlier policy of the run). */
  latestCheckpoint(runId: string, atOrBefore?: number): Promise<Checkpoint | undefined>;
  listCheckpoints(runId: string): Promise<Omit<Checkpoint, "data" | "state" | "rng">[]>;

  // ── designs (`rewardlab design`) ──
  createDesign(design: NewDesign): Promise<DesignRecord>;
  /** Saves a candidate of a design; saving it again replaces it (with its final score, say). */
  saveDesignCandidate(designId: string, candidate: { id: string; iteration: number; position: number; score: number | null; data: unknown }): Promise<void>;
  saveDesignCall(designId: string, call: { id: number; iteration: number; stage: string; promptTokens: number; completionTokens: number; data: unknown }): Promise<void>;
  /** Ends a design with its result. */
  finishDesign(id: string, status: "finished" | "failed", result: unknown): Promise<void>;
  getDesign(id: string): Promise<DesignRecord | undefined>;
  /** Newest first. */
  listDesigns(): Promise<DesignRecord[]>;
  /** A design's candidates in the order they were made. */
  designCandidates(designId: string): Promise<DesignEntry[]>;
  /** A design's model calls in order. */
  designCalls(designId: string): Promise<DesignEntry[]>;

  close(): Promise<void>;
}

/**
 * Stores that can also write synchronously (SQLite). A `RunWriter` uses this
 * to flush from inside a synchronous training loop, where no promise would
 * settle until the loop ends, and from a process `exit` handler.
 */
export interface SyncWriteStore extends Store {
  writeSync(runId: string, batch: WriteBatch): void;
  finishRunSync(id: string, status?: EndStatus, error?: string): void;
}

export function canWriteSync(store: Store): store is SyncWriteStore {
  const s = store as Partial<SyncWriteStore>;
  return typeof s.writeSync === "function" && typeof s.finishRunSync === "function";
}
