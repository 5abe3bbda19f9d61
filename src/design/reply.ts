/**
 * A model's reply, read as a reward spec: the last fenced ```yaml block
 * (models often explain first, or show a bad example before the good
 * one), parsed safely (no custom tags, few aliases, bounded size), and
 * checked for what only a designed spec must respect: the designer writes
 * auxiliary `event`, `expression` and `potential` terms; the task's reward
 * is added as the one primary term. Anything else is an error of one line
 * naming where, which goes back to the model for repair. The critic then
 * checks the spec against the environment.
 */
import { parse } from "yaml";

/** The kinds a designed term may have; `sandboxed` too when code is allowed. */
export const DESIGN_KINDS = ["event", "expression", "potential"] as const;

export interface ReplyLimits {
  /** Replies longer than this are refused unread. */
  maxChars: number;
  /** At most this many terms of the model's. */
  maxTerms: number;
  /** Sandboxed code terms may be written. */
  allowCode?: boolean;
}

export type ReadReply = { spec: { terms: unknown[] }; error?: undefined } | { spec?: undefined; error: string };

/** The reply's last yaml block, parsed safely, as a mapping with only the key `key`; or why not. */
function yamlBlock(reply: string, limits: ReplyLimits, key: string, shape: string): { doc: Record<string, unknown>; error?: undefined } | { doc?: undefined; error: string } {
  if (reply.length > limits.maxChars) return { error: `reply: ${reply.length} characters, more than the ${limits.maxChars} a reply may have` };
  const blocks = [...reply.matchAll(/```[ \t]*(yaml|yml)?[ \t]*\r?\n([\s\S]*?)```/gi)];
  const text = blocks.length ? blocks[blocks.length - 1][2] : reply.trim().startsWith(`${key}:`) ? reply : undefined;
  if (text === undefined) return { error: `reply: expected the ${shape} in a \`\`\`yaml block; found none` };
  let doc: unknown;
  try {
    doc = parse(text, { maxAliasCount: 50, customTags: [], schema: "core", uniqueKeys: true });
  } catch (e) {
    return { error: `reply: the yaml block does not parse: ${firstLine((e as Error).message)}` };
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) return { error: `reply: expected a mapping with ${key}` };
  const extra = Object.keys(doc).filter((k) => k !== key);
  if (extra.length) return { error: `reply: unexpected key ${JSON.stringify(extra[0])}; expected only ${key}` };
  return { doc: doc as Record<string, unknown> };
}

export function specFromReply(reply: string, limits: ReplyLimits): ReadReply {
  const block = yamlBlock(reply, limits, "terms", "spec (terms: [...])");
  if (block.error !== undefined) return { error: block.error };
  const terms = block.doc.terms;
  if (!Array.isArray(terms) || terms.length === 0) return { error: "terms: expected a non-empty list of terms" };
  if (terms.length > limits.maxTerms) return { error: `terms: ${terms.length} terms, more than the ${limits.maxTerms} allowed` };
  for (const [k, term] of terms.entries()) {
    const at = `terms[${k + 1}]`;
    if (typeof term !== "object" || term === null || Array.isArray(term)) return { error: `${at}: expected a term (a mapping)` };
    const { kind, role } = term as { kind?: unknown; role?: unknown };
    const kinds: readonly string[] = limits.allowCode ? [...DESIGN_KINDS, "sandboxed"] : DESIGN_KINDS;
    if (!kinds.includes(kind as string)) {
      return { error: `${at}.kind: expected one of ${kinds.join(", ")}, got ${JSON.stringify(kind)} (the task's reward is added for you)` };
    }
    if (role !== undefined && role !== "auxiliary") return { error: `${at}.role: designed terms are auxiliary; the task's reward is the one primary term` };
  }
  return { spec: { terms: [{ name: "task", kind: "task", role: "primary" }, ...terms] } };
}

function firstLine(s: string): string {
  return s.split("\n")[0].trim();
}

/** A reward template: its terms in order, each with its name and whether the model sets its weight. */
export interface Template {
  spec: { terms: Record<string, unknown>[] } & Record<string, unknown>;
  /** Names of the top-level terms, in order (defaults filled in). */
  names: string[];
  /** Which of them take a weight from the model (the auxiliary ones). */
  free: boolean[];
}

/** The largest weight a model may give: beyond it a term drowns the task. */
export const MAX_WEIGHT = 1000;

/** Parameter mode: the reply's `weights` (term name → number) put into the template's free terms; unnamed ones keep theirs. */
export function weightsFromReply(reply: string, template: Template, limits: ReplyLimits): ReadReply {
  const block = yamlBlock(reply, limits, "weights", "weights (weights: {name: number})");
  if (block.error !== undefined) return { error: block.error };
  const weights = block.doc.weights;
  if (typeof weights !== "object" || weights === null || Array.isArray(weights)) return { error: "weights: expected a mapping of term names to numbers" };
  const terms = template.spec.terms.map((t) => ({ ...t }));
  for (const [name, w] of Object.entries(weights)) {
    const k = template.names.indexOf(name);
    if (k < 0 || !template.free[k]) {
      const known = template.names.filter((_, j) => template.free[j]);
      return { error: `weights.${name}: ${k < 0 ? "no such term" : "the task's reward keeps its weight"}; the terms to weigh are ${known.join(", ")}` };
    }
    if (typeof w !== "number" || !Number.isFinite(w) || Math.abs(w) > MAX_WEIGHT) return { error: `weights.${name}: expected a number from ${-MAX_WEIGHT} to ${MAX_WEIGHT}, got ${JSON.stringify(w)}` };
    terms[k].weight = w;
  }
  return { spec: { ...template.spec, terms } };
}
