/**
 * A worker thread's task: one training run. Progress goes back through the
 * message port passed with the task; the summary is the task's result. A
 * `UserError` goes back as data (`serializeError`), rebuilt by the caller.
 */
import type { MessagePort } from "node:worker_threads";
import { serializeError } from "../core/errors.js";
import type { RunConfig } from "./config.js";
import type { RecordOptions } from "./report/record.js";
import { runPersisted, type PersistOptions } from "./persist.js";
import { runTraining, type RunProgress, type RunSummary } from "./train.js";

export interface RunTask {
  config: RunConfig;
  seed: number;
  port: MessagePort;
  record?: RecordOptions;
  persist?: PersistOptions;
  /** Shared stop flag (Ctrl-C in the main thread sets it). */
  stop?: SharedArrayBuffer;
  /** Stop (checkpointed, interrupted) once training has passed this many steps: a sweep trial's next rung. */
  untilStep?: number;
}

export default async function runTask({ config, seed, port, record, persist, stop, untilStep }: RunTask): Promise<RunSummary> {
  const flag = stop ? new Int32Array(stop) : undefined;
  let step = 0;
  const hooks = {
    onProgress: (p: RunProgress) => {
      step = p.step;
      port.postMessage(p);
    },
    shouldStop: flag || untilStep !== undefined ? () => (flag !== undefined && Atomics.load(flag, 0) !== 0) || (untilStep !== undefined && step >= untilStep) : undefined,
  };
  try {
    return persist ? await runPersisted(config, seed, persist, hooks, record) : runTraining(config, seed, hooks, record);
  } catch (e) {
    // A UserError would reach the main thread as a plain Error (an "internal error"): send it as data.
    throw serializeError(e);
  } finally {
    port.close();
  }
}
