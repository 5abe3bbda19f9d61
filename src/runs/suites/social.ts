/**
 * The social suite's studies. Every agent learns from its own payoff with
 * PPO, one policy shared by the population (or, with `learner: ippo`, one
 * learner per agent); each variant's final policy
 * is evaluated on held-out episodes and measured as a population
 * (envs/multi/social-metrics.ts).
 *
 * - `society`: the society game with its mechanisms switched on one by one,
 *   after Dasgupta & Musolesi 2023 ("Investigating the Impact of Direct
 *   Punishment on the Emergence of Cooperation in Multi-Agent Reinforcement
 *   Learning Systems"): none, direct punishment, + third-party punishment,
 *   + partner selection, + reputation (fines count in the payoff).
 * - `commons`: the commons harvest with and without the zap beam, after
 *   Perolat et al. 2017: sanctions against sustainability and collective
 *   return.
 */
import type { RewardSpecInput } from "../../rewards/spec.js";
import { finalSocial, type Design, type DesignSummary } from "../compare.js";
import { RunConfig } from "../config.js";
import { versusBest, versusLines } from "../seed-verdicts.js";
import type { SocialMetric } from "../../envs/multi/social-metrics.js";

/** The society variants, in the order the mechanisms are added. */
export const SOCIETY_VARIANTS = ["Society", "Society-DP", "Society-DP-TP", "Society-DP-TP-PS", "Society-DP-TP-PS-Rep"] as const;

const SELFISH: RewardSpecInput = { terms: [{ kind: "task" }] };

export const SOCIAL_STUDIES = ["society", "commons"] as const;
export type SocialStudy = (typeof SOCIAL_STUDIES)[number];

/** The commons variants: the zap beam on (the default) and off. */
export const COMMONS_VARIANTS: Record<string, Record<string, unknown>> = {
  zap: { players: 4, zap: true },
  "no zap": { players: 4, zap: false },
};

export interface SocialSuiteOptions {
  steps: number;
  seeds: number | readonly number[];
  /** Default: society. */
  study?: SocialStudy;
  /** Society variants (the society study). */
  variants?: readonly string[];
  /** One policy shared by all agents (`ppo`, the default) or one learner per agent (`ippo`). */
  learner?: "ppo" | "ippo";
}

export interface SocialEntry {
  variant: string;
  config: RunConfig;
  designs: Design[];
}

/** One comparison per variant of the study: the society's (8 players) or the commons' (4 players). */
export function socialSuite(o: SocialSuiteOptions): SocialEntry[] {
  const seeds = typeof o.seeds === "number" ? Array.from({ length: o.seeds }, (_, i) => i) : [...o.seeds];
  // Four tables per run; the evaluation plays one episode per row, i.e. every seat of the four tables once.
  const entry = (variant: string, name: string, env: { id: string; kwargs: Record<string, unknown> }, agents: number, numSteps: number): SocialEntry => ({
    variant,
    config: RunConfig.parse({ name, env, numEnvs: 4, steps: o.steps, seeds, learner: { algo: o.learner ?? "ppo", numSteps }, evaluation: { episodes: 4 * agents, policies: ["sampled"] }, reward: SELFISH }),
    designs: [{ name: variant, reward: SELFISH as RunConfig["reward"] }],
  });
  if (o.study === "commons") return Object.entries(COMMONS_VARIANTS).map(([variant, kwargs]) => entry(variant, `CommonsHarvest, ${variant}`, { id: "CommonsHarvest", kwargs }, 4, 128));
  return (o.variants ?? SOCIETY_VARIANTS).map((variant) => entry(variant, variant, { id: variant, kwargs: { players: 8, rounds: 30 } }, 8, 64));
}

/** The metrics each study compares, with the words their verdicts use. */
const HEADLINE: Record<SocialStudy, [SocialMetric, string][]> = {
  society: [
    ["cooperation", "the cooperation rate"],
    ["collective", "collective return"],
  ],
  commons: [
    ["collective", "collective return"],
    ["sustainability", "sustainability"],
    ["peace", "peace"],
  ],
};

/** Verdicts between the variants on each headline metric: the best by IQM against each other, by the probability of improvement. */
export function socialVerdicts(summaries: readonly DesignSummary[], study: SocialStudy = "society", bootstrapSeed = 0): string[] {
  const lines: string[] = [];
  for (const [metric, words] of HEADLINE[study]) {
    const designs = summaries.map((s) => ({ name: s.name, values: s.runs.map((r) => finalSocial(r)?.[metric] ?? NaN) }));
    if (designs.some((d) => d.values.some(Number.isNaN))) continue;
    lines.push(...versusLines(designs, versusBest(designs, bootstrapSeed), words));
  }
  return lines;
}
