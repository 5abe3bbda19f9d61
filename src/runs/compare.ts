/**
 * Compare reward designs: train every design with every seed (two at a time
 * on two cores, through a worker-thread pool), then summarize each design on
 * the primary reward with 95% confidence intervals over seeds.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { MessageChannel } from "node:worker_threads";
import { Piscina } from "piscina";
import { reviveError } from "../core/errors.js";
import type { RunConfig } from "./config.js";
import type { RecordOptions } from "./report/record.js";
import { ci95, mean } from "../core/stats.js";
import { runPersisted } from "./persist.js";
import { runTraining, type RunProgress, type RunSummary } from "./train.js";
import type { RunTask } from "./worker.js";

export interface Design {
  name: string;
  reward: RunConfig["reward"];
  /** A learner config of the design's own (default: the base config's). */
  learner?: RunConfig["learner"];
}

export interface DesignSummary {
  name: string;
  runs: RunSummary[];
  primary: { mean: number; ci: number };
  success: { mean: number; ci: number };
  /** Mean over the seeds that reached the threshold, and how many did. */
  stepsToThreshold: { mean: number; reached: number };
  /** Each term's share of the episode return, signed: mean return / Σ |mean returns|. */
  termShares: Record<string, number>;
}

export interface CompareOptions {
  /** Parallel trainings (worker threads); 1 runs in this thread. */
  workers?: number;
  onProgress?(job: number, design: string, seed: number, progress: RunProgress): void;
  onRunDone?(summary: RunSummary, design: string): void;
  /** Record visited cells and evaluation replays of gridworld runs, for a report. */
  record?: RecordOptions;
  /** Record every run in the run store at this path (with checkpoints), under a comparison; `resumeId` continues a stored run (one job). */
  persist?: { dbPath: string; comparisonId?: string | null; checkpointEvery?: number; resumeId?: string };
  /** A shared flag: when its first int is set, every run stops at its next iteration (and is checkpointed). */
  stop?: SharedArrayBuffer;
  /** When it aborts, the runs are abandoned at once (their threads terminated) and the comparison rejects. */
  abandon?: AbortSignal;
}

/** The compiled worker sits next to this file (dist/); from sources, runs stay in-process. */
function workerFile(): string | undefined {
  const path = fileURLToPath(new URL("./worker.js", import.meta.url));
  return existsSync(path) ? path : undefined;
}

export async function compareDesigns(base: RunConfig, designs: readonly Design[], options: CompareOptions = {}): Promise<DesignSummary[]> {
  const jobs = designs.flatMap((d) => base.seeds.map((seed) => ({ design: d, seed, config: { ...base, name: d.name, reward: d.reward } as RunConfig })));
  const workers = Math.min(options.workers ?? 1, jobs.length);
  // From dist/ every training runs in a worker thread, even one at a time: the
  // main thread stays free to show progress and to hear Ctrl-C.
  const file = workerFile();
  const results: RunSummary[] = new Array(jobs.length);
  const stopFlag = options.stop ? new Int32Array(options.stop) : undefined;
  const shouldStop = stopFlag ? () => Atomics.load(stopFlag, 0) !== 0 : undefined;
  if (file) {
    const pool = new Piscina({ filename: file, maxThreads: workers, minThreads: workers, idleTimeout: 1000 });
    // When a run fails, the others stop at their next iteration (checkpointed, interrupted) and the first error is thrown.
    const stop = options.stop ?? new SharedArrayBuffer(4);
    try {
      const settled = await Promise.allSettled(
        jobs.map(async (job, k) => {
          const { port1, port2 } = new MessageChannel();
          port1.on("message", (p: RunProgress) => options.onProgress?.(k, job.design.name, job.seed, p));
          const task: Omit<RunTask, "port"> = { config: job.config, seed: job.seed, record: options.record, persist: options.persist, stop };
          try {
            results[k] = await pool.run({ ...task, port: port2 }, { transferList: [port2], signal: options.abandon });
          } catch (e) {
            Atomics.store(new Int32Array(stop), 0, 1);
            throw reviveError(e);
          } finally {
            port1.close();
          }
          options.onRunDone?.(results[k], job.design.name);
        }),
      );
      const failed = settled.find((s) => s.status === "rejected");
      if (failed) throw failed.reason;
    } finally {
      await pool.destroy();
    }
  } else {
    for (const [k, job] of jobs.entries()) {
      options.abandon?.throwIfAborted();
      const hooks = { onProgress: (p: RunProgress) => options.onProgress?.(k, job.design.name, job.seed, p), shouldStop };
      results[k] = options.persist ? await runPersisted(job.config, job.seed, options.persist, hooks, options.record) : runTraining(job.config, job.seed, hooks, options.record);
      options.onRunDone?.(results[k], job.design.name);
    }
  }
  return designs.map((d) => summarize(d.name, results.filter((_, k) => jobs[k].design === d)));
}

export function summarize(name: string, runs: RunSummary[]): DesignSummary {
  const primary = runs.map((r) => r.finalPrimary);
  const success = runs.map((r) => r.finalSuccess);
  const reached = runs.map((r) => r.stepsToThreshold).filter((s): s is number => s !== null);
  const terms = Object.keys(runs[0]?.termReturns ?? {});
  const termMeans = terms.map((t) => mean(runs.map((r) => r.termReturns[t])));
  const norm = termMeans.reduce((a, b) => a + Math.abs(b), 0);
  return {
    name,
    runs,
    primary: { mean: mean(primary), ci: ci95(primary) },
    success: { mean: mean(success), ci: ci95(success) },
    stepsToThreshold: { mean: mean(reached), reached: reached.length },
    termShares: Object.fromEntries(terms.map((t, k) => [t, norm > 0 ? termMeans[k] / norm : 0])),
  };
}

/** The comparison as a terminal table. */
export function formatComparison(summaries: readonly DesignSummary[], threshold: number): string {
  const pm = (m: number, ci: number, digits: number) => (Number.isNaN(m) ? "—" : `${m.toFixed(digits)}${Number.isNaN(ci) ? "" : ` ± ${ci.toFixed(digits)}`}`);
  const head = `${"design".padEnd(14)} ${"primary return".padStart(18)} ${"success".padStart(15)} ${`steps to ${Math.round(threshold * 100)}%`.padStart(16)}  term shares of the return`;
  const lines = [head, "-".repeat(head.length + 20)];
  for (const s of summaries) {
    const steps = s.stepsToThreshold.reached ? `${Math.round(s.stepsToThreshold.mean / 1000)}k (${s.stepsToThreshold.reached}/${s.runs.length})` : `— (0/${s.runs.length})`;
    const shares = Object.entries(s.termShares).map(([t, v]) => `${t} ${(100 * v).toFixed(0)}%`).join(", ");
    lines.push(`${s.name.padEnd(14)} ${pm(s.primary.mean, s.primary.ci, 3).padStart(18)} ${pm(s.success.mean, s.success.ci, 2).padStart(15)} ${steps.padStart(16)}  ${shares}`);
  }
  lines.push("", `mean ± 95% CI over seeds, on the primary (true) reward over each run's last episodes`);
  return lines.join("\n");
}

/**
 * Plain-language observations on a comparison: which design did best on the
 * primary reward, and which designs earned most of their return from an
 * auxiliary term while doing worse on the task (the signature of reward hacking).
 */
export function observations(summaries: readonly DesignSummary[], auxiliary: (design: string, term: string) => boolean): string[] {
  if (summaries.length === 0) return [];
  const best = summaries.reduce((a, b) => (b.primary.mean > a.primary.mean ? b : a));
  const lines = [`Best on the primary reward: ${best.name} (${best.primary.mean.toFixed(3)}).`];
  for (const s of summaries) {
    const [term, share] = Object.entries(s.termShares).filter(([t]) => auxiliary(s.name, t)).reduce<[string, number]>((a, b) => (Math.abs(b[1]) > Math.abs(a[1]) ? b : a), ["", 0]);
    if (share > 0.5 && s.primary.mean < 0.5 * best.primary.mean) {
      lines.push(`${s.name}: ${Math.round(100 * share)}% of its return came from the auxiliary term "${term}" while its primary return is ${s.primary.mean.toFixed(3)}: the agent may be optimizing the heuristic, not the task (see \`rewardlab reward check\`).`);
    }
  }
  return lines;
}
