/**
 * One step of a trial, wherever it runs (a local thread pool or a queue
 * worker on another machine): claim the trial, train its run from its
 * latest checkpoint up to its next rung (or to the end), and record what
 * happened. At a rung, ASHA decides whether it goes on (paused, to be
 * scheduled again) or stops (pruned). Exact resume makes the pauses free:
 * a trial trained in three steps stores the rows of one trained straight.
 *
 * A worker that dies mid-step leaves the trial "running" with its run
 * checkpointed; the step handed out again resumes the same run, found by
 * the tag it was created with even if its id was never recorded.
 */
import type { PersistedSummary } from "../runs/persist.js";
import type { AnyStore } from "../runs/store/index.js";
import { SweepTables, workerName } from "../runs/store/sweeps.js";
import type { TaskRunner } from "../runs/task-runner.js";
import type { RunProgress } from "../runs/train.js";
import { promote, rungSteps } from "./asha.js";
import { trialConfig, type ResolvedSweep } from "./config.js";

/** Trains one run task (in a worker thread, or in this one); a trial's run is always persisted. */
export type TrialRunner = TaskRunner<PersistedSummary>;

/** What became of the trial: it goes on later, it is done, or another worker holds it. */
export type StepOutcome = "again" | "done" | "taken";

export const trialTag = (sweepId: string, trial: number) => `sweep:${sweepId}/trial:${trial}`;

export interface StepOptions {
  /** Where the runs are recorded (the store's location). */
  dbPath: string;
  runner: TrialRunner;
  stop?: SharedArrayBuffer;
  worker?: string;
  onProgress?(trial: number, p: RunProgress): void;
}

export async function runTrialStep(store: AnyStore, sweep: ResolvedSweep & { id: string }, trial: number, o: StepOptions): Promise<StepOutcome> {
  const tables = new SweepTables(store);
  if (!(await tables.claim(sweep.id, trial, o.worker ?? workerName()))) return "taken";
  const t = (await tables.trial(sweep.id, trial))!;
  const tag = trialTag(sweep.id, trial);
  let config;
  try {
    config = { ...trialConfig(sweep, t.params, t.seed), name: `${sweep.name}-t${trial}` };
  } catch (e) {
    await tables.update(sweep.id, trial, { status: "failed", error: (e as Error).message });
    return "done";
  }
  const budget = config.steps;
  const rungs = sweep.early ? rungSteps(sweep.early.rungs, budget) : [];
  const next = rungs.find((s) => s > t.step);
  const runId = t.runId ?? (await store.listRuns({ tag, order: "oldest" }))[0]?.id;
  let summary: PersistedSummary;
  try {
    summary = await o.runner(
      { config, seed: t.seed, persist: { dbPath: o.dbPath, tags: [tag], ...(runId ? { resumeId: runId } : {}) }, ...(o.stop ? { stop: o.stop } : {}), ...(next !== undefined ? { untilStep: next } : {}) },
      o.onProgress && ((p) => o.onProgress!(trial, p)),
    );
  } catch (e) {
    const error = e instanceof Error ? e.message.split("\n")[0] : String(e);
    await tables.update(sweep.id, trial, { status: "failed", error, ...(runId ? { runId } : {}) });
    return "done";
  }
  if (!summary.interrupted) {
    await tables.update(sweep.id, trial, { status: "finished", runId: summary.runId, step: summary.steps, value: summary.finalPrimary, error: null });
    return "done";
  }
  if (next === undefined || summary.steps < next) {
    // Stopped before its rung (Ctrl-C): paused where its checkpoint is.
    await tables.update(sweep.id, trial, { status: "paused", runId: summary.runId });
    return "again";
  }
  const rung = rungs.indexOf(next);
  const value = summary.trainPrimary;
  await tables.recordRung(sweep.id, rung, trial, Number.isFinite(value) ? value : -Infinity);
  const recorded = [...(await tables.rungValues(sweep.id, rung)).values()];
  const goesOn = promote(value, recorded, sweep.early!.eta, sweep.early!.minTrials);
  await tables.update(sweep.id, trial, { status: goesOn ? "paused" : "pruned", runId: summary.runId, step: next, value });
  return goesOn ? "again" : "done";
}
