/**
 * Sweeps on a BullMQ queue in Redis: one job per step of a trial (to its
 * next rung, or to the end). `rewardlab worker` processes, on any machine
 * that reaches the queue and the store, take the jobs; a worker that
 * finishes a step which goes on adds the next one. A job's lock is renewed
 * while it trains (the training runs in a worker thread, so the event loop
 * stays free); a killed worker's job is handed out again once its lock has
 * lapsed, and resumes the trial's run from its last checkpoint. Job ids
 * name the trial and its step, so the same step is never queued twice.
 */
import { Queue, UnrecoverableError, Worker } from "bullmq";
import { Redis } from "ioredis";
import { UserError } from "../core/errors.js";
import type { AnyStore } from "../runs/store/index.js";
import { redactUrl } from "../runs/store/index.js";
import { SweepTables } from "../runs/store/sweeps.js";
import { DEFAULT_RANDOM_CONFIGS, type ResolvedSweep } from "./config.js";
import { OPEN } from "./local.js";
import { proposeMore } from "./search.js";
import { threadRunner } from "../runs/task-runner.js";
import type { PersistedSummary } from "../runs/persist.js";
import { runTrialStep, type StepOutcome } from "./trial.js";

export const QUEUE_NAME = "rewardlab-sweeps";

export interface TrialJob {
  sweepId: string;
  trial: number;
}

/** Checks Redis answers, then a connection for BullMQ (which retries for ever once it has one). */
export async function connect(url: string): Promise<Redis> {
  if (!/^rediss?:\/\//.test(url)) throw new UserError("--queue", `expected a Redis URL like redis://127.0.0.1:6379, got ${JSON.stringify(redactUrl(url))}`);
  const probe = new Redis(url, { lazyConnect: true, connectTimeout: 5000, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  probe.on("error", () => {});
  try {
    await probe.connect();
    await probe.ping();
  } catch (e) {
    throw new UserError("--queue", `cannot reach Redis at ${redactUrl(url)} (${(e as Error).message})`);
  } finally {
    probe.disconnect();
  }
  const redis = new Redis(url, { maxRetriesPerRequest: null });
  redis.on("error", () => {}); // reconnects on its own; a lost server shows as jobs not moving
  return redis;
}

/** Fails (one line naming --queue) unless Redis answers at `url`: before a sweep is stored for a queue that is not there. */
export async function checkQueue(url: string): Promise<void> {
  (await connect(url)).disconnect();
}

const jobId = (sweepId: string, trial: number, step: number) => `${sweepId}.${trial}.${step}`;
const JOB_OPTIONS = { attempts: 3, backoff: { type: "fixed", delay: 1000 }, removeOnComplete: true, removeOnFail: 1000 };

/** Queues a job for every open trial of the sweep; how many. */
export async function enqueueOpen(url: string, store: AnyStore, sweepId: string): Promise<number> {
  const connection = await connect(url);
  const queue = new Queue<TrialJob>(QUEUE_NAME, { connection });
  try {
    const open = (await new SweepTables(store).trials(sweepId)).filter((t) => OPEN.includes(t.status));
    await queue.addBulk(open.map((t) => ({ name: "trial", data: { sweepId, trial: t.trial }, opts: { ...JOB_OPTIONS, jobId: jobId(sweepId, t.trial, t.step) } })));
    return open.length;
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

/** Waits until no trial of the sweep is open (finished) or the sweep is stopped, calling `onTick` as it polls. */
export async function waitForSweep(store: AnyStore, sweepId: string, onTick?: () => Promise<void> | void, pollMs = 500): Promise<"finished" | "stopped"> {
  const tables = new SweepTables(store);
  for (;;) {
    await onTick?.();
    const [sweep, trials] = [await tables.get(sweepId), await tables.trials(sweepId)];
    const config = sweep?.config as ResolvedSweep | undefined;
    // A TPE sweep short of its configurations gets more as its trials end: not done yet.
    const more = config?.method === "tpe" && new Set(trials.map((t) => t.configIndex)).size < (config.configs ?? DEFAULT_RANDOM_CONFIGS);
    if (!more && !trials.some((t) => OPEN.includes(t.status))) {
      await tables.setStatus(sweepId, "finished");
      return "finished";
    }
    if (sweep?.status === "stopped") return "stopped";
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

export interface WorkerOptions {
  /** The store's location, as runs are recorded there. */
  dbPath: string;
  threads: number;
  /** How long a job's lock lasts unless renewed (BullMQ's lockDuration; a dead worker's job waits this long). */
  lockMs?: number;
  /** How often stalled jobs are looked for. */
  stalledMs?: number;
  onStep?(job: TrialJob, outcome: StepOutcome | "stopped"): void;
}

/** A queue worker: takes trial jobs until closed. */
export async function startWorker(url: string, store: AnyStore, o: WorkerOptions): Promise<{ close(): Promise<void> }> {
  const connection = await connect(url);
  const queue = new Queue<TrialJob>(QUEUE_NAME, { connection });
  const { runner, close } = await threadRunner<PersistedSummary>(o.threads);
  const tables = new SweepTables(store);
  const worker = new Worker<TrialJob>(
    QUEUE_NAME,
    async (job) => {
      const { sweepId, trial } = job.data;
      const record = await tables.get(sweepId);
      if (!record) throw new UnrecoverableError(`sweep ${sweepId} is not in this worker's store (${store.where})`);
      if (record.status !== "running") {
        o.onStep?.(job.data, "stopped");
        return "stopped";
      }
      const outcome = await runTrialStep(store, { ...(record.config as ResolvedSweep), id: sweepId }, trial, { dbPath: o.dbPath, runner });
      if (outcome === "again") {
        const t = (await tables.trial(sweepId, trial))!;
        await queue.add("trial", { sweepId, trial }, { ...JOB_OPTIONS, jobId: jobId(sweepId, trial, t.step) });
      } else if (outcome === "done") {
        const added = await proposeMore(tables, { ...(record.config as ResolvedSweep), id: sweepId });
        if (added.length) await queue.addBulk(added.map((t) => ({ name: "trial", data: { sweepId, trial: t.trial }, opts: { ...JOB_OPTIONS, jobId: jobId(sweepId, t.trial, 0) } })));
        else if (!(await tables.trials(sweepId)).some((t) => OPEN.includes(t.status))) await tables.setStatus(sweepId, "finished");
      }
      o.onStep?.(job.data, outcome);
      return outcome;
    },
    { connection, concurrency: o.threads, lockDuration: o.lockMs ?? 30_000, stalledInterval: o.stalledMs ?? 15_000, maxStalledCount: 3 },
  );
  worker.on("error", () => {}); // connection trouble: BullMQ retries
  return {
    close: async () => {
      // Forced: the step in flight is given up (its lock lapses and another worker resumes the run from its checkpoint).
      await worker.close(true);
      await queue.close();
      await close();
      connection.disconnect();
    },
  };
}
