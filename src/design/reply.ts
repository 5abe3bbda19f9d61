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

/** The kinds a designed term may have. */
export const DESIGN_KINDS = ["event", "expression", "potential"] as const;

export interface ReplyLimits {
  /** Replies longer than this are refused unread. */
  maxChars: number;
  /** At most this many terms of the model's. */
  maxTerms: number;
}

export type ReadReply = { spec: { terms: unknown[] }; error?: undefined } | { spec?: undefined; error: string };

export function specFromReply(reply: string, limits: ReplyLimits): ReadReply {
  if (reply.length > limits.maxChars) return { error: `reply: ${reply.length} characters, more than the ${limits.maxChars} a reply may have` };
  const blocks = [...reply.matchAll(/```[ \t]*(yaml|yml)?[ \t]*\r?\n([\s\S]*?)```/gi)];
  const text = blocks.length ? blocks[blocks.length - 1][2] : reply.trim().startsWith("terms:") ? reply : undefined;
  if (text === undefined) return { error: "reply: expected the spec in a ```yaml block (terms: [...]); found none" };
  let doc: unknown;
  try {
    doc = parse(text, { maxAliasCount: 50, customTags: [], schema: "core", uniqueKeys: true });
  } catch (e) {
    return { error: `reply: the yaml block does not parse: ${firstLine((e as Error).message)}` };
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) return { error: "reply: expected a mapping with a terms list" };
  const extra = Object.keys(doc).filter((k) => k !== "terms");
  if (extra.length) return { error: `reply: unexpected key ${JSON.stringify(extra[0])}; a designed spec has only terms` };
  const terms = (doc as { terms?: unknown }).terms;
  if (!Array.isArray(terms) || terms.length === 0) return { error: "terms: expected a non-empty list of terms" };
  if (terms.length > limits.maxTerms) return { error: `terms: ${terms.length} terms, more than the ${limits.maxTerms} allowed` };
  for (const [k, term] of terms.entries()) {
    const at = `terms[${k + 1}]`;
    if (typeof term !== "object" || term === null || Array.isArray(term)) return { error: `${at}: expected a term (a mapping)` };
    const { kind, role } = term as { kind?: unknown; role?: unknown };
    if (!DESIGN_KINDS.includes(kind as (typeof DESIGN_KINDS)[number])) {
      return { error: `${at}.kind: expected one of ${DESIGN_KINDS.join(", ")}, got ${JSON.stringify(kind)} (the task's reward is added for you)` };
    }
    if (role !== undefined && role !== "auxiliary") return { error: `${at}.role: designed terms are auxiliary; the task's reward is the one primary term` };
  }
  return { spec: { terms: [{ name: "task", kind: "task", role: "primary" }, ...terms] } };
}

function firstLine(s: string): string {
  return s.split("\n")[0].trim();
}
