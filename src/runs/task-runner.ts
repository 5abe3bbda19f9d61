/**
 * Run tasks (worker.ts) on a pool of worker threads when the compiled
 * worker is there (dist/), else in this thread: what a comparison's runs
 * and a sweep's trials are trained with.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { MessageChannel } from "node:worker_threads";
import { Piscina } from "piscina";
import { reviveError } from "../core/errors.js";
import type { RunProgress, RunSummary } from "./train.js";
import type { RunTask } from "./worker.js";

/** Trains one run task; progress as it goes. */
export type TaskRunner<S extends RunSummary = RunSummary> = (task: Omit<RunTask, "port">, onProgress?: (p: RunProgress) => void) => Promise<S>;

/** The compiled worker sits next to this file (dist/); from sources, runs stay in this thread. */
export function workerFile(): string | undefined {
  const path = fileURLToPath(new URL("./worker.js", import.meta.url));
  return existsSync(path) ? path : undefined;
}

/** A runner on `threads` worker threads (from dist/), or in this thread. */
export async function threadRunner<S extends RunSummary = RunSummary>(threads: number): Promise<{ runner: TaskRunner<S>; close(): Promise<void> }> {
  // Either way a task gets a port for its progress, and a failure comes back as the error it was.
  const through =
    (execute: (task: RunTask) => Promise<unknown>): TaskRunner<S> =>
    async (task, onProgress) => {
      const { port1, port2 } = new MessageChannel();
      port1.on("message", (p: RunProgress) => onProgress?.(p));
      try {
        return (await execute({ ...task, port: port2 })) as S;
      } catch (e) {
        throw reviveError(e);
      } finally {
        port1.close();
      }
    };
  const file = workerFile();
  if (!file) {
    const { default: runTask } = await import("./worker.js");
    return { runner: through(runTask), close: async () => {} };
  }
  const pool = new Piscina({ filename: file, maxThreads: threads, minThreads: threads, idleTimeout: 1000 });
  return { runner: through((task) => pool.run(task, { transferList: [task.port] })), close: () => pool.destroy() };
}
