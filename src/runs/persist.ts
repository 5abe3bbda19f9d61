/**
 * A training run recorded in the run store: the run row, its metrics and
 * episodes (flushed at least every second), checkpoints every
 * `checkpointEvery` steps and when the run is stopped, and its end status.
 * `resumeId` continues a stored run from its latest checkpoint, appending to
 * the same run.
 */
import { UserError } from "../core/errors.js";
import { VERSION } from "../version.js";
import type { RunConfig } from "./config.js";
import type { RecordOptions } from "./report/record.js";
import { openStore, RunWriter } from "./store/index.js";
import { runTraining, type RunHooks, type RunSummary } from "./train.js";

export interface PersistOptions {
  dbPath: string;
  comparisonId?: string | null;
  /** Continue this stored run from its latest checkpoint. */
  resumeId?: string;
  /** Environment steps between checkpoints (default: a tenth of the budget). */
  checkpointEvery?: number;
  tags?: readonly string[];
}

export interface PersistedSummary extends RunSummary {
  runId: string;
}

export async function runPersisted(config: RunConfig, seed: number, persist: PersistOptions, hooks: RunHooks = {}, record?: RecordOptions): Promise<PersistedSummary> {
  const store = await openStore(persist.dbPath);
  let writer: RunWriter | undefined;
  try {
    let resume: unknown;
    if (persist.resumeId) {
      const checkpoint = await store.latestCheckpoint(persist.resumeId);
      if (!checkpoint?.state) throw new UserError("--resume", `run ${persist.resumeId} has no checkpoint to resume from`);
      resume = checkpoint.state;
      await store.reopenRun(persist.resumeId);
      writer = new RunWriter(store, persist.resumeId);
    } else {
      writer = await RunWriter.start(store, {
        name: config.name ?? config.env.id,
        config,
        seed,
        envId: config.env.id,
        reward: config.reward,
        learner: config.learner.algo,
        comparisonId: persist.comparisonId ?? null,
        tags: persist.tags,
        version: VERSION,
      });
    }
    const w = writer;
    let checkpointError: unknown;
    const summary = runTraining(
      config,
      seed,
      {
        ...hooks,
        onIteration(step, metrics, episodes) {
          w.metrics(step, metrics);
          w.episodes(episodes);
          hooks.onIteration?.(step, metrics, episodes);
        },
      },
      record,
      {
        resume,
        every: persist.checkpointEvery ?? Math.max(1, Math.floor(config.steps / 10)),
        onCheckpoint: (step, state) => {
          void w.flush();
          // SQLite runs each call's statements synchronously, inside the call, so the
          // checkpoint is on disk before the older ones are deleted; the promises only report errors.
          const fail = (e: unknown) => (checkpointError ??= e);
          void store.saveCheckpoint(w.runId, { step, state }).catch(fail);
          void store.deleteCheckpointsBefore(w.runId, step).catch(fail);
        },
      },
    );
    if (checkpointError) throw checkpointError;
    await w.close(summary.interrupted ? "interrupted" : "finished");
    return { ...summary, runId: w.runId };
  } catch (e) {
    // A run that stopped on an error failed, with the error's one line (a bad config too: resuming it could only fail again).
    if (writer) await writer.close("failed", e instanceof Error ? e.message : String(e)).catch(() => {});
    throw e;
  } finally {
    await store.close();
  }
}
