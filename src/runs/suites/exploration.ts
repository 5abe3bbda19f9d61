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
import type { Design, DesignSummary } from "../compare.js";
import { RunConfig } from "../config.js";
import { ci95, mean } from "../../core/stats.js";

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
  /** Final success rate (last 50 episodes), mean and 95% CI over seeds. */
  success: { mean: number; ci: number };
  /** Steps to the first successful episode over the seeds that had one, and how many did. */
  firstSuccess: { mean: number; ci: number; reached: number; runs: number };
}

export function suiteCell(s: DesignSummary): SuiteCell {
  const success = s.runs.map((r) => (Number.isNaN(r.finalSuccess) ? 0 : r.finalSuccess));
  const first = s.runs.map((r) => r.firstSuccess).filter((v): v is number => v !== null);
  return {
    success: { mean: mean(success), ci: ci95(success) },
    firstSuccess: { mean: mean(first), ci: ci95(first), reached: first.length, runs: s.runs.length },
  };
}

const pm = (m: number, ci: number, f: (x: number) => string) => (Number.isNaN(m) ? "—" : Number.isNaN(ci) ? f(m) : `${f(m)} ± ${f(ci)}`);
const kilo = (x: number) => (x >= 1e6 ? `${(x / 1e6).toFixed(1)}M` : `${Math.round(x / 1000)}k`);

/** Rows: bonuses; columns: task × variant; each cell "success ± CI | first success (reached/runs)". */
export function formatSuite(results: readonly { entry: SuiteEntry; summaries: readonly DesignSummary[] }[]): string {
  const columns = results.map((r) => `${r.entry.task} ${r.entry.variant}`);
  const bonuses = results[0]?.summaries.map((s) => s.name) ?? [];
  const cells = results.map((r) => r.summaries.map((s) => {
    const c = suiteCell(s);
    const first = c.firstSuccess.reached ? `${pm(c.firstSuccess.mean, c.firstSuccess.ci, kilo)} (${c.firstSuccess.reached}/${c.firstSuccess.runs})` : `— (0/${c.firstSuccess.runs})`;
    return [pm(c.success.mean, c.success.ci, (x) => x.toFixed(2)), first];
  }));
  const lines: string[] = [];
  for (const [k, column] of columns.entries()) {
    lines.push(column);
    lines.push(`  ${"bonus".padEnd(16)} ${"success".padStart(13)}   first success`);
    bonuses.forEach((b, j) => lines.push(`  ${b.padEnd(16)} ${cells[k][j][0].padStart(13)}   ${cells[k][j][1]}`));
    lines.push("");
  }
  lines.push("success: final success rate over each run's last 50 episodes; first success: environment steps to the first successful episode, over the runs that had one; mean ± 95% CI over seeds");
  return lines.join("\n");
}
