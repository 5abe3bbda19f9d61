/**
 * `RunWriter`: the buffer between a training loop and the store. Rows are
 * batched and flushed in one transaction when `maxRows` are waiting or the
 * oldest is `intervalMs` old, so a killed trainer loses at most about that
 * long of rows. The age is checked on every add as well as by a timer,
 * because a synchronous training loop never lets a timer fire; with a store
 * that can write synchronously (SQLite) the flush happens right there.
 *
 * On `exit` (the loop ended without `close()`, or `process.exit()`), open
 * writers flush synchronously and end their runs as "interrupted". With
 * `signals: true` they do the same on SIGINT/SIGTERM, then raise the signal
 * again, unless the program listens to it too, so the process stops as it
 * would have. That is opt-in because Node runs a signal listener only when the
 * event loop turns: a synchronous training loop with a listener installed
 * would ignore Ctrl-C until it ended. Without it a signal loses what the last
 * interval had not flushed, like SIGKILL, and `recoverInterrupted` marks the
 * run later. (Signals reach only the main thread; writers in worker threads
 * rely on their interval.)
 *
 * @example
 * const writer = await RunWriter.start(store, { name, config, seed, envId, reward, learner: "ppo" });
 * learner.train(steps, (metrics, episodes) => {
 *   writer.metrics(learner.globalStep, metrics);
 *   writer.episodes(episodes);
 * });
 * await writer.close(); // flush, status "finished"
 */
import { canWriteSync, type Store } from "./store.js";
import type { EndStatus, EpisodeRow, EvaluationRow, MetricRow, NewCheckpoint, NewRun } from "./types.js";

export interface RunWriterOptions {
  /** Flush once this many rows wait (default 2000). */
  maxRows?: number;
  /** Flush once the oldest waiting row is this old (default 1000 ms; trainers promise ≤ 2 s). */
  intervalMs?: number;
  /** Flush and end the run as "interrupted" on process exit if still open (default true). */
  onExit?: boolean;
  /** Also on SIGINT and SIGTERM (default false: only for loops that yield to the event loop). */
  signals?: boolean;
}

export class RunWriter {
  private metricRows: MetricRow[] = [];
  private episodeRows: EpisodeRow[] = [];
  private evaluationRows: EvaluationRow[] = [];
  /** When the oldest waiting row arrived; 0 with nothing waiting. */
  private oldest = 0;
  private pending: Promise<void> = Promise.resolve();
  private failure: unknown = undefined;
  private readonly timer: NodeJS.Timeout;
  private readonly maxRows: number;
  private readonly intervalMs: number;
  private closed = false;
  /** Ended by a signal or exit: the process is going down, later rows are dropped. */
  private ended = false;
  /** Rows written so far. */
  written = 0;

  constructor(
    readonly store: Store,
    readonly runId: string,
    options: RunWriterOptions = {},
  ) {
    this.maxRows = options.maxRows ?? 2000;
    this.intervalMs = options.intervalMs ?? 1000;
    this.timer = setInterval(() => {
      try {
        this.flushIfDue();
      } catch (e) {
        this.failure = e; // thrown by the next add or flush
      }
    }, Math.max(10, this.intervalMs / 2));
    this.timer.unref();
    if (options.onExit ?? true) register(this, options.signals ?? false);
  }

  /** Creates the run, then a writer for it. */
  static async start(store: Store, run: NewRun, options?: RunWriterOptions): Promise<RunWriter> {
    const record = await store.createRun(run);
    return new RunWriter(store, record.id, options);
  }

  /** Rows waiting to be written. */
  get buffered(): number {
    return this.metricRows.length + this.episodeRows.length + this.evaluationRows.length;
  }

  metric(step: number, key: string, value: number): void {
    if (!this.add()) return;
    this.metricRows.push({ step, key, value });
    this.flushIfDue();
  }

  /** Every entry of `values` at one step (a learner's update metrics). */
  metrics(step: number, values: Record<string, number>): void {
    if (!this.add()) return;
    for (const key in values) this.metricRows.push({ step, key, value: values[key] });
    this.flushIfDue();
  }

  episode(row: EpisodeRow): void {
    if (!this.add()) return;
    this.episodeRows.push(row);
    this.flushIfDue();
  }

  episodes(rows: readonly EpisodeRow[]): void {
    if (rows.length === 0) return;
    if (!this.add()) return;
    for (const r of rows) this.episodeRows.push(r);
    this.flushIfDue();
  }

  /** An evaluation's episodes (config `evaluation`). */
  evaluations(rows: readonly EvaluationRow[]): void {
    if (rows.length === 0) return;
    if (!this.add()) return;
    for (const r of rows) this.evaluationRows.push(r);
    this.flushIfDue();
  }

  /** Writes what waits; resolves once it is committed. */
  flush(): Promise<void> {
    this.flushNow();
    return this.settled();
  }

  /**
   * Writes the waiting rows and `checkpoint` in one transaction, replacing
   * the run's earlier checkpoints: a stored checkpoint always comes with every
   * row added before it. With SQLite it is committed when this returns (a
   * failure throws here); the promise settles once it is.
   */
  checkpoint(checkpoint: NewCheckpoint): Promise<void> {
    if (!this.add()) return Promise.resolve();
    this.flushNow(checkpoint);
    return this.settled();
  }

  /** Flushes, ends the run with `status` and stops the timer and hooks. */
  async close(status: EndStatus = "finished", error?: string): Promise<void> {
    if (this.closed) return this.settled();
    await this.flush();
    this.detach();
    await this.store.finishRun(this.runId, status, error);
  }

  /** Stops the timer and exit hooks without flushing or ending the run. */
  detach(): void {
    this.closed = true;
    clearInterval(this.timer);
    unregister(this);
  }

  /** Synchronous flush and end, for signal and exit handlers (stores that can; others flush in the background). */
  endNow(status: EndStatus): void {
    if (this.closed) return;
    this.detach();
    this.ended = true;
    const store = this.store;
    try {
      if (canWriteSync(store)) {
        store.writeSync(this.runId, { metrics: this.metricRows, episodes: this.episodeRows, evaluations: this.evaluationRows });
        this.metricRows = [];
        this.episodeRows = [];
        this.evaluationRows = [];
        store.finishRunSync(this.runId, status);
      } else {
        this.flushNow();
        void this.pending.then(() => store.finishRun(this.runId, status)).catch(() => {});
      }
    } catch (e) {
      process.stderr.write(`rewardlab: could not save run ${this.runId} on exit: ${(e as Error).message}\n`);
    }
  }

  /** Whether to take a row: false once a signal or exit ended the writer; throws after `close()` or on a failed write. */
  private add(): boolean {
    if (this.ended) return false;
    if (this.closed) throw new Error(`RunWriter for run ${this.runId} is closed`);
    if (this.failure !== undefined) {
      const e = this.failure;
      this.failure = undefined;
      throw e;
    }
    if (this.oldest === 0) this.oldest = Date.now();
    return true;
  }

  private flushIfDue(): void {
    if (this.oldest === 0) return;
    if (this.buffered >= this.maxRows || Date.now() - this.oldest >= this.intervalMs) this.flushNow();
  }

  private flushNow(checkpoint?: NewCheckpoint): void {
    if (this.buffered === 0 && !checkpoint) return;
    const batch = { metrics: this.metricRows, episodes: this.episodeRows, evaluations: this.evaluationRows, checkpoint };
    const n = this.buffered;
    this.metricRows = [];
    this.episodeRows = [];
    this.evaluationRows = [];
    this.oldest = 0;
    const store = this.store;
    if (canWriteSync(store)) {
      try {
        store.writeSync(this.runId, batch);
        this.written += n;
      } catch (e) {
        this.putBack(batch);
        throw e;
      }
      return;
    }
    this.pending = this.pending.then(
      () =>
        store.write(this.runId, batch).then(
          () => void (this.written += n),
          (e) => {
            this.putBack(batch);
            this.failure = e;
          },
        ),
    );
  }

  /** Rows that failed to write go back in front, to be retried by the next flush. */
  private putBack(batch: { metrics: MetricRow[]; episodes: EpisodeRow[]; evaluations: EvaluationRow[] }): void {
    this.metricRows = batch.metrics.concat(this.metricRows);
    this.episodeRows = batch.episodes.concat(this.episodeRows);
    this.evaluationRows = batch.evaluations.concat(this.evaluationRows);
    if (this.oldest === 0) this.oldest = Date.now();
  }

  private async settled(): Promise<void> {
    await this.pending;
    if (this.failure !== undefined) {
      const e = this.failure;
      this.failure = undefined;
      throw e;
    }
  }
}

// ── process hooks, shared by every open writer ───────────────

const open = new Set<RunWriter>();
/** Writers that asked for signals; the listeners are on while there is one. */
const withSignals = new Set<RunWriter>();
const SIGNALS = ["SIGINT", "SIGTERM"] as const;

function onExit(): void {
  for (const w of [...open]) w.endNow("interrupted");
}

function onSignal(signal: NodeJS.Signals): void {
  const othersListen = process.listenerCount(signal) > 1;
  for (const w of [...open]) w.endNow("interrupted");
  // Nobody else handles it: stop the way the signal would have stopped us.
  if (!othersListen) {
    for (const s of SIGNALS) process.off(s, onSignal);
    process.kill(process.pid, signal);
  }
}

function register(w: RunWriter, signals: boolean): void {
  if (open.size === 0) process.on("exit", onExit);
  open.add(w);
  if (signals) {
    if (withSignals.size === 0) for (const s of SIGNALS) process.on(s, onSignal);
    withSignals.add(w);
  }
}

function unregister(w: RunWriter): void {
  if (open.delete(w) && open.size === 0) process.off("exit", onExit);
  if (withSignals.delete(w) && withSignals.size === 0) for (const s of SIGNALS) process.off(s, onSignal);
}
