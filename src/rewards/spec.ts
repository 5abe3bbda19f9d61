/**
 * The reward specification: one schema for YAML, JSON and the TypeScript
 * builder. A spec is a list of named terms, each with a weight and a role:
 * `primary` terms are the designer's true objective (success and the "true
 * return" are always measured on them); `auxiliary` terms are heuristics,
 * shaping and bonuses.
 *
 * ```yaml
 * terms:
 *   - {name: goal, kind: task, role: primary}
 *   - {name: key, kind: event, event: "pickup:key", weight: 0.2, once: true}
 *   - {name: step, kind: expression, expr: "-0.01"}
 *   - {name: progress, kind: potential, phi: "-goal.distance", gamma: 0.99}
 * transforms: [{type: clip, min: -1, max: 1}]
 * ```
 */
import { z } from "zod";
import { parseConfig } from "../core/config.js";
import { joinPath } from "../core/errors.js";
import { exprText, finite, Transform as TransformSchema } from "./kinds/fields.js";
import { KINDS, type Term } from "./kinds/index.js";
import type { TermKinds } from "./kinds/registry.js";
import { MachineSpec } from "./machines/spec.js";

export { Transform, type Role } from "./kinds/fields.js";
export { CODE_TERM_TRUST } from "./kinds/code.js";
export { COMBINE_OPS } from "./kinds/combine.js";
export type { Term, CombineTerm as CombineOut } from "./kinds/index.js";

const Scalarize = z
  .object({
    method: z.enum(["weighted", "chebyshev", "lexicographic"]).default("weighted"),
    weights: z.record(z.string(), finite()).default({}).describe("per objective (default 1)"),
    reference: z.record(z.string(), finite()).default({}).describe("chebyshev: the utopia point z (default 0)"),
    thresholds: z.record(z.string(), finite()).default({}).describe("lexicographic: an objective counts up to its threshold"),
    order: z.array(z.string()).optional().describe("lexicographic: objectives, most important first"),
    base: z.number().gt(1).default(100).describe("lexicographic: the factor between successive priorities"),
  })
  .strict();
export type Scalarize = z.output<typeof Scalarize>;

function specSchema(allowCode: boolean) {
  return z
    .object({
      terms: z.array(KINDS.termSchema(allowCode) as z.ZodType<Term>).min(1).describe("the reward's terms"),
      define: z.record(z.string(), exprText()).default({}).describe("named expressions usable in the terms' expressions"),
      transforms: z.array(TransformSchema).default([]).describe("applied to the total"),
      scalarize: Scalarize.optional().describe("how objectives combine into the total (default: their sum)"),
      machine: MachineSpec.optional().describe("a reward machine: explicit edges or an LTLf formula over propositions; the environment is wrapped in its product"),
    })
    .strict();
}

/** Specs `parseRewardSpec` returned: compiling one does not parse it again. */
const parsedSpecs = new WeakSet<object>();

/** Every term kind's name (`./kinds/index.ts` lists them). */
export const TERM_KINDS = [...KINDS.names];

/**
 * Validates a spec (YAML, JSON or TypeScript data). Terms are checked
 * against the schema of their own kind, so an error names the term's field
 * (`terms[2].weight`) rather than "no union member matched".
 */
export function parseRewardSpec(data: unknown, path = "reward", options: { allowCode?: boolean; /** instead of the list: see `CompileOptions.kinds` */ kinds?: TermKinds } = {}): RewardSpec {
  const allowCode = options.allowCode ?? true;
  const kinds = options.kinds ?? KINDS;
  const top = parseConfig(specSchema(allowCode).extend({ terms: z.array(z.unknown()).min(1) }), data, path);
  const terms = top.terms.map((t, i) => kinds.parseTerm(t, joinPath(path, "terms", i), allowCode) as Term);
  const spec = { ...top, terms };
  parsedSpecs.add(spec);
  return spec;
}

/** True for a spec as `parseRewardSpec` returned it. */
export function isParsedRewardSpec(x: unknown): x is RewardSpec {
  return typeof x === "object" && x !== null && parsedSpecs.has(x);
}

/** The schema of YAML and JSON specs (no code terms); `rewardlab schema reward` prints it. */
export const RewardSpec = specSchema(false);
/** The schema the TypeScript API accepts: YAML's plus code terms. */
export const RewardSpecTs = specSchema(true);
export type RewardSpec = z.output<typeof RewardSpecTs>;
export type RewardSpecInput = z.input<typeof RewardSpecTs>;
