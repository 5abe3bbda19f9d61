/**
 * Format scorers: is the answer shaped as asked, whatever it says?
 *
 *   regex  1 if a user-given regular expression matches the answer, else 0
 *          (in linear time: see safe-regex.ts)
 *   tags   1 if the answer is `<think>…</think><answer>…</answer>` (or the tags given), else 0
 *   json   1 if the answer (or its ```json block) is JSON without duplicate
 *          keys and, when a schema is given, conforms to it; else 0
 *
 * Format rewards are the cheap half of R1-style rewards (format + accuracy);
 * their reasons say what is wrong, so a log shows why a policy loses them.
 */
import { LruCache } from "../../core/lru.js";
import { Ajv, type ValidateFunction } from "ajv";
import { Ajv2019 } from "ajv/dist/2019.js";
import { Ajv2020 } from "ajv/dist/2020.js";
import { z } from "zod";
import { UserError } from "../../core/errors.js";
import { defineScorer, failed, ruleScorer, type ScorerDefinition } from "../scorer.js";
import { compileSafePattern } from "./safe-regex.js";
import { isBlank, quote } from "./text.js";

// ---------------------------------------------------------------------------
// regex

function checkPattern(o: { pattern: string; flags: string }, ctx: z.RefinementCtx): void {
  try {
    compileSafePattern(o.pattern, o.flags);
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    ctx.addIssue({ code: "custom", path: [e.path], message: e.problem });
  }
}

const RegexOptions = z
  .object({
    pattern: z.string().describe("JavaScript regular expression the answer must match (anywhere, unless anchored); matched in linear time, so no lookahead or backreferences"),
    flags: z.string().default("").describe("regular expression flags, e.g. \"i\" or \"s\""),
    maxChars: z.number().int().positive().default(100_000).describe("match only the first maxChars of the answer"),
  })
  .strict()
  .superRefine(checkPattern);

// ---------------------------------------------------------------------------
// tags

export interface TagPair {
  readonly open: string;
  readonly close: string;
}

/** `<name>` and `</name>` for each tag name. */
export function tagPairs(names: readonly string[]): TagPair[] {
  return names.map((n) => ({ open: `<${n}>`, close: `</${n}>` }));
}

/** Where `s` occurs in `text`: -1 none, -2 more than once, else its index. */
function onlyIndex(text: string, s: string): number {
  const i = text.indexOf(s);
  if (i < 0) return -1;
  return text.indexOf(s, i + s.length) >= 0 ? -2 : i;
}

/**
 * What is wrong with the tag structure of `text`, or null when it is right:
 * each tag exactly once, opened before it is closed, the tags in the given
 * order and not nested in one another, and (when `strict`) nothing but
 * whitespace before, between and after them. Linear in the text's length.
 */
export function tagStructureProblem(text: string, tags: readonly TagPair[], strict: boolean): string | null {
  // First each tag on its own, then the order, then the text between: the
  // reason names the most basic problem.
  const opens = new Array<number>(tags.length);
  const closes = new Array<number>(tags.length);
  for (let k = 0; k < tags.length; k++) {
    const tag = tags[k];
    const open = onlyIndex(text, tag.open);
    if (open === -1) return `missing ${tag.open}`;
    if (open === -2) return `more than one ${tag.open}`;
    const close = onlyIndex(text, tag.close);
    if (close === -1) return `missing ${tag.close}`;
    if (close === -2) return `more than one ${tag.close}`;
    if (close < open) return `${tag.close} before ${tag.open}`;
    opens[k] = open;
    closes[k] = close;
  }
  for (let k = 1; k < tags.length; k++) {
    if (opens[k] < closes[k - 1] + tags[k - 1].close.length) return `${tags[k].open} before ${tags[k - 1].close}`;
  }
  if (!strict) return null;
  let end = 0;
  for (let k = 0; k < tags.length; k++) {
    if (!isBlank(text, end, opens[k])) {
      return `text ${k > 0 ? `between ${tags[k - 1].close} and` : "before"} ${tags[k].open}: ${quote(text.slice(end, opens[k]).trim(), 30)}`;
    }
    end = closes[k] + tags[k].close.length;
  }
  const last = tags[tags.length - 1];
  if (!isBlank(text, end, text.length)) return `text after ${last.close}: ${quote(text.slice(end).trim(), 30)}`;
  return null;
}

const TAG_NAME = /^[A-Za-z_][\w.:-]*$/;

const TagsOptions = z
  .object({
    tags: z
      .array(z.string().regex(TAG_NAME, "expected a tag name such as think"))
      .min(1)
      .refine((t) => new Set(t).size === t.length, "expected each tag once")
      .default(["think", "answer"])
      .describe("the tags, in the order they must appear"),
    strict: z.boolean().default(true).describe("nothing but whitespace outside the tags (false: any text around them)"),
  })
  .strict();

// ---------------------------------------------------------------------------
// json

/**
 * The content of the last fenced code block tagged `json` (or untagged) in
 * `text`, or null. Fences are paired line by line, as Markdown does, so a
 * ```python block's closing fence never opens a block.
 */
export function fencedJson(text: string): string | null {
  let found: string | null = null;
  let open = -1; // where the open block's content starts; -1 when no block is open
  let openIsJson = false;
  let from = 0;
  for (let i = text.indexOf("```"); i >= 0; i = text.indexOf("```", from)) {
    from = i + 3;
    // A fence starts a line (after optional indentation).
    let j = i - 1;
    while (j >= 0 && (text.charCodeAt(j) === 0x20 || text.charCodeAt(j) === 0x09)) j--;
    if (j >= 0 && text.charCodeAt(j) !== 0x0a) continue;
    let eol = text.indexOf("\n", i);
    if (eol < 0) eol = text.length;
    const info = text.slice(i + 3, eol).trim().toLowerCase();
    if (open < 0) {
      open = eol + 1;
      openIsJson = info === "" || info === "json" || info === "jsonc";
    } else if (info === "" || /^`+$/.test(info)) {
      // Only a bare fence closes a block (as in CommonMark).
      if (openIsJson) found = text.slice(open, j + 1);
      open = -1;
    }
    from = eol;
  }
  return found;
}

/**
 * The first key that occurs twice in one object of `json`, or null. `json`
 * must be valid JSON (it is scanned, not parsed). Keys compare decoded, so
 * `"a"` and `"\u0061"` are the same key, as they are to JSON.parse, which
 * silently keeps the last.
 */
export function duplicateKey(json: string): string | null {
  // One frame per open container: the keys seen so far, or null for an array.
  const stack: (Set<string> | null)[] = [];
  let expectKey = false;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c === 0x22) {
      let j = i + 1;
      let escaped = false;
      for (; j < json.length; j++) {
        const d = json.charCodeAt(j);
        if (d === 0x5c) {
          escaped = true;
          j++;
        } else if (d === 0x22) break;
      }
      if (expectKey) {
        const raw = json.slice(i, j + 1);
        const key = escaped ? (JSON.parse(raw) as string) : raw.slice(1, -1);
        const keys = stack[stack.length - 1]!;
        if (keys.has(key)) return key;
        keys.add(key);
        expectKey = false;
      }
      i = j;
    } else if (c === 0x7b) {
      stack.push(new Set());
      expectKey = true;
    } else if (c === 0x5b) {
      stack.push(null);
      expectKey = false;
    } else if (c === 0x7d || c === 0x5d) {
      stack.pop();
      expectKey = false;
    } else if (c === 0x2c) {
      expectKey = stack.length > 0 && stack[stack.length - 1] !== null;
    }
  }
  return null;
}

// Compiled validators by the schema's JSON text (an LRU cache); a failed compile is kept as its message.
// The same schema object (an option, or one trajectory's reference scored by several aspects) skips the stringify.
const validators = new LruCache<string, ValidateFunction | string>(1000);
const bySchemaObject = new WeakMap<object, ValidateFunction | string>();
let ajv07: Ajv | undefined;
let ajv2019: Ajv2019 | undefined;
let ajv2020: Ajv2020 | undefined;

// Formats are not checked (ajv-formats is not a dependency); unknown keywords are allowed.
const AJV_OPTIONS = { strict: false, allErrors: false, addUsedSchema: false, validateFormats: false, logger: false } as const;

function ajvFor(schema: Record<string, unknown>): Ajv | Ajv2019 | Ajv2020 {
  const dialect = typeof schema.$schema === "string" ? schema.$schema : "";
  if (dialect.includes("2020-12")) return (ajv2020 ??= new Ajv2020(AJV_OPTIONS));
  if (dialect.includes("2019-09")) return (ajv2019 ??= new Ajv2019(AJV_OPTIONS));
  return (ajv07 ??= new Ajv(AJV_OPTIONS));
}

/**
 * A validator for a JSON Schema (draft-07 by default; 2019-09 and 2020-12
 * when `$schema` says so), compiled once per distinct schema text; or the
 * reason the schema does not compile.
 */
export function schemaValidator(schema: Record<string, unknown>): ValidateFunction | string {
  const known = bySchemaObject.get(schema);
  if (known !== undefined) return known;
  const key = JSON.stringify(schema);
  let v = validators.get(key);
  if (v === undefined) {
    try {
      v = ajvFor(schema).compile(schema);
    } catch (e) {
      v = (e as Error).message.split("\n")[0]!;
    }
    validators.set(key, v);
  }
  bySchemaObject.set(schema, v);
  return v;
}

const JsonOptions = z
  .object({
    fenced: z.boolean().default(true).describe("parse the last ```json (or untagged) fenced block when there is one, else the whole answer"),
    schema: z.record(z.string(), z.unknown()).optional().describe("JSON Schema the value must conform to (a trajectory's reference.schema takes precedence)"),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (!o.schema) return;
    const v = schemaValidator(o.schema);
    if (typeof v === "string") ctx.addIssue({ code: "custom", path: ["schema"], message: `not a valid JSON Schema (${v})` });
  });

// ---------------------------------------------------------------------------
// The scorer kinds

export const formatScorers: ScorerDefinition[] = [
  defineScorer({
    kind: "regex",
    description: "1 if a regular expression matches the answer, else 0",
    options: RegexOptions,
    make(o, name) {
      const re = compileSafePattern(o.pattern, o.flags);
      const shown = `/${o.pattern.length > 40 ? o.pattern.slice(0, 39) + "…" : o.pattern}/${o.flags}`;
      return ruleScorer(name, (t) => {
        const cut = t.answer.length > o.maxChars;
        const text = cut ? t.answer.slice(0, o.maxChars) : t.answer;
        const ok = re.test(text);
        const where = cut ? ` (first ${o.maxChars} chars)` : "";
        return { value: ok ? 1 : 0, reason: `${ok ? "matches" : "does not match"} ${shown}${where}` };
      });
    },
  }),
  defineScorer({
    kind: "tags",
    description: "1 if the answer is <think>…</think><answer>…</answer> (or the tags given), each once and in order, else 0",
    options: TagsOptions,
    make(o, name) {
      const pairs = tagPairs(o.tags);
      const ok = `well formed: ${pairs.map((p) => p.open).join("")}`;
      return ruleScorer(name, (t) => {
        const problem = tagStructureProblem(t.answer, pairs, o.strict);
        return problem === null ? { value: 1, reason: ok } : { value: 0, reason: problem };
      });
    },
  }),
  defineScorer({
    kind: "json",
    description: "1 if the answer (or its ```json block) is JSON without duplicate keys and conforms to the schema, if any; else 0",
    options: JsonOptions,
    make(o, name) {
      let fixed: ValidateFunction | undefined;
      if (o.schema) {
        const v = schemaValidator(o.schema);
        if (typeof v === "string") throw new UserError("schema", `not a valid JSON Schema (${v})`);
        fixed = v;
      }
      return ruleScorer(name, (t) => {
        const block = o.fenced ? fencedJson(t.answer) : null;
        const text = (block ?? t.answer).trim();
        const where = block === null ? "answer" : "```json block";
        if (text === "") return { value: 0, reason: `empty ${where}` };
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch (e) {
          return { value: 0, reason: `${where} is not JSON (${(e as Error).message.slice(0, 60)})` };
        }
        const dup = duplicateKey(text);
        if (dup !== null) return { value: 0, reason: `duplicate key ${quote(dup)} in the ${where}` };
        let validate = fixed;
        if (t.reference.schema) {
          const v = schemaValidator(t.reference.schema);
          if (typeof v === "string") return failed(`reference schema is not valid (${v})`);
          validate = v;
        }
        if (!validate) return { value: 1, reason: `${where} is valid JSON` };
        let ok: boolean;
        try {
          ok = validate(value) as boolean;
        } catch (e) {
          // A recursive schema over very deep data can exhaust the stack.
          return { value: 0, reason: `schema check failed (${(e as Error).message.slice(0, 60)})` };
        }
        if (ok) return { value: 1, reason: `${where} is valid JSON and conforms to the schema` };
        const err = validate.errors?.[0];
        return { value: 0, reason: `does not conform to the schema: ${err ? `${err.instancePath || "/"} ${err.message ?? err.keyword}` : "invalid"}` };
      });
    },
  }),
];
