/**
 * Compare reward designs: train every design with every seed (two at a time
 * on two cores, through a worker-thread pool), then summarize each design on
 * the primary reward: the interquartile mean over seeds with its stratified
 * bootstrap 95% interval (rliable; always inside the seeds' range), the
 * per-seed values, and which design is better only where the probability of
 * improvement says so.
 */
import { setMaxListeners } from "node:events";
import { MessageChannel } from "node:worker_threads";
import { Piscina } from "piscina";
import { reviveError } from "../core/errors.js";
import type { RunConfig } from "./config.js";
import type { RecordOptions } from "./report/record.js";
import { Rng } from "../core/rng.js";
import { seedEstimate } from "../core/rliable-bootstrap.js";
import { mean } from "../core/stats.js";
import { MIN_SEEDS_FOR_VERDICT, poiText, versusBest } from "./seed-verdicts.js";
import { runPersisted } from "./persist.js";
import { makeVector } from "../envs/registry.js";
import { SOCIAL_METRICS, type SocialMetric, type SocialMetrics } from "../envs/multi/social-metrics.js";
import { rewardProgram } from "../rewards/make.js";
import { workerFile } from "./task-runner.js";
import { runTraining, type RunProgress, type RunSummary } from "./train.js";
import type { RunTask } from "./worker.js";

export interface Design {
  name: string;
  reward: RunConfig["reward"];
  /** A learner config of the design's own (default: the base config's). */
  learner?: RunConfig["learner"];
}

/** A point estimate and its 95% interval. */
export interface Estimate {
  point: number;
  lo: number;
  hi: number;
}

export interface DesignSummary {
  name: string;
  runs: RunSummary[];
  /** IQM over seeds with its stratified-bootstrap 95% interval (rliable), inside the seeds' range; NaN without values. */
  primaryIqm: Estimate;
  successIqm: Estimate;
  /** Mean over the seeds that reached the threshold, and how many did. */
  stepsToThreshold: { mean: number; reached: number };
  /** Each term's share of the episode return, signed: mean return / Σ |mean returns|. */
  termShares: Record<string, number>;
  /** Multi-agent environments: each population metric of the final evaluation, IQM over seeds with its interval (metrics that apply). */
  social?: Partial<Record<SocialMetric, Estimate>>;
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
    // Every queued run listens to the abandon signal: more than Node's default of 10 is expected, not a leak.
    if (options.abandon) setMaxListeners(jobs.length + 10, options.abandon);
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

export { MIN_SEEDS_FOR_VERDICT };

/** `bootstrapSeed` seeds the intervals' resampling, so a summary is reproducible. */
export function summarize(name: string, runs: RunSummary[], bootstrapSeed = 0): DesignSummary {
  const primary = runs.map((r) => r.finalPrimary);
  const success = runs.map((r) => r.finalSuccess);
  const reached = runs.map((r) => r.stepsToThreshold).filter((s): s is number => s !== null);
  const terms = Object.keys(runs[0]?.termReturns ?? {});
  const termMeans = terms.map((t) => mean(runs.map((r) => r.termReturns[t])));
  const norm = termMeans.reduce((a, b) => a + Math.abs(b), 0);
  return {
    name,
    runs,
    primaryIqm: seedEstimate(primary, "iqm", new Rng(bootstrapSeed)),
    successIqm: seedEstimate(success, "iqm", new Rng(bootstrapSeed)),
    stepsToThreshold: { mean: mean(reached), reached: reached.length },
    termShares: Object.fromEntries(terms.map((t, k) => [t, norm > 0 ? termMeans[k] / norm : 0])),
    social: socialEstimates(runs, bootstrapSeed),
  };
}

/** A run's population metrics from the evaluation its result comes from (undefined without one). */
export function finalSocial(run: RunSummary): SocialMetrics | undefined {
  const last = run.evaluations.at(-1);
  return last && run.evaluations.find((e) => e.step === last.step && e.policy === run.resultFrom)?.social;
}

function socialEstimates(runs: readonly RunSummary[], bootstrapSeed: number): DesignSummary["social"] {
  const finals = runs.map(finalSocial);
  if (runs.length === 0 || finals.some((f) => !f)) return undefined;
  const out: Partial<Record<SocialMetric, Estimate>> = {};
  for (const key of SOCIAL_METRICS) {
    const values = finals.map((f) => f![key]);
    if (values.some(Number.isNaN)) continue;
    out[key] = seedEstimate(values, "iqm", new Rng(bootstrapSeed));
  }
  return out;
}

const SOCIAL_LABELS: Record<SocialMetric, [label: string, digits: number]> = {
  collective: ["collective return", 2],
  perCapita: ["per capita", 2],
  equality: ["equality", 3],
  sustainability: ["sustainability", 3],
  peace: ["peace", 3],
  cooperation: ["cooperation", 3],
};

/** The population's metrics per design (multi-agent environments): IQM [95% interval] over seeds, each seed's values beneath; "" when no design has them. */
export function formatSocial(summaries: readonly DesignSummary[]): string {
  const shown = SOCIAL_METRICS.filter((k) => summaries.some((s) => s.social?.[k]));
  if (shown.length === 0) return "";
  const lines = ["population, per table episode of the final evaluation (Perolat et al. 2017): IQM over seeds [95% interval]"];
  for (const s of summaries) {
    lines.push(`${s.name}`);
    for (const k of shown) {
      const e = s.social?.[k];
      if (!e) continue;
      const [label, digits] = SOCIAL_LABELS[k];
      const seeds = s.runs.map((r) => finalSocial(r)![k].toFixed(digits)).join(" ");
      lines.push(`  ${label.padEnd(18)} ${`${e.point.toFixed(digits)} [${e.lo.toFixed(digits)}, ${e.hi.toFixed(digits)}]`.padStart(26)}   seeds: ${seeds}`);
    }
  }
  return lines.join("\n");
}

/** The comparison as a terminal table: IQM [95% interval] over seeds, and each seed's value beneath. */
export function formatComparison(summaries: readonly DesignSummary[], threshold: number): string {
  const est = (e: Estimate, digits: number) => (Number.isNaN(e.point) ? "—" : `${e.point.toFixed(digits)} [${e.lo.toFixed(digits)}, ${e.hi.toFixed(digits)}]`);
  const head = `${"design".padEnd(14)} ${"primary return".padStart(22)} ${"success".padStart(19)} ${`steps to ${Math.round(threshold * 100)}%`.padStart(16)}  term shares of the return`;
  const lines = [head, "-".repeat(head.length + 20)];
  for (const s of summaries) {
    const steps = s.stepsToThreshold.reached ? `${Math.round(s.stepsToThreshold.mean / 1000)}k (${s.stepsToThreshold.reached}/${s.runs.length})` : `— (0/${s.runs.length})`;
    const shares = Object.entries(s.termShares).map(([t, v]) => `${t} ${(100 * v).toFixed(0)}%`).join(", ");
    lines.push(`${s.name.padEnd(14)} ${est(s.primaryIqm, 3).padStart(22)} ${est(s.successIqm, 2).padStart(19)} ${steps.padStart(16)}  ${shares}`);
    const seeds = s.runs.map((r) => r.seed).join(", ");
    const perSeed = (f: (r: RunSummary) => number, digits: number) => s.runs.map((r) => (Number.isNaN(f(r)) ? "—" : f(r).toFixed(digits))).join(" ");
    const success = s.runs.every((r) => Number.isNaN(r.finalSuccess)) ? "" : `; success ${perSeed((r) => r.finalSuccess, 2)}`;
    lines.push(`${"".padEnd(14)}   seed${s.runs.length === 1 ? "" : "s"} ${seeds}: primary ${perSeed((r) => r.finalPrimary, 3)}${success}`);
  }
  lines.push("", `interquartile mean over seeds [95% stratified-bootstrap interval], on the primary (true) reward ${resultSource(summaries)}`);
  const social = formatSocial(summaries);
  if (social) lines.push("", social);
  return lines.join("\n");
}

/** Where the runs' results come from, in words: held-out evaluation episodes, or the last training episodes. */
export function resultSource(summaries: readonly DesignSummary[]): string {
  const runs = summaries.flatMap((s) => s.runs);
  const from = new Set(runs.map((r) => r.resultFrom));
  if (from.size === 1 && !from.has("training")) {
    const last = runs[0].evaluations.filter((e) => e.step === runs[0].evaluations.at(-1)!.step)[0];
    return `of the final policy (${last.policy}) over ${last.episodes} evaluation episodes per run on held-out seeds`;
  }
  if (from.size === 1) return "over each run's last training episodes";
  return "of the final policy on held-out evaluation episodes where a run has them, else over its last training episodes";
}

/** Names of a reward spec's auxiliary terms, as compiled against the run's environment (for `observations`). */
export function auxiliaryTermNames(spec: unknown, env: { id: string; kwargs?: Record<string, unknown> }): Set<string> {
  const program = rewardProgram(spec, makeVector(env.id, 1, { kwargs: env.kwargs }));
  return new Set(program.terms.filter((t) => t.role === "auxiliary").map((t) => t.name));
}

/**
 * Plain-language observations on a comparison: which design did best on the
 * primary reward, and which designs earned most of their return from an
 * auxiliary term while doing worse on the task (the signature of reward hacking).
 */
export function observations(summaries: readonly DesignSummary[], auxiliary: (design: string, term: string) => boolean, bootstrapSeed = 0): string[] {
  if (summaries.length === 0) return [];
  const best = summaries.reduce((a, b) => (b.primaryIqm.point > a.primaryIqm.point ? b : a));
  const lines: string[] = [];
  const fewest = Math.min(...summaries.map((s) => s.runs.length));
  if (summaries.length > 1 && fewest < MIN_SEEDS_FOR_VERDICT) {
    lines.push(`Highest IQM on the primary reward: ${best.name} (${best.primaryIqm.point.toFixed(3)}); with ${fewest} seed${fewest === 1 ? "" : "s"} per design no design is called better (that takes ${MIN_SEEDS_FOR_VERDICT} or more: --seeds ${MIN_SEEDS_FOR_VERDICT}).`);
  } else if (summaries.length > 1) {
    // Better only where P(best > other) has an interval above 1/2; otherwise say there is no clear difference.
    const designs = summaries.map((s) => ({ name: s.name, values: s.runs.map((r) => r.finalPrimary) }));
    const { versus } = versusBest(designs, bootstrapSeed);
    const unclear: string[] = [];
    for (const v of versus) {
      const other = summaries[v.other].name;
      const p = poiText(best.name, other, v.poi);
      if (v.verdict === "better") lines.push(`${best.name} is better than ${other} on the primary reward: ${p}.`);
      else unclear.push(`${other} (${p})`);
    }
    if (unclear.length) {
      // Every run of every design the same value: more seeds would not tell anything apart.
      const values = designs.flatMap((d) => d.values);
      const tail = values.every((v) => v === values[0]) ? `every run scored ${values[0]}, so nothing here tells them apart` : "more seeds would tell";
      lines.push(`No clear difference on the primary reward between ${best.name} (IQM ${best.primaryIqm.point.toFixed(3)}) and ${unclear.join(", ")}: ${tail}.`);
    }
  }
  for (const s of summaries) {
    const [term, share] = Object.entries(s.termShares).filter(([t]) => auxiliary(s.name, t)).reduce<[string, number]>((a, b) => (Math.abs(b[1]) > Math.abs(a[1]) ? b : a), ["", 0]);
    if (share > 0.5 && s.primaryIqm.point < 0.5 * best.primaryIqm.point) {
      lines.push(`${s.name}: ${Math.round(100 * share)}% of its return came from the auxiliary term "${term}" while its primary return is ${s.primaryIqm.point.toFixed(3)}: the agent may be optimizing the heuristic, not the task (see \`rewardlab reward check\`).`);
    }
  }
  return lines;
}
