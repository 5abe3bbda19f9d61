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
import { joinPath, showValue, UserError } from "../core/errors.js";
import { didYouMean } from "../core/suggest.js";
import { MachineSpec } from "./machines/spec.js";

const finite = () => z.number().refine(Number.isFinite, "expected a finite number");
const exprText = () => z.union([z.string().min(1), finite()]).describe("an expression over features, events and the action");

export const Transform = z.discriminatedUnion("type", [
  z.object({ type: z.literal("scale"), factor: finite() }).strict(),
  z.object({ type: z.literal("clip"), min: finite(), max: finite() }).strict().refine((t) => t.min <= t.max, { message: "expected min ≤ max", path: ["max"] }),
  z
    .object({
      type: z.literal("normalize"),
      gamma: z.number().min(0).max(1).default(0.99).describe("discount of the running return"),
      epsilon: z.number().positive().default(1e-8),
    })
    .strict()
    .describe("divide by the running std of the discounted return (Gymnasium's NormalizeReward)"),
  z
    .object({
      type: z.literal("sigmoid"),
      k: z.number().positive().default(1).describe("steepness"),
      ref: z.union([finite(), z.array(finite()).min(1)]).default(0).describe("reference value(s) r_ref"),
    })
    .strict()
    .describe("bounded centred sigmoid mean_m σ(k·(r − r_ref_m)) (PAR)"),
  z
    .object({
      type: z.literal("expShape"),
      vmax: z.number().positive().default(1),
      dispersion: z.number().positive().default(1),
      density: z.number().positive().default(1),
    })
    .strict()
    .describe("Lucy-SKG distance shape exp(−0.5·d/(vmax·dispersion))^(1/density)"),
  z.object({ type: z.literal("power"), density: z.number().positive() }).strict().describe("sign-preserving power sign(r)·|r|^(1/density) (Lucy-SKG)"),
]);
export type Transform = z.output<typeof Transform>;

const Role = z.enum(["primary", "auxiliary"]);
export type Role = z.output<typeof Role>;

const common = {
  name: z.string().min(1).optional().describe("unique name (defaults from the term)"),
  weight: finite().default(1).describe("multiplies the term's value"),
  role: Role.optional().describe("primary = the true objective; auxiliary = heuristics (default: primary for task, auxiliary otherwise)"),
  objective: z.string().min(1).optional().describe("objective this term belongs to (multi-objective specs)"),
  transforms: z.array(Transform).default([]).describe("applied to the term's value before its weight"),
  optimize: z.boolean().default(true).describe("false: measured and shown but left out of the reward the agent learns from (a true reward kept to evaluate a learned one)"),
};

const TaskTerm = z.object({ kind: z.literal("task"), ...common }).strict();
const EventTerm = z
  .object({
    kind: z.literal("event"),
    event: z.string().min(1).describe('event name, or a family with a trailing * ("drop:*")'),
    once: z.boolean().default(false).describe("pay at most once per episode"),
    max: z.number().int().positive().optional().describe("pay at most this many times per episode"),
    decay: z.number().gt(0).max(1).default(1).describe("the nth payment in an episode is decay^(n−1)"),
    ...common,
  })
  .strict();
const ExpressionTerm = z.object({ kind: z.literal("expression"), expr: exprText(), ...common }).strict();
const PotentialTerm = z
  .object({
    kind: z.literal("potential"),
    phi: exprText().describe("Φ(s), an expression over one state's features"),
    gamma: z.number().min(0).max(1).default(0.99).describe("discount in F = γΦ(s′) − Φ(s); match the learner's"),
    dynamic: z.boolean().default(false).describe("reuse Φ(s) as computed on the previous step (Devlin & Kudenko 2012), for potentials that change over time"),
    ...common,
  })
  .strict();
const IntrinsicTerm = z
  .object({
    kind: z.literal("intrinsic"),
    module: z.string().min(1).describe("exploration bonus module"),
    options: z.record(z.string(), z.unknown()).default({}),
    ...common,
  })
  .strict();
const LearnedTerm = z
  .object({
    kind: z.literal("learned"),
    model: z.union([z.string().min(1), z.record(z.string(), z.unknown())]).describe("a learned reward model: the path of the JSON `rewardlab learn-reward` wrote, or its content"),
    ...common,
  })
  .strict();
/**
 * A code term's function runs in the training process, once per
 * environment per step, with the process's full access (files, network)
 * and no time or memory limit: running it in a sandbox would cost a
 * cross-process call per step. So it must be marked `trusted: true` by the
 * caller: a function they wrote or reviewed, never one from a model or a
 * dataset (score those with the agentic `code` scorer, which is sandboxed).
 */
export const CODE_TERM_TRUST =
  "code terms run in this process with its full access and no time or memory limit; mark a function you wrote or reviewed with code(fn, { trusted: true }), or write the term as an expression";
const CodeTerm = z
  .object({
    kind: z.literal("code"),
    fn: z.custom<(t: unknown) => number>((f) => typeof f === "function", "expected a function (code terms exist only in the TypeScript API)"),
    trusted: z.custom<true>((v) => v === true, CODE_TERM_TRUST).describe("true: the caller vouches for fn, which runs unsandboxed in the training process"),
    ...common,
  })
  .strict();

export const COMBINE_OPS = ["sum", "product", "krc", "min", "max"] as const;

type TermOut =
  | z.output<typeof TaskTerm>
  | z.output<typeof EventTerm>
  | z.output<typeof ExpressionTerm>
  | z.output<typeof PotentialTerm>
  | z.output<typeof IntrinsicTerm>
  | z.output<typeof LearnedTerm>
  | z.output<typeof CodeTerm>
  | CombineOut;
export interface CombineOut {
  kind: "combine";
  op: (typeof COMBINE_OPS)[number];
  terms: TermOut[];
  name?: string;
  weight: number;
  role?: Role;
  objective?: string;
  transforms: Transform[];
  optimize: boolean;
}
export type Term = TermOut;

function termSchema(allowCode: boolean): z.ZodType<TermOut> {
  const Combine: z.ZodType<CombineOut> = z.lazy(() =>
    z
      .object({
        kind: z.literal("combine"),
        op: z.enum(COMBINE_OPS).describe("sum, product, krc (Kinesthetic Reward Combination), min or max"),
        terms: z.array(term).min(1),
        ...common,
      })
      .strict(),
  ) as unknown as z.ZodType<CombineOut>;
  const kinds = [TaskTerm, EventTerm, ExpressionTerm, PotentialTerm, IntrinsicTerm, LearnedTerm, Combine, ...(allowCode ? [CodeTerm] : [])];
  const term: z.ZodType<TermOut> = z.lazy(() => z.union(kinds as unknown as [z.ZodType, z.ZodType, ...z.ZodType[]])) as unknown as z.ZodType<TermOut>;
  return term;
}

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
      terms: z.array(termSchema(allowCode)).min(1).describe("the reward's terms"),
      define: z.record(z.string(), exprText()).default({}).describe("named expressions usable in the terms' expressions"),
      transforms: z.array(Transform).default([]).describe("applied to the total"),
      scalarize: Scalarize.optional().describe("how objectives combine into the total (default: their sum)"),
      machine: MachineSpec.optional().describe("a reward machine: explicit edges or an LTLf formula over propositions; the environment is wrapped in its product"),
    })
    .strict();
}

const KINDS = {
  task: TaskTerm,
  event: EventTerm,
  expression: ExpressionTerm,
  potential: PotentialTerm,
  intrinsic: IntrinsicTerm,
  learned: LearnedTerm,
  code: CodeTerm,
} as const;
export const TERM_KINDS = [...Object.keys(KINDS), "combine"];

/**
 * Validates a spec (YAML, JSON or TypeScript data). Terms are checked
 * against the schema of their own kind, so an error names the term's field
 * (`terms[2].weight`) rather than "no union member matched".
 */
export function parseRewardSpec(data: unknown, path = "reward", options: { allowCode?: boolean } = {}): RewardSpec {
  const allowCode = options.allowCode ?? true;
  const top = parseConfig(specSchema(allowCode).extend({ terms: z.array(z.unknown()).min(1) }), data, path);
  const terms = top.terms.map((t, i) => parseTerm(t, joinPath(path, "terms", i), allowCode));
  return { ...top, terms };
}

function parseTerm(data: unknown, path: string, allowCode: boolean): Term {
  if (data === null || typeof data !== "object" || Array.isArray(data)) throw new UserError(path, `expected a term (an object with a kind), got ${showValue(data)}`);
  const kind = (data as { kind?: unknown }).kind;
  const known = allowCode ? TERM_KINDS : TERM_KINDS.filter((k) => k !== "code");
  if (typeof kind !== "string" || !known.includes(kind)) {
    const hint = typeof kind === "string" ? didYouMean(kind, known) : "";
    throw new UserError(joinPath(path, "kind"), `expected one of ${known.join(", ")}, got ${showValue(kind)}${hint}`);
  }
  if (kind === "combine") {
    const { terms, ...rest } = data as { terms?: unknown };
    const head = parseConfig(z.object({ kind: z.literal("combine"), op: z.enum(COMBINE_OPS), terms: z.array(z.unknown()).min(1), ...common }).strict(), { ...rest, terms }, path);
    return { ...head, terms: head.terms.map((t, i) => parseTerm(t, joinPath(path, "terms", i), allowCode)) } as Term;
  }
  return parseConfig(KINDS[kind as keyof typeof KINDS], data, path) as Term;
}

/** The schema of YAML and JSON specs (no code terms); `rewardlab schema reward` prints it. */
export const RewardSpec = specSchema(false);
/** The schema the TypeScript API accepts: YAML's plus code terms. */
export const RewardSpecTs = specSchema(true);
export type RewardSpec = z.output<typeof RewardSpecTs>;
export type RewardSpecInput = z.input<typeof RewardSpecTs>;
