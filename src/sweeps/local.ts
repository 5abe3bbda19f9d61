/**
 * A sweep on this machine: its unfinished trials on `workers` threads,
 * breadth first (a trial paused at a rung goes to the back of the line, so
 * the others reach that rung before ASHA is asked about it again). The
 * first Ctrl-C (`stop`) lets the trials in flight checkpoint and pause;
 * the sweep is then stopped, and `rewardlab sweep resume` goes on from
 * there.
 */
import type { AnyStore } from "../runs/store/index.js";
import { SweepTables, type TrialStatus } from "../runs/store/sweeps.js";
import type { RunProgress } from "../runs/train.js";
import type { ResolvedSweep } from "./config.js";
import { proposeMore } from "./search.js";
import { threadRunner } from "../runs/task-runner.js";
import type { PersistedSummary } from "../runs/persist.js";
import { runTrialStep, type StepOutcome } from "./trial.js";

export interface LocalOptions {
  dbPath: string;
  workers: number;
  stop?: SharedArrayBuffer;
  onProgress?(trial: number, p: RunProgress): void;
  onStep?(trial: number, outcome: StepOutcome): void;
}

/** Trials a worker may take: not finished, pruned or failed. */
export const OPEN: readonly TrialStatus[] = ["pending", "running", "paused"];

export async function runSweepLocally(store: AnyStore, sweep: ResolvedSweep & { id: string }, o: LocalOptions): Promise<"finished" | "stopped"> {
  const tables = new SweepTables(store);
  const trials = await tables.trials(sweep.id);
  const line = [...trials.filter((t) => t.status === "pending"), ...trials.filter((t) => t.status === "running" || t.status === "paused")].map((t) => t.trial);
  const stopped = () => o.stop !== undefined && Atomics.load(new Int32Array(o.stop), 0) !== 0;
  const { runner, close } = await threadRunner<PersistedSummary>(o.workers);
  try {
    let inFlight = 0;
    const lane = async () => {
      while (!stopped()) {
        const trial = line.shift();
        if (trial === undefined) {
          // Nothing to take: done unless a trial in flight may still add more (going on, or a TPE proposal).
          if (inFlight === 0) return;
          await new Promise((r) => setTimeout(r, 20));
          continue;
        }
        inFlight++;
        try {
          const outcome = await runTrialStep(store, sweep, trial, { dbPath: o.dbPath, runner, stop: o.stop, onProgress: o.onProgress });
          o.onStep?.(trial, outcome);
          if (outcome === "again" && !stopped()) line.push(trial);
          if (outcome === "done") line.push(...(await proposeMore(tables, sweep)).map((t) => t.trial));
        } finally {
          inFlight--;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, o.workers) }, lane));
  } finally {
    await close();
  }
  const open = (await tables.trials(sweep.id)).some((t) => OPEN.includes(t.status));
  const status = open ? "stopped" : "finished";
  await tables.setStatus(sweep.id, status);
  return status;
}
