/**
 * The exploration suite, after Henaff et al. 2023 ("A Study of Global and
 * Episodic Bonuses for Exploration in Contextual MDPs"): PPO with each
 * exploration bonus on sparse-reward gridworlds, each in a **contextual**
 * variant (a new layout every episode) and a **singleton** variant (one
 * layout for every episode of a run). The paper's finding: episodic bonuses
 * win when episodes share little structure (contextual), global bonuses when
 * they share much (singleton), and their product is robust across both.
 */
import type { RewardSpecInput } from "../../rewards/spec.js";
import { seedEstimate, type SeedEstimate } from "../../core/rliable-bootstrap.js";
import { Rng } from "../../core/rng.js";
import { MIN_SEEDS_FOR_VERDICT, resultSource, type Design, type DesignSummary } from "../compare.js";
import { RunConfig } from "../config.js";
import { versusBest, versusLines } from "../seed-verdicts.js";

export const EXPLORATION_TASKS = ["KeyCorridorS3R3", "MultiRoom-N4-S5", "ObstructedMaze-1Dl", "DoorKey-16x16"] as const;

/** How many fixed layouts each variant draws episodes from (undefined: a new one every episode). */
export const EXPLORATION_VARIANTS = { contextual: undefined, singleton: 1 } as const;
export type Variant = keyof typeof EXPLORATION_VARIANTS;

const task = { kind: "task" } as const;
// β = 0.01 for every bonus: a gridworld's task reward is at most 1, and a
// bonus of about 1 per new state then adds about as much over an episode.
const weight = 0.01;
const globalCount = { kind: "intrinsic", module: "count", options: { hash: "simhash", bits: 32 } } as const;
const episodicCount = { kind: "intrinsic", module: "episodic-count" } as const;

/** The designs compared: the task's reward alone, and with each bonus. */
export const EXPLORATION_BONUSES: Record<string, RewardSpecInput> = {
  none: { terms: [task] },
  count: { terms: [task, { ...globalCount, weight }] },
  rnd: { terms: [task, { kind: "intrinsic", module: "rnd", weight }] },
  "episodic-count": { terms: [task, { ...episodicCount, weight }] },
  e3b: { terms: [task, { kind: "intrinsic", module: "e3b", weight, options: { normalize: "rms" } }] },
  // NGU's and the paper's robust default: the global bonus times the episodic one.
  "count×episodic": { terms: [task, { kind: "combine", op: "product", name: "count×episodic", weight, terms: [globalCount, episodicCount] }] },
};

export interface SuiteOptions {
  steps: number;
  /** A count n (seeds 0 … n − 1) or the seeds themselves. */
  seeds: number | readonly number[];
  tasks?: readonly string[];
  bonuses?: readonly string[];
  variants?: readonly Variant[];
}

export interface SuiteEntry {
  task: string;
  variant: Variant;
  config: RunConfig;
  designs: Design[];
}

/** One comparison per task and variant, each over the chosen bonuses. */
export function explorationSuite(o: SuiteOptions): SuiteEntry[] {
  const tasks = o.tasks ?? EXPLORATION_TASKS;
  const bonuses = o.bonuses ?? Object.keys(EXPLORATION_BONUSES);
  const variants = o.variants ?? (Object.keys(EXPLORATION_VARIANTS) as Variant[]);
  const designs = bonuses.map((name) => ({ name, reward: EXPLORATION_BONUSES[name] as RunConfig["reward"] }));
  return tasks.flatMap((id) =>
    variants.map((variant) => ({
      task: id,
      variant,
      designs,
      config: RunConfig.parse({
        name: `${id} ${variant}`,
        env: { id, layouts: EXPLORATION_VARIANTS[variant] },
        numEnvs: 16,
        learner: { algo: "ppo", numSteps: 128 },
        steps: o.steps,
        seeds: typeof o.seeds === "number" ? Array.from({ length: o.seeds }, (_, i) => i) : [...o.seeds],
        window: 50,
      }),
    })),
  );
}

export interface SuiteCell {
  /** Final success rate (the runs' results: held-out evaluation episodes, or the last 50 training episodes without them): IQM over seeds with its 95% stratified-bootstrap interval, and each seed's value. */
  success: SeedEstimate & { perSeed: number[] };
  /** Steps to the first successful episode: IQM over the seeds that had one with its interval, each seed's (null: none), and how many had one. */
  firstSuccess: SeedEstimate & { perSeed: (number | null)[]; reached: number; runs: number };
}

/** A design's cell; `bootstrapSeed` seeds the intervals' resampling, so a table is reproducible. */
export function suiteCell(s: DesignSummary, bootstrapSeed = 0): SuiteCell {
  const success = successes(s);
  const perFirst = s.runs.map((r) => r.firstSuccess);
  const first = perFirst.filter((v): v is number => v !== null);
  return {
    success: { ...seedEstimate(success, "iqm", new Rng(bootstrapSeed)), perSeed: success },
    firstSuccess: { ...seedEstimate(first, "iqm", new Rng(bootstrapSeed)), perSeed: perFirst, reached: first.length, runs: s.runs.length },
  };
}

/** Each run's final success rate, 0 for a task that reports none. */
const successes = (s: DesignSummary) => s.runs.map((r) => (Number.isNaN(r.finalSuccess) ? 0 : r.finalSuccess));

const kilo = (x: number) => (x >= 1e6 ? `${(x / 1e6).toFixed(1)}M` : `${Math.round(x / 1000)}k`);
const interval = (e: SeedEstimate, f: (x: number) => string) => (Number.isNaN(e.point) ? "—" : `${f(e.point)} [${f(e.lo)}, ${f(e.hi)}]`);
const rate = (x: number) => x.toFixed(2);

/**
 * Rows: bonuses, each with its seeds' values beneath; a block per task ×
 * variant: success "IQM [interval]", first success "IQM [interval]
 * (reached/runs)", then which bonus is better on success, only where the
 * probability of improvement says so.
 */
export function formatSuite(results: readonly { entry: SuiteEntry; summaries: readonly DesignSummary[] }[]): string {
  const lines: string[] = [];
  for (const { entry, summaries } of results) {
    lines.push(`${entry.task} ${entry.variant}`);
    lines.push(`  ${"bonus".padEnd(16)} ${"success".padStart(18)}   first success`);
    for (const s of summaries) {
      const c = suiteCell(s);
      const first = `${interval(c.firstSuccess, kilo)} (${c.firstSuccess.reached}/${c.firstSuccess.runs})`;
      lines.push(`  ${s.name.padEnd(16)} ${interval(c.success, rate).padStart(18)}   ${first}`);
      const seeds = s.runs.map((r) => r.seed).join(", ");
      lines.push(`  ${"".padEnd(16)}   seed${s.runs.length === 1 ? "" : "s"} ${seeds}: success ${c.success.perSeed.map(rate).join(" ")}; first success ${c.firstSuccess.perSeed.map((v) => (v === null ? "—" : kilo(v))).join(" ")}`);
    }
    const values = summaries.map((s) => ({ name: s.name, values: successes(s) }));
    for (const line of versusLines(values, versusBest(values), "success")) lines.push(`  ${line}`);
    lines.push("");
  }
  lines.push(
    `success: the success rate ${resultSource(results.flatMap((r) => r.summaries))}; first success: environment steps to the first successful training episode, over the runs that had one (how many did);`,
    `interquartile mean over seeds [95% stratified-bootstrap interval], each seed's value beneath; a bonus is called better only with ${MIN_SEEDS_FOR_VERDICT}+ seeds each and P(better > other) above 1/2 over its whole interval`,
  );
  return lines.join("\n");
}
