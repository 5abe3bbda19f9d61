/**
 * Summaries of stored runs, for reports and tables after the fact: the
 * learning curve from the stored episodes (windowed by steps), the final
 * primary return and success over the run's last episodes, each term's
 * return, and what the run recorded for its report while training (visits,
 * evaluation replays) when it kept a recording.
 */
import { parseConfig } from "../core/config.js";
import { UserError } from "../core/errors.js";
import { summarize, type DesignSummary } from "./compare.js";
import { RunConfig } from "./config.js";
import { findRun, type AnyStore, type Store } from "./store/index.js";
import { loadRecording } from "./store/recordings.js";
import type { RunRecord } from "./store/types.js";
import { result, type RunSummary } from "./train.js";
import { summarizeEvaluations } from "./evaluate.js";

export interface StoredSelection {
  title: string;
  config: RunConfig;
  designs: DesignSummary[];
  rewards: Record<string, unknown>;
}

/** A comparison id gives all its runs grouped by design; a run id gives that run. */
export async function storedSelection(store: Store, id: string): Promise<StoredSelection> {
  const comparison = await store.getComparison(id);
  const runs = comparison ? await store.listRuns({ comparisonId: id, order: "oldest" }) : [await findRun(store, id, "id")];
  if (runs.length === 0) throw new UserError("id", `comparison ${id} has no runs`);
  const config = parseConfig(RunConfig, runs[0].config, "run.config");
  const byDesign = new Map<string, RunSummary[]>();
  const rewards: Record<string, unknown> = {};
  for (const run of runs) {
    const summary = await storedSummary(store, run);
    byDesign.set(run.name, [...(byDesign.get(run.name) ?? []), summary]);
    rewards[run.name] = run.reward;
  }
  const title = comparison ? `Reward design comparison: ${comparison.name}` : `Training run: ${runs[0].name}`;
  return { title, config, designs: [...byDesign].map(([name, rs]) => summarize(name, rs)), rewards };
}

/**
 * Rebuilds a run's summary exactly as training computed it: the stored
 * iteration steps (the `global_step` metric) are the points of the curve,
 * each over the last `window` episodes finished by then.
 */
export async function storedSummary(store: Store, run: RunRecord): Promise<RunSummary & { runId: string }> {
  const config = parseConfig(RunConfig, run.config, "run.config");
  const episodes = await store.episodes(run.id);
  // Kept by runs trained with a report (visits, evaluation replays); both stores keep them.
  const recording = "access" in store ? await loadRecording(store as AnyStore, run.id) : undefined;
  const evaluations = summarizeEvaluations(await store.evaluations(run.id), config.evaluation.policies);
  const iterations = (await store.metricSeries(run.id, "global_step")).map((p) => p.step);
  const steps = iterations.length ? iterations : [...new Set(episodes.map((e) => e.step))];
  const termNames = Object.keys(episodes[0]?.terms ?? {});
  const curve: RunSummary["curve"] = [];
  let stepsToThreshold: number | null = null;
  let k = 0;
  let recent: typeof episodes = [];
  const meanOf = (f: (e: (typeof episodes)[number]) => number) => recent.reduce((s, e) => s + f(e), 0) / recent.length;
  for (const step of steps) {
    const start = k;
    while (k < episodes.length && episodes[k].step <= step) k++;
    recent = [...recent, ...episodes.slice(start, k)].slice(-config.window);
    const point = { step, primary: meanOf((e) => e.primary), success: meanOf((e) => e.success), total: meanOf((e) => e.return), terms: Object.fromEntries(termNames.map((t) => [t, meanOf((e) => e.terms[t])])) };
    curve.push(point);
    if (stepsToThreshold === null && recent.length >= Math.min(config.window, 10) && point.success >= config.successThreshold) stepsToThreshold = step;
  }
  return {
    runId: run.id,
    name: run.name,
    seed: run.seed,
    steps: steps.at(-1) ?? 0,
    seconds: (Date.parse(run.updatedAt) - Date.parse(run.createdAt)) / 1000,
    episodes: episodes.length,
    ...result(evaluations, meanOf((e) => e.primary), meanOf((e) => e.success)),
    finalReturn: meanOf((e) => e.return),
    stepsToThreshold,
    firstSuccess: episodes.find((e) => e.success === 1)?.step ?? null,
    termReturns: Object.fromEntries(termNames.map((t) => [t, meanOf((e) => e.terms[t])])),
    curve,
    evaluations,
    interrupted: run.status !== "finished",
    ...(recording ? { recording: recording as RunSummary["recording"] } : {}),
  };
}
