/**
 * `rewardlab bench sweep --queue redis://… --db postgres://…`: trials per
 * hour of one sweep (CartPole PPO trials, no early stopping) run on this
 * machine's worker threads into an SQLite file, and on 1, 2 and 4
 * `rewardlab worker` processes through the queue into PostgreSQL; the modes
 * interleaved, round after round. And the cost per job of the queue and the
 * shared store: a sweep of one-iteration trials on one worker process
 * against the same on one local thread, per trial.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { RunConfig } from "../src/runs/config.js";
import { parseConfig } from "../src/core/config.js";
import { openStore, type AnyStore } from "../src/runs/store/index.js";
import { SweepTables } from "../src/runs/store/sweeps.js";
import type { ResolvedSweep } from "../src/sweeps/config.js";
import { runSweepLocally } from "../src/sweeps/local.js";
import { enqueueOpen, waitForSweep } from "../src/sweeps/queue.js";
import { trialsOf } from "../src/sweeps/search.js";
import type { Figure } from "./harness.js";

export interface SweepBenchOptions {
  queue: string;
  db: string;
  trials: number;
  steps: number;
  rounds: number;
}

const MAIN = fileURLToPath(new URL("../src/cli/main.js", import.meta.url));

function sweepOf(trials: number, steps: number): ResolvedSweep {
  const base = parseConfig(RunConfig, { env: { id: "CartPole-v1" }, numEnvs: 4, learner: { algo: "ppo", numSteps: 128 }, steps, seeds: [0], evaluation: { episodes: 0 } });
  return { name: "bench-sweep", base, method: "grid", seed: 0, seeds: Array.from({ length: trials }, (_, k) => k), space: {} };
}

/** Seconds for the whole sweep on `threads` local threads into a fresh SQLite file. */
async function onThreads(sweep: ResolvedSweep, threads: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "rewardlab-bench-sweep-"));
  const path = join(dir, "runs.db");
  const store = await openStore(path);
  try {
    const record = await new SweepTables(store).create(sweep.name, sweep, trialsOf(sweep));
    const t0 = performance.now();
    await runSweepLocally(store, { ...sweep, id: record.id }, { dbPath: path, workers: threads });
    return (performance.now() - t0) / 1000;
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Starts `n` worker processes and resolves once each says it is taking jobs. */
async function startWorkers(n: number, o: SweepBenchOptions): Promise<ChildProcess[]> {
  return Promise.all(
    Array.from({ length: n }, () => {
      const child = spawn(process.execPath, [MAIN, "worker", "--queue", o.queue, "--db", o.db], { stdio: ["ignore", "ignore", "pipe"] });
      return new Promise<ChildProcess>((resolve, reject) => {
        let err = "";
        child.stderr!.on("data", (d: Buffer) => {
          err += d.toString();
          if (err.includes("taking sweep jobs")) resolve(child);
        });
        child.once("exit", (code) => reject(new Error(`a worker exited (${code}): ${err}`)));
      });
    }),
  );
}

/** Seconds for the whole sweep on `n` warm worker processes through the queue into the shared store. */
async function onWorkers(store: AnyStore, sweep: ResolvedSweep, n: number, o: SweepBenchOptions): Promise<number> {
  const workers = await startWorkers(n, o);
  try {
    const record = await new SweepTables(store).create(sweep.name, sweep, trialsOf(sweep));
    const t0 = performance.now();
    await enqueueOpen(o.queue, store, record.id);
    await waitForSweep(store, record.id, undefined, 50);
    return (performance.now() - t0) / 1000;
  } finally {
    for (const w of workers) w.kill("SIGTERM");
    await Promise.all(workers.map((w) => new Promise((r) => (w.exitCode !== null ? r(null) : w.once("exit", r)))));
  }
}

export async function* sweepSuite(o: SweepBenchOptions): AsyncGenerator<Figure> {
  const store = await openStore(o.db);
  try {
    const sweep = sweepOf(o.trials, o.steps);
    const tiny = sweepOf(o.trials, 512);
    const modes: { name: string; time: () => Promise<number> }[] = [
      { name: "threads-1", time: () => onThreads(sweep, 1) },
      { name: "threads-2", time: () => onThreads(sweep, 2) },
      { name: "workers-1", time: () => onWorkers(store, sweep, 1, o) },
      { name: "workers-2", time: () => onWorkers(store, sweep, 2, o) },
      { name: "workers-4", time: () => onWorkers(store, sweep, 4, o) },
    ];
    for (let round = 1; round <= o.rounds; round++) {
      // Interleaved: every mode once per round, so a drifting machine shifts all alike.
      for (const m of modes) {
        const seconds = await m.time();
        yield { suite: "sweep", name: `round ${round}: ${o.trials} trials × ${o.steps} steps, ${m.name}`, value: (o.trials * 3600) / seconds, unit: "trials/h" };
      }
      const local = await onThreads(tiny, 1);
      const queued = await onWorkers(store, tiny, 1, o);
      yield { suite: "sweep", name: `round ${round}: per one-iteration trial, 1 local thread + SQLite`, value: (1000 * local) / o.trials, unit: "ms" };
      yield { suite: "sweep", name: `round ${round}: per one-iteration trial, 1 worker + queue + PostgreSQL`, value: (1000 * queued) / o.trials, unit: "ms" };
    }
  } finally {
    await store.close();
  }
}
