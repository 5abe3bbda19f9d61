/**
 * The Donor Game study, after Vallinder & Hughes 2024: a population of 12
 * strategies evolves over generations in the Donor Game with and without
 * costly punishment; the paper's measure is the population's mean final
 * resources in each generation. Strategies are rules of indirect
 * reciprocity that mutate, learned policies that copy survivors, or
 * strategies an LLM writes (runs/donor/).
 */
import { Rng } from "../../core/rng.js";
import { seedEstimate } from "../../core/rliable-bootstrap.js";
import type { ChatModel } from "../../providers/chat.js";
import { donorSetup, evolve, type GenerationRecord } from "../donor/evolution.js";
import { learnedPopulation } from "../donor/learned.js";
import { llmPopulation } from "../donor/llm.js";
import { rulePopulation } from "../donor/rules.js";
import { versusBest, versusLines } from "../seed-verdicts.js";

export const DONOR_STRATEGIES = ["rules", "learned", "llm"] as const;
export type DonorStrategies = (typeof DONOR_STRATEGIES)[number];
export const DONOR_VARIANTS = ["DonorGame", "DonorGame-Punish"] as const;

export interface DonorStudyOptions {
  strategies: DonorStrategies;
  seeds: readonly number[];
  generations: number;
  /** Games per generation. */
  games: number;
  /** Learned strategies: agent-steps of training per generation. */
  steps: number;
  /** LLM strategies: the model (live, recorded or replayed). */
  model?: ChatModel;
  kwargs?: Record<string, unknown>;
  onGeneration?: (variant: string, seed: number, record: GenerationRecord) => void;
}

export interface DonorStudyResult {
  variant: (typeof DONOR_VARIANTS)[number];
  /** Per seed, one record per generation. */
  runs: { seed: number; records: GenerationRecord[]; failures: number }[];
}

/** The paper's setting: 12 players, 12 rounds per generation. */
export const DONOR_DEFAULTS = { players: 12, rounds: 12 };

export async function donorStudy(o: DonorStudyOptions): Promise<DonorStudyResult[]> {
  const kwargs = { ...DONOR_DEFAULTS, ...o.kwargs };
  const results: DonorStudyResult[] = [];
  for (const variant of DONOR_VARIANTS) {
    const setup = donorSetup(variant, kwargs);
    const runs: DonorStudyResult["runs"] = [];
    for (const seed of o.seeds) {
      const population =
        o.strategies === "rules"
          ? rulePopulation(setup, new Rng(seed).split())
          : o.strategies === "learned"
            ? learnedPopulation(setup, { envId: variant, kwargs, steps: o.steps, seed })
            : await llmPopulation(o.model!, setup);
      const records = await evolve(population, { envId: variant, kwargs, generations: o.generations, games: o.games, seed, onGeneration: (r) => o.onGeneration?.(variant, seed, r) });
      runs.push({ seed, records, failures: population.failures?.() ?? 0 });
    }
    results.push({ variant, runs });
  }
  return results;
}

const f2 = (x: number) => x.toFixed(2);

/** The study's tables: the last generation's mean resources and cooperation per variant (IQM over seeds, per-seed values), the curve over generations, the verdict, and what the last generation believes. */
export function formatDonorStudy(results: readonly DonorStudyResult[], bootstrapSeed = 0): string {
  const lines: string[] = [];
  const last = (r: DonorStudyResult["runs"][number]) => r.records[r.records.length - 1];
  lines.push("| variant | mean final resources, last generation: IQM [95% CI] | per seed | cooperation (share given) | punishments | unreadable answers |");
  lines.push("|---|---|---|---|---|---|");
  for (const res of results) {
    const values = res.runs.map((r) => last(r).meanResources);
    const e = seedEstimate(values, "iqm", new Rng(bootstrapSeed));
    const coop = seedEstimate(res.runs.map((r) => last(r).cooperation), "iqm", new Rng(bootstrapSeed));
    const punish = res.runs.map((r) => last(r).punishRate);
    lines.push(
      `| ${res.variant} | ${f2(e.point)} [${f2(e.lo)}, ${f2(e.hi)}] | ${values.map(f2).join(", ")} | ${f2(coop.point)} [${f2(coop.lo)}, ${f2(coop.hi)}] | ${f2(punish.reduce((a, b) => a + b, 0) / punish.length)} | ${res.runs.reduce((a, r) => a + r.failures, 0)} |`,
    );
  }
  const generations = results[0].runs[0].records.length;
  lines.push("", `Mean final resources by generation (mean over seeds):`, "");
  lines.push(`| variant | ${Array.from({ length: generations }, (_, g) => g + 1).join(" | ")} |`);
  lines.push(`|---|${"---|".repeat(generations)}`);
  for (const res of results) {
    const row = Array.from({ length: generations }, (_, g) => f2(res.runs.reduce((a, r) => a + r.records[g].meanResources, 0) / res.runs.length));
    lines.push(`| ${res.variant} | ${row.join(" | ")} |`);
  }
  const designs = results.map((res) => ({ name: res.variant, values: res.runs.map((r) => last(r).meanResources) }));
  const verdicts = versusLines(designs, versusBest(designs, bootstrapSeed), "mean final resources in the last generation");
  if (verdicts.length) lines.push("", ...verdicts);
  for (const res of results) {
    const r = res.runs[0];
    lines.push("", `${res.variant}, seed ${r.seed}, last generation's strategies:`, ...last(r).strategies.map((s) => `  ${s}`));
  }
  return lines.join("\n");
}
