/**
 * A training run recorded in the run store: the run row, its metrics and
 * episodes (flushed at least every second), checkpoints (every
 * `checkpoint.seconds` of training and `checkpoint.steps` steps, when the run
 * is stopped, and at its end; each committed with the rows before it), and
 * its end status. `resumeId` continues a stored run from its latest
 * checkpoint: the rows the killed process wrote after that checkpoint are
 * deleted as the run reopens and written again by the resumed training, so a
 * resumed run's rows are the uninterrupted run's, row for row. A run killed
 * before its first checkpoint starts over.
 */
import { UserError } from "../core/errors.js";
import { VERSION } from "../version.js";
import type { RunConfig } from "./config.js";
import type { RecordOptions } from "./report/record.js";
import { openStore, RunWriter } from "./store/index.js";
import { saveRecording } from "./store/recordings.js";
import { runTraining, type RunHooks, type RunSummary } from "./train.js";

export interface PersistOptions {
  dbPath: string;
  comparisonId?: string | null;
  /** Continue this stored run from its latest checkpoint. */
  resumeId?: string;
  /** Environment steps between checkpoints (default: the config's `checkpoint.steps`, or a tenth of the budget). */
  checkpointEvery?: number;
  tags?: readonly string[];
}

/** Seconds of training between checkpoints unless the config says otherwise: a kill redoes at most this much. */
export const CHECKPOINT_SECONDS = 10;

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
      if (checkpoint && !checkpoint.state) throw new UserError("--resume", `run ${persist.resumeId} has a checkpoint without a training state (step ${checkpoint.step})`);
      resume = checkpoint?.state;
      // Rows after the checkpoint are written again; without one, the run starts over.
      await store.reopenRun(persist.resumeId, checkpoint ? checkpoint.step : -1);
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
        onEvaluation(rows) {
          w.evaluations(rows);
          hooks.onEvaluation?.(rows);
        },
      },
      record,
      {
        resume,
        every: persist.checkpointEvery ?? config.checkpoint?.steps ?? Math.max(1, Math.floor(config.steps / 10)),
        seconds: config.checkpoint?.seconds ?? CHECKPOINT_SECONDS,
        // With SQLite the rows and the checkpoint are committed inside this call (a failure throws
        // here and fails the run); the promise only reports a store that writes in the background.
        onCheckpoint: (step, state) => void w.checkpoint({ step, state, keepEarlier: config.checkpoint?.keep }).catch((e: unknown) => (checkpointError ??= e)),
      },
    );
    if (checkpointError) throw checkpointError;
    // Before the run is marked finished: a finished run's recording is there for its report.
    if (summary.recording) await saveRecording(store, w.runId, summary.recording);
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
