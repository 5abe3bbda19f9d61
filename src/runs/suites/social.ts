/**
 * The social suite: the same learners in a society with its mechanisms
 * switched on one by one, after Dasgupta & Musolesi 2023 ("Investigating the
 * Impact of Direct Punishment on the Emergence of Cooperation in Multi-Agent
 * Reinforcement Learning Systems"): none, direct punishment, + third-party
 * punishment, + partner selection, + reputation. Every agent learns from its
 * own payoff (fines included) with PPO and one policy shared by the
 * population; each variant's final policy is evaluated on held-out episodes
 * and measured as a population (cooperation rate, collective return,
 * equality: envs/multi/social-metrics.ts).
 */
import type { RewardSpecInput } from "../../rewards/spec.js";
import { finalSocial, type Design, type DesignSummary } from "../compare.js";
import { RunConfig } from "../config.js";
import { versusBest, versusLines } from "../seed-verdicts.js";
import type { SocialMetric } from "../../envs/multi/social-metrics.js";

/** The society variants, in the order the mechanisms are added. */
export const SOCIETY_VARIANTS = ["Society", "Society-DP", "Society-DP-TP", "Society-DP-TP-PS", "Society-DP-TP-PS-Rep"] as const;

const SELFISH: RewardSpecInput = { terms: [{ kind: "task" }] };

export interface SocialSuiteOptions {
  steps: number;
  seeds: number | readonly number[];
  variants?: readonly string[];
}

export interface SocialEntry {
  variant: string;
  config: RunConfig;
  designs: Design[];
}

/** One comparison per society variant: a population of 8 learning from their own payoffs. */
export function socialSuite(o: SocialSuiteOptions): SocialEntry[] {
  return (o.variants ?? SOCIETY_VARIANTS).map((variant) => ({
    variant,
    config: RunConfig.parse({
      name: variant,
      env: { id: variant, kwargs: { players: 8, rounds: 30 } },
      numEnvs: 4,
      steps: o.steps,
      seeds: typeof o.seeds === "number" ? Array.from({ length: o.seeds }, (_, i) => i) : [...o.seeds],
      learner: { algo: "ppo", numSteps: 64 },
      // 32 rows: four tables of eight, each measured as a population.
      evaluation: { episodes: 32, policies: ["sampled"] },
      reward: SELFISH,
    }),
    designs: [{ name: variant, reward: SELFISH as RunConfig["reward"] }],
  }));
}

/** The metrics the study compares, with the words its verdicts use. */
const HEADLINE: [SocialMetric, string][] = [
  ["cooperation", "the cooperation rate"],
  ["collective", "collective return"],
];

/** Verdicts between the variants on each headline metric: the best by IQM against each other, by the probability of improvement. */
export function socialVerdicts(summaries: readonly DesignSummary[], bootstrapSeed = 0): string[] {
  const lines: string[] = [];
  for (const [metric, words] of HEADLINE) {
    const designs = summaries.map((s) => ({ name: s.name, values: s.runs.map((r) => finalSocial(r)?.[metric] ?? NaN) }));
    if (designs.some((d) => d.values.some(Number.isNaN))) continue;
    lines.push(...versusLines(designs, versusBest(designs, bootstrapSeed), words));
  }
  return lines;
}
