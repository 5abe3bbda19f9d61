/**
 * `rewardlab worker --queue redis://… --db postgres://…`: takes sweep jobs
 * and trains them until stopped (Ctrl-C or SIGTERM: the step in flight is
 * given up, and handed to another worker once its lock lapses; its run
 * resumes from its last checkpoint).
 */
import { defaultStoreLocation, openStore, redactUrl } from "../../runs/store/index.js";
import { intOption } from "../args.js";

export interface WorkerCliOptions {
  queue: string;
  db?: string;
  threads?: string;
  lock?: string;
}

export async function worker(opts: WorkerCliOptions): Promise<void> {
  const threads = intOption(opts.threads ?? "1", "--threads", 1, 256);
  const lockMs = opts.lock === undefined ? undefined : 1000 * intOption(opts.lock, "--lock", 1, 3600);
  const location = opts.db ?? defaultStoreLocation();
  const store = await openStore(location);
  const { startWorker } = await import("../../sweeps/queue.js");
  const w = await startWorker(opts.queue, store, {
    dbPath: location,
    threads,
    ...(lockMs ? { lockMs, stalledMs: Math.max(500, Math.round(lockMs / 2)) } : {}),
    onStep: (job, outcome) => console.log(`sweep ${job.sweepId} trial ${job.trial}: ${outcome === "again" ? "paused at a rung, goes on" : outcome === "done" ? "done" : outcome === "taken" ? "already taken" : "sweep stopped"}`),
  });
  process.stderr.write(`worker ${process.pid}: taking sweep jobs from ${redactUrl(opts.queue)}, recording into ${redactUrl(location)} (${threads} thread${threads === 1 ? "" : "s"})\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await w.close();
  await store.close();
}
