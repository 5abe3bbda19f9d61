/**
 * The ToolRL reward for tool-calling answers ("ToolRL: Reward is All Tool
 * Learning Needs", Qian et al. 2025): R = R_format + R_correct. This file
 * is rewardlab's reading (`mode: improved`, the default);
 * `toolrl-published.ts` is the authors' code as published (`mode:
 * published`), and docs/agentic.md lists where the two differ.
 *
 * The gold (`toolrl-gold.ts`) is `reference.toolCalls`, or a ToolRL gold
 * string (`<tool_call>` lines and/or a `<response>`, a verl row's
 * `ground_truth`).
 *
 * R_format ∈ {0, 1}: the answer is exactly one `<think>…</think>` followed
 * by what the gold holds, as ToolRL asks: one `<tool_call>…</tool_call>`
 * when there are gold calls, one `<response>…</response>` when there is a
 * gold response, both (in that order) when there are both, nothing more
 * when there is neither; nothing but whitespace around them (`format:
 * auto`, the default). `tool_call`, `response` and `either` fix the
 * structure instead.
 *
 * R_correct ∈ [R_min, R_max] (default [−3, 3]) compares the predicted calls
 * P with the gold calls G:
 *
 *   names   |A ∩ B| / (|A| + |B| − |A ∩ B|), A and B the multisets of tool names
 *   match   for each gold call g, in order, the unused predicted call p with
 *           g's name that maximizes  |Kp ∩ Kg| / |Kp ∪ Kg| + #{k ∈ Kg ∩ Kp : p[k] = g[k]}
 *           (K the parameter names, values compared deeply); 0 if there is none
 *   S       names + Σ match,   S_max = 1 + Σ_g (1 + |Kg|)
 *   R_correct = (R_max − R_min) · S / S_max + R_min
 *
 * Calls that cannot be parsed give R_min. With no gold call R_correct is 0,
 * as in ToolRL (the format term then asks for a response, not a call). A
 * predicted call scoring 0 against a gold call (same name, no shared
 * parameter) is not matched, as in ToolRL. Values are read as Python's
 * json.loads reads them (NaN, Infinity, integers beyond 2^53 kept exact).
 */
import { showValue } from "../../core/errors.js";
import { defineScorer, failed, ruleScorer, type Score, type ScorerDefinition } from "../scorer.js";
import { toolCallsOf, type Trajectory } from "../trajectory.js";
import { quote, showNumber } from "./text.js";
import { tagPairs, tagStructureProblem } from "./format.js";
import { goldOf, goldText } from "./toolrl-gold.js";
import { publishedSettings, ToolRLOptions, type PublishedOptions } from "./toolrl-options.js";
import { GoldError, needsStep, publishedScore } from "./toolrl-published.js";
import { PyDict, pyJsonLoads, type PyValue } from "./toolrl-python.js";

/** A tool call as the reward sees it: a name and its parameters. */
export interface Call {
  name: string;
  args: Record<string, unknown>;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

const OPEN = "<tool_call>";
const CLOSE = "</tool_call>";

/**
 * A JSON value from json.loads as the improved reward compares it:
 * integers beyond 2^53 stay exact (bigint), NaN and ±Infinity are numbers.
 */
function toJs(v: PyValue): unknown {
  if (typeof v === "bigint") return v >= -MAX_SAFE && v <= MAX_SAFE ? Number(v) : v;
  if (Array.isArray(v)) return v.map(toJs);
  if (v instanceof PyDict) {
    const o: Record<string, unknown> = {};
    // defineProperty: a "__proto__" key is a key, not the object's prototype.
    for (const [k, x] of v.entries) Object.defineProperty(o, k, { value: toJs(x), enumerable: true, writable: true, configurable: true });
    return o;
  }
  return v;
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * The calls written in the `<tool_call>` blocks of `text`: one JSON object
 * per non-empty line, `{"name": …, "parameters": {…}}` (or `"arguments"`;
 * missing means no parameters). Every block counts, in order. Lines are
 * read as Python's json.loads reads them (NaN, Infinity, integers of any
 * size). Any line that is not such an object, or an unclosed block, makes
 * the whole answer unparsable: the error says which.
 */
export function parseToolCalls(text: string): { calls: Call[] } | { error: string } {
  const calls: Call[] = [];
  let from = 0;
  for (let open = text.indexOf(OPEN); open >= 0; open = text.indexOf(OPEN, from)) {
    const close = text.indexOf(CLOSE, open);
    if (close < 0) return { error: `${OPEN} is not closed` };
    const body = text.slice(open + OPEN.length, close);
    let line = 0;
    for (const raw of body.split("\n")) {
      const s = raw.trim();
      if (s === "") continue;
      line++;
      let v: unknown;
      try {
        v = toJs(pyJsonLoads(s));
      } catch {
        return { error: `call ${line} is not JSON: ${quote(s, 30)}` };
      }
      if (!isPlainObject(v)) return { error: `call ${line} is not a JSON object` };
      if (typeof v.name !== "string") return { error: `call ${line} has no "name"` };
      const args = v.parameters !== undefined ? v.parameters : v.arguments !== undefined ? v.arguments : {};
      if (!isPlainObject(args)) return { error: `call ${line}'s parameters are not an object` };
      calls.push({ name: v.name, args });
    }
    from = close + CLOSE.length;
  }
  return { calls };
}

/** Two numbers (float or exact integer) of equal value; NaN equals NaN (the same literal copied). */
function numberEqual(a: number | bigint, b: number | bigint): boolean {
  if (typeof a === "number" && typeof b === "number") return a === b || (Number.isNaN(a) && Number.isNaN(b));
  if (typeof a === "bigint" && typeof b === "bigint") return a === b;
  const [n, i] = typeof a === "number" ? [a, b as bigint] : [b as number, a];
  return Number.isInteger(n) && BigInt(n) === i;
}

/**
 * Deep equality of JSON values: numbers by exact value (1 = 1.0, big
 * integers exactly, NaN = NaN), objects regardless of key order; a boolean
 * equals only a boolean.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const na = typeof a === "number" || typeof a === "bigint";
  const nb = typeof b === "number" || typeof b === "bigint";
  if (na || nb) return na && nb && numberEqual(a as number | bigint, b as number | bigint);
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  const rb = b as Record<string, unknown>;
  const ra = a as Record<string, unknown>;
  for (const k of ka) if (!Object.hasOwn(rb, k) || !jsonEqual(ra[k], rb[k])) return false;
  return true;
}

/** ToolRL's score of a predicted call against a gold call: key Jaccard + number of equal gold values; at most 1 + |Kg|. */
export function paramMatch(pred: Record<string, unknown>, gold: Record<string, unknown>): number {
  const goldKeys = Object.keys(gold);
  const predCount = Object.keys(pred).length;
  let shared = 0;
  let equal = 0;
  for (const k of goldKeys) {
    if (!Object.hasOwn(pred, k)) continue;
    shared++;
    if (jsonEqual(pred[k], gold[k])) equal++;
  }
  const union = predCount + goldKeys.length - shared;
  // Two calls without parameters agree on their (empty) keys.
  return (union === 0 ? 1 : shared / union) + equal;
}

/** |A ∩ B| / (|A| + |B| − |A ∩ B|) over the multisets of tool names; 0 when both are empty. */
export function nameScore(pred: readonly Call[], gold: readonly Call[]): number {
  const counts = new Map<string, number>();
  for (const g of gold) counts.set(g.name, (counts.get(g.name) ?? 0) + 1);
  let shared = 0;
  for (const p of pred) {
    const c = counts.get(p.name);
    if (c) {
      shared++;
      counts.set(p.name, c - 1);
    }
  }
  const union = pred.length + gold.length - shared;
  return union === 0 ? 0 : shared / union;
}

export interface Correctness {
  /** R_correct. */
  value: number;
  /** S and S_max (both 0 when there is no gold call). */
  s: number;
  sMax: number;
  names: number;
  /** Gold calls that found a predicted call with their name. */
  matched: number;
}

/** ToolRL's R_correct of `pred` against `gold`, scaled to [min, max]. */
export function toolCorrectness(pred: readonly Call[], gold: readonly Call[], min = -3, max = 3): Correctness {
  if (gold.length === 0) return { value: 0, s: 0, sMax: 0, names: 0, matched: 0 };
  const names = nameScore(pred, gold);
  let s = names;
  let sMax = 1;
  let matched = 0;
  const used = new Array<boolean>(pred.length).fill(false);
  for (const g of gold) {
    sMax += 1 + Object.keys(g.args).length;
    let best = -1;
    let bestScore = 0;
    for (let j = 0; j < pred.length; j++) {
      if (used[j] || pred[j].name !== g.name) continue;
      const m = paramMatch(pred[j].args, g.args);
      if (m > bestScore) {
        best = j;
        bestScore = m;
      }
    }
    if (best >= 0) {
      used[best] = true;
      s += bestScore;
      matched++;
    }
  }
  return { value: ((max - min) * s) / sMax + min, s, sMax, names, matched };
}

export type ToolFormat = "auto" | "tool_call" | "response" | "either";

const VARIANTS = {
  tool_call: [tagPairs(["think", "tool_call"])],
  response: [tagPairs(["think", "response"])],
  either: [tagPairs(["think", "tool_call"]), tagPairs(["think", "response"])],
  both: [tagPairs(["think", "tool_call", "response"])],
  think: [tagPairs(["think"])],
} as const;

/** What the gold holds, which the format asks for. */
export interface Expects {
  calls: boolean;
  response: boolean;
}

/**
 * The structure ToolRL asks for, from what the gold holds. With
 * `calls: turns` the calls were made as structured tool calls, not written
 * in the text, so the final answer is a <think> then a <response>.
 */
function expectedFormat(e: Expects, callsFrom: "text" | "turns"): keyof typeof VARIANTS {
  if (callsFrom === "turns") return "response";
  return e.calls && e.response ? "both" : e.calls ? "tool_call" : e.response ? "response" : "think";
}

/**
 * ToolRL's format check: null when `text` is well formed, else what is
 * wrong. `auto` needs to know what the gold holds.
 */
export function toolFormatProblem(text: string, format: ToolFormat, expects?: Expects, callsFrom: "text" | "turns" = "text"): string | null {
  const variants = VARIANTS[format === "auto" ? (expects ? expectedFormat(expects, callsFrom) : "either") : format];
  let first: string | null = null;
  for (const pairs of variants) {
    const problem = tagStructureProblem(text, pairs, true);
    if (problem === null) return null;
    first ??= problem;
  }
  // With both variants allowed, report against the one the answer attempts.
  if (format === "either" && !text.includes(OPEN) && text.includes("<response>")) {
    return tagStructureProblem(text, VARIANTS.either[1], true);
  }
  return first;
}

function predictedCalls(t: Trajectory, from: "text" | "turns"): { calls: Call[] } | { error: string } {
  if (from === "text") return parseToolCalls(t.answer);
  return { calls: toolCallsOf(t).map((c) => ({ name: c.name, args: c.arguments })) };
}

const NO_GOLD: Score = { value: null, reason: "no gold: neither reference.toolCalls nor a ToolRL gold string (<tool_call>, <response>)" };

/** The improved reward of one trajectory. */
function improvedScore(t: Trajectory, o: ToolRLOptions): Score {
  const { min, max } = o.scale;
  const gold = goldOf(t);
  if (gold === null) return NO_GOLD;
  let goldCalls: Call[];
  let response: boolean;
  if (gold.kind === "calls") [goldCalls, response] = [gold.calls, gold.response];
  else {
    const parsed = parseToolCalls(gold.text);
    if ("error" in parsed) return failed(`the reference's tool calls do not parse: ${parsed.error}`);
    [goldCalls, response] = [parsed.calls, gold.text.includes("<response>")];
  }
  const problem = toolFormatProblem(t.answer, o.format, { calls: goldCalls.length > 0, response }, o.calls);
  const format = problem === null ? 1 : 0;
  const formatReason = problem === null ? "format 1" : `format 0 (${problem})`;
  const pred = predictedCalls(t, o.calls);
  if ("error" in pred) return { value: format + min, reason: `${formatReason}; correctness ${showNumber(min)} (${pred.error})` };
  const c = toolCorrectness(pred.calls, goldCalls, min, max);
  const detail = goldCalls.length === 0 ? "no call wanted" : `names ${showNumber(c.names)}, ${c.matched}/${goldCalls.length} calls matched, S ${showNumber(c.s)}/${c.sMax}`;
  return { value: format + c.value, reason: `${formatReason}; correctness ${showNumber(c.value)} (${detail})` };
}

/** The training step a published setting reads: the option, else metadata.step. */
function stepOf(t: Trajectory, fixed: number | undefined): number | string {
  if (fixed !== undefined) return fixed;
  const s = t.metadata.step;
  if (s === undefined) return "this setting needs the training step: set published.step or the trajectory's metadata.step";
  if (typeof s !== "number" || !Number.isInteger(s) || s < 0) return `metadata.step: expected an integer ≥ 0, got ${showValue(s)}`;
  return s;
}

/** The authors' compute_score of one trajectory. */
function publishedTrajectoryScore(t: Trajectory, p: PublishedOptions): Score {
  const gold = goldOf(t, true);
  if (gold === null) return NO_GOLD;
  const step = needsStep(p) ? stepOf(t, p.step) : 0;
  if (typeof step === "string") return failed(step);
  try {
    const r = publishedScore(t.answer, goldText(gold), step, p);
    const length = p.length === "off" ? "" : `; length ${showNumber(r.length)}`;
    return { value: r.score, reason: `format ${showNumber(r.format)}; correctness ${showNumber(r.correctness)} (${r.detail})${length}` };
  } catch (e) {
    if (e instanceof GoldError) return failed(e.message);
    throw e;
  }
}

export const toolrlScorers: ScorerDefinition[] = [
  defineScorer({
    kind: "toolrl",
    description: "ToolRL (Qian et al. 2025): format (0/1, <think> then what the gold holds) plus correctness of tool names, parameter names and values; mode: published is the authors' code with its reward variants",
    options: ToolRLOptions,
    make(o, name) {
      if (o.mode === "published") {
        const p = publishedSettings(o);
        return ruleScorer(name, (t) => publishedTrajectoryScore(t, p));
      }
      return ruleScorer(name, (t) => improvedScore(t, o));
    },
  }),
];
