/**
 * A worker thread's task: one training run. Progress goes back through the
 * message port passed with the task; the summary is the task's result.
 */
import type { MessagePort } from "node:worker_threads";
import type { RunConfig } from "./config.js";
import type { RecordOptions } from "./report/record.js";
import { runTraining, type RunSummary } from "./train.js";

export interface RunTask {
  config: RunConfig;
  seed: number;
  port: MessagePort;
  record?: RecordOptions;
}

export default function runTask({ config, seed, port, record }: RunTask): RunSummary {
  try {
    return runTraining(config, seed, { onProgress: (p) => port.postMessage(p) }, record);
  } finally {
    port.close();
  }
}
