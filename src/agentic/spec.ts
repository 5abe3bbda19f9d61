/**
 * The reward spec for LLM-agent trajectories: named aspects, each a scorer
 * kind with its options, a weight, and optionally a gate or PAR shaping;
 * the reward is the weighted sum of the aspects' values.
 *
 * ```yaml
 * aspects:
 *   - {name: correct, kind: math}                        # rule-based correctness
 *   - {name: format, kind: tags, weight: 0.2}            # <think>…</think><answer>…</answer>
 *   - {name: quality, kind: judge, model: gpt-4o-mini, weight: 0.5,
 *      gate: {on: correct, min: 1}}                       # the judge only counts (and is only asked) when correct
 * advantages: {estimator: grpo, preset: verl}
 * ```
 *
 * Scorer options sit beside `kind` (as in the environment reward spec); each
 * kind validates its own (`rewardlab score --list` shows them).
 */
import { z } from "zod";
import { parseConfig } from "../core/config.js";
import { joinPath, UserError } from "../core/errors.js";
import { didYouMean } from "../core/suggest.js";
import type { ScorerDefinition } from "./scorer.js";
import { TemplateOption } from "./templates.js";

const finite = () => z.number().refine(Number.isFinite, "expected a finite number");

export const Gate = z
  .object({
    on: z.string().min(1).describe("the aspect that gates this one (listed earlier)"),
    min: finite().default(1).describe("the gate opens when that aspect's value is at least this"),
    otherwise: finite().default(0).describe("this aspect's value when the gate is closed"),
  })
  .strict()
  .describe("a rule that must hold before this aspect counts: a correctness gate on a model reward, as in Cooper");

export const Par = z
  .object({
    k: z.number().positive().default(1).describe("steepness of the sigmoid"),
  })
  .strict()
  .describe("PAR: replace the value r by mean_m σ(k·(r − r_ref_m)) over the scores of the trajectory's reference.responses");

/** The keys every aspect has; the rest are its scorer's options. */
export const AspectCommon = z
  .object({
    kind: z.string().min(1).describe("scorer kind (exact, math, tags, toolrl, judge, rm, code, …)"),
    name: z.string().min(1).optional().describe("unique name (defaults to the kind)"),
    weight: finite().default(1).describe("multiplies the aspect's value in the reward; 0 logs it only"),
    gate: Gate.optional(),
    par: Par.optional(),
    deadlineMs: z
      .number()
      .int()
      .positive()
      .optional()
      .describe("a batch this aspect has not scored within this many ms is failed (asynchronous scorers: judge, reward-model, code); none by default: those scorers have their own per-request timeouts"),
  })
  .describe("one aspect of the reward: a scorer and how it counts");

const Aggregation = z.enum(["sum_then_normalize", "normalize_then_sum"]);

const Estimator = z.enum(["grpo", "dr-grpo", "rloo", "reinforce", "reinforce-baseline", "gpg", "grpo-passk", "none"]);
const Clip = z.tuple([z.number(), z.number()]).nullable();

/** Advantage options with nothing filled in: a request's overrides of the spec's. */
export const AdvantagesOverride = z
  .object({
    estimator: Estimator.optional(),
    preset: z.enum(["verl", "verl-vectorized", "openrlhf", "trl"]).optional().describe("the conventions of that trainer's code at the commit docs/agentic.md names"),
    std: z.enum(["unbiased", "biased"]).optional(),
    epsilon: z.number().nonnegative().optional(),
    scale: z.enum(["group", "batch", "none"]).optional().describe("TRL's scale_rewards"),
    normalize: z.enum(["none", "batch"]).optional().describe("standardize the advantages over the batch (TRL RLOO's normalize_advantages)"),
    clipRewards: Clip.optional().describe("[min, max] each reward is clamped to first (TRL RLOO's reward_clip_range)"),
    clipAdvantages: Clip.optional().describe("[min, max] each advantage is clamped to before any batch normalization (OpenRLHF's --reward.clip_range)"),
    aggregation: Aggregation.optional().describe("TRL's multi_objective_aggregation"),
  })
  .strict();

/** normalize_then_sum normalizes each aspect with GRPO and the sum by the batch std: no other estimator, scale, normalization or clip. */
function aggregationFits(a: { estimator?: string; scale?: string; normalize?: string; clipRewards?: unknown; clipAdvantages?: unknown; aggregation?: string }): boolean {
  return a.aggregation !== "normalize_then_sum" || ((a.estimator ?? "grpo") === "grpo" && a.scale === undefined && a.normalize === undefined && a.clipRewards == null && a.clipAdvantages == null);
}
const AGGREGATION_PROBLEM = { message: "normalize_then_sum normalizes each aspect with grpo and takes no scale, normalize or clip; use sum_then_normalize for other estimators", path: ["aggregation"] };

export const AdvantagesSpec = AdvantagesOverride.extend({
  estimator: Estimator.default("grpo"),
  aggregation: Aggregation.default("sum_then_normalize").describe("TRL's multi_objective_aggregation"),
}).refine(aggregationFits, AGGREGATION_PROBLEM);
export type AdvantagesSpec = z.output<typeof AdvantagesSpec>;

export const AgenticSpec = z
  .object({
    aspects: z.array(z.looseObject(AspectCommon.shape)).min(1).describe("the reward's aspects, scored in order"),
    advantages: AdvantagesSpec.prefault({}),
    template: TemplateOption.default("auto"),
    failedReward: z
      .number()
      .refine(Number.isFinite, "expected a finite number")
      .nullable()
      .default(null)
      .describe("what a trainer receives for a reward that failed (a scorer threw, timed out or could not read its input): null (default), or a number such as 0 or a penalty"),
  })
  .strict();

export interface Aspect {
  name: string;
  kind: string;
  weight: number;
  gate?: z.output<typeof Gate>;
  par?: z.output<typeof Par>;
  /** An asynchronous scorer's batch deadline, if any. */
  deadlineMs?: number;
  definition: ScorerDefinition;
  options: unknown;
}

export interface ParsedAgenticSpec {
  aspects: Aspect[];
  advantages: AdvantagesSpec;
  /** Sent for a failed reward; null unless the spec asks for a number. */
  failedReward: number | null;
  /** Chat-template markers taken out of answers and prompts before scoring. */
  template: TemplateOption;
}


const COMMON_KEYS = new Set(Object.keys(AspectCommon.shape));

/**
 * Validates a spec: the common keys here, each aspect's scorer options by
 * its kind's schema; unknown kinds, duplicate names and gates on later or
 * unknown aspects are one-line errors with the path.
 */
export function parseAgenticSpec(data: unknown, definitions: ReadonlyMap<string, ScorerDefinition>, rootPath = ""): ParsedAgenticSpec {
  const spec = parseConfig(AgenticSpec, data, rootPath);
  const aspects: Aspect[] = [];
  const seen = new Set<string>();
  spec.aspects.forEach((raw, i) => {
    const path = joinPath(rootPath, "aspects", i);
    const definition = definitions.get(raw.kind);
    if (!definition) {
      const known = [...definitions.keys()];
      throw new UserError(joinPath(path, "kind"), `unknown scorer kind ${JSON.stringify(raw.kind)}${didYouMean(raw.kind, known) || `; known: ${known.join(", ")}`}`);
    }
    const name = raw.name ?? raw.kind;
    if (seen.has(name)) throw new UserError(joinPath(path, "name"), `duplicate aspect name ${JSON.stringify(name)}; give each aspect a unique name`);
    // verl's result dict carries the reward as `score` beside one key per aspect.
    if (name === "score") throw new UserError(joinPath(path, "name"), `"score" is reserved (the reward's key in verl's results); name the aspect otherwise`);
    if (name.startsWith("rewardlab_")) throw new UserError(joinPath(path, "name"), `names starting with "rewardlab_" are reserved (rewardlab_failed is logged beside the aspects); name the aspect otherwise`);
    if (raw.gate && !seen.has(raw.gate.on)) {
      throw new UserError(joinPath(path, "gate", "on"), `expected the name of an aspect listed before this one, got ${JSON.stringify(raw.gate.on)}${didYouMean(raw.gate.on, [...seen])}`);
    }
    seen.add(name);
    const rest: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(raw)) if (!COMMON_KEYS.has(key)) rest[key] = value;
    const options = parseConfig(definition.options, rest, path);
    aspects.push({ name, kind: raw.kind, weight: raw.weight, gate: raw.gate, par: raw.par, deadlineMs: raw.deadlineMs, definition, options });
  });
  return { aspects, advantages: spec.advantages, failedReward: spec.failedReward, template: spec.template };
}
