/**
 * Answer scorers: does the agent's final answer match the reference answer?
 *
 *   exact        1/0 after normalization (case, whitespace, NFKC, edge punctuation and quotes)
 *   numeric      1/0 for a number within a tolerance of the reference
 *   math         1/0 for the final answer (`\boxed{}`, `<answer>`, "the answer is", last number)
 *   choice       1/0 for a multiple-choice letter; hedging between letters scores 0
 *   levenshtein  1 − edit distance / longer length, in 0..1
 *   f1           SQuAD-style token F1, in 0..1
 *
 * The text scored is `trajectory.answer` (the last assistant message unless
 * given). A reference may be a list: the best match counts. No reference
 * gives the value null ("does not apply"), not 0. Every function here is
 * total: any string, however long or odd, gets a score and never an
 * exception. Extraction is linear in the answer's length, so a runaway
 * 1 MB generation costs milliseconds, not minutes.
 */
import { z } from "zod";
import { defineScorer, ruleScorer, type Score, type ScorerDefinition } from "../scorer.js";
import type { Trajectory } from "../trajectory.js";

// ---------------------------------------------------------------------------
// Shared helpers (also used by the format and ToolRL scorers)

/** Shows a string in a reason: JSON-quoted (so one line) and cut. */
export function quote(s: string, max = 40): string {
  return JSON.stringify(s.length > max ? s.slice(0, max - 1) + "…" : s);
}

/** A number for a reason: at most three decimals, no trailing zeros. */
export function showNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const r = Math.round(x * 1000) / 1000;
  return String(Object.is(r, -0) ? 0 : r);
}

/** True for the code units JavaScript's `\s` matches (so counts agree with `split(/\s+/)`). */
export function isSpaceCode(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0xa0) return false;
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** True when `text[from, to)` is empty or whitespace only. */
export function isBlank(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!isSpaceCode(text.charCodeAt(i))) return false;
  return true;
}

/** The reference answers as strings, or null when there are none. */
export function referenceAnswers(t: Trajectory): string[] | null {
  const a = t.reference.answer;
  if (a === undefined) return null;
  if (Array.isArray(a)) return a.length > 0 ? a.map(String) : null;
  return [String(a)];
}

/**
 * The content of the last complete `<tag>…</tag>` in `text`, or null. The
 * last, because models that restate a draft answer mean the final one.
 */
export function lastTagContent(text: string, open: string, close: string): string | null {
  const end = text.lastIndexOf(close);
  if (end < 0) return null;
  const start = text.lastIndexOf(open, end);
  if (start < 0) return null;
  return text.slice(start + open.length, end);
}

/** The content of the last `<answer>…</answer>`, or null. */
export function answerTagContent(text: string): string | null {
  return lastTagContent(text, "<answer>", "</answer>");
}

export const Extract = z.enum(["none", "answer-tag"]).describe('which text is scored: the whole answer ("none") or the content of its last <answer>…</answer>');
export type Extract = z.output<typeof Extract>;

function pickText(t: Trajectory, extract: Extract): string | null {
  return extract === "none" ? t.answer : answerTagContent(t.answer);
}

const NO_ANSWER_TAG = "no <answer>…</answer> in the answer";

function noReference(): Score {
  return { value: null, reason: "no reference answer" };
}

function showReferences(refs: readonly string[]): string {
  return refs.length === 1 ? quote(refs[0]) : `one of ${refs.length} (${quote(refs[0])}, …)`;
}

// ---------------------------------------------------------------------------
// exact

// Quotes, `$` and whitespace at either end; at the end also sentence punctuation.
const EDGE = new Set([..."\"'`“”‘’«»$"].map((c) => c.charCodeAt(0)));
const TRAILING = new Set([..."\"'`“”‘’«»$.,;:!?。"].map((c) => c.charCodeAt(0)));
const SPACE_RUN = /\s+/g;

/** `text` without leading quotes/`$` and trailing quotes/`$`/punctuation/whitespace. */
function stripEdges(text: string): string {
  let start = 0;
  let end = text.length;
  // Loops on char codes: a regex such as /\s+$/ is quadratic on long inner runs.
  while (start < end) {
    const c = text.charCodeAt(start);
    if (!isSpaceCode(c) && !EDGE.has(c)) break;
    start++;
  }
  while (end > start) {
    const c = text.charCodeAt(end - 1);
    if (!isSpaceCode(c) && !TRAILING.has(c)) break;
    end--;
  }
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

/**
 * Normalizes an answer for exact comparison: NFKC (fullwidth "４２" is
 * "42"; look-alikes from other scripts, Cyrillic "А", stay distinct),
 * whitespace runs to one space, quotes and `$` stripped at both ends,
 * trailing punctuation stripped, lowercased unless `caseSensitive`.
 */
export function normalizeAnswer(text: string, caseSensitive = false): string {
  const s = stripEdges(text.normalize("NFKC").replace(SPACE_RUN, " "));
  return caseSensitive ? s : s.toLowerCase();
}

const ExactOptions = z
  .object({
    caseSensitive: z.boolean().default(false).describe("compare letter case"),
    normalize: z.boolean().default(true).describe("NFKC, collapse whitespace, strip edge quotes/$ and trailing punctuation"),
    extract: Extract.default("none"),
  })
  .strict();

// ---------------------------------------------------------------------------
// numbers

const DECIMAL = /^[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?(?:e[-+]?\d+)?$|^[-+]?\.\d+(?:e[-+]?\d+)?$/i;
const FRACTION = /^([-+]?)\\[dt]?frac\{([^{}]+)\}\{([^{}]+)\}$/;
// LaTeX spacing and grouping that never changes a number's value.
const NUMBER_NOISE = /\\[!,;: ]|\{,\}|\\%|\\\$|\$|\s+|\u2212/g;

export type PercentMode = "number" | "fraction";

function plainNumber(s: string): number | null {
  if (!DECIMAL.test(s)) return null;
  const x = Number(s.replace(/,/g, ""));
  return Number.isFinite(x) ? x : null;
}

/**
 * Parses a whole string as one number: `1,234.5`, `-2e3`, `.5`, `3/4`,
 * `\frac{3}{4}`, `$12`, `50%`, fullwidth digits. Commas are thousands
 * separators only (in groups of three). `percent` says what `50%` is: 50
 * ("number", as most datasets write percentage answers) or 0.5
 * ("fraction"). Null for anything else, and for infinities.
 */
export function parseNumber(text: string, percent: PercentMode = "number"): number | null {
  if (text.length > 200) return null; // no real number is this long
  let s = text.normalize("NFKC").replace(NUMBER_NOISE, (m) => (m === "{,}" ? "," : m === "\u2212" ? "-" : m === "\\%" ? "%" : ""));
  while (s.endsWith(".")) s = s.slice(0, -1);
  let scale = 1;
  if (s.endsWith("%")) {
    s = s.slice(0, -1);
    if (percent === "fraction") scale = 0.01;
  }
  if (s === "") return null;
  let x: number | null;
  const f = FRACTION.exec(s);
  if (f) {
    const a = plainNumber(f[2]);
    const b = plainNumber(f[3]);
    x = a === null || b === null || b === 0 ? null : (f[1] === "-" ? -a : a) / b;
  } else {
    const slash = s.indexOf("/");
    if (slash >= 0) {
      const a = plainNumber(s.slice(0, slash));
      const b = plainNumber(s.slice(slash + 1));
      x = a === null || b === null || b === 0 ? null : a / b;
    } else {
      x = plainNumber(s);
    }
  }
  return x === null || !Number.isFinite(x * scale) ? null : x * scale;
}

// A number inside prose. The sign counts only when it does not follow a word
// or a closing bracket ("2024-2025" is two numbers, not 2024 and −2025).
const NUMBER_SOURCE = String.raw`(?:(?<![\w)\]}])[-+\u2212])?(?<![\d.])(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?(?:\/\d+(?:\.\d+)?)?%?|(?<![\w.])[-+\u2212]?\.\d+%?`;
const NUMBER_FIRST = new RegExp(NUMBER_SOURCE);
const NUMBER_ALL = new RegExp(NUMBER_SOURCE, "g");

/** The first number written in `text` (as its text), or null. */
export function firstNumber(text: string): string | null {
  const m = NUMBER_FIRST.exec(text);
  return m ? m[0] : null;
}

/** The last number written in `text` (as its text), or null. */
export function lastNumber(text: string): string | null {
  // Find the last digit by a backward scan, then read numbers only in a small
  // window before it: no regex pass over a long text.
  let i = text.length - 1;
  while (i >= 0) {
    const c = text.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) break;
    i--;
  }
  if (i < 0) return null;
  const window = text.slice(Math.max(0, i - 200), i + 2);
  NUMBER_ALL.lastIndex = 0;
  let last: string | null = null;
  for (let m = NUMBER_ALL.exec(window); m; m = NUMBER_ALL.exec(window)) last = m[0];
  return last;
}

/** |got − expected| ≤ max(absolute, relative·|expected|): relative to the reference. */
export function numbersClose(got: number, expected: number, relative: number, absolute: number): boolean {
  return Math.abs(got - expected) <= Math.max(absolute, relative * Math.abs(expected));
}

// ---------------------------------------------------------------------------
// final-answer extraction (math, numeric)

/**
 * The contents of the outermost `\boxed{…}` (and `\fbox{…}`) in `text`, in
 * order, with nested braces matched. One linear pass with a brace stack: a
 * box whose brace never closes is ignored, and a box inside a box is part of
 * the outer one. `\{` and `\}` are literal braces, not grouping.
 */
export function boxedAnswers(text: string): string[] {
  let from = text.indexOf("\\boxed");
  const fbox = text.indexOf("\\fbox");
  if (from < 0 || (fbox >= 0 && fbox < from)) from = fbox;
  if (from < 0) return [];
  // Brace positions: i for a box's opening brace, ~i for any other.
  const stack: number[] = [];
  const spans: number[] = [];
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5c) {
      const next = text.charCodeAt(i + 1);
      if (next === 0x7b || next === 0x7d || next === 0x5c) i++;
    } else if (c === 0x7b) {
      stack.push(text.endsWith("\\boxed", i) || text.endsWith("\\fbox", i) ? i : ~i);
    } else if (c === 0x7d && stack.length > 0) {
      const open = stack.pop()!;
      if (open >= 0) spans.push(open, i);
    }
  }
  if (spans.length === 0) return [];
  // Spans close inner-first; keep the outermost, in order of opening.
  const order: number[] = [];
  for (let k = 0; k < spans.length; k += 2) order.push(k);
  order.sort((a, b) => spans[a] - spans[b]);
  const out: string[] = [];
  let end = -1;
  for (const k of order) {
    if (spans[k] < end) continue;
    out.push(text.slice(spans[k] + 1, spans[k + 1]));
    end = spans[k + 1];
  }
  return out;
}

const ANSWER_IS = /\banswer\s*(?:is\b|:|=)/gi;
// What follows "the answer is": up to the end of the sentence or line.
const ANSWER_IS_TAIL = /[\s:*]*((?:[^\n.]|\.(?=\S))+)/y;

/** The text after the last "answer is" / "answer:", to the end of its sentence, or null. */
export function answerIsContent(text: string): string | null {
  ANSWER_IS.lastIndex = 0;
  let end = -1;
  for (let m = ANSWER_IS.exec(text); m; m = ANSWER_IS.exec(text)) end = ANSWER_IS.lastIndex;
  if (end < 0) return null;
  ANSWER_IS_TAIL.lastIndex = end;
  const m = ANSWER_IS_TAIL.exec(text);
  const s = m ? m[1].trim() : "";
  return s === "" ? null : s;
}

export type MultipleBoxed = "last" | "fail";

export type FinalAnswer =
  | { answer: string; via: "boxed" | "answer-tag" | "answer-is" | "last-number" }
  | { answer: null; why: string };

/**
 * The final answer of a worked solution, the first of:
 *  1. `\boxed{…}` (nested braces matched). Several boxes with different
 *     contents: with `multipleBoxed: "fail"` there is no answer (a policy
 *     must not earn credit by boxing every candidate); with "last" the last.
 *  2. the last `<answer>…</answer>` (or the "answer is X" inside it);
 *  3. the last "the answer is X" / "Answer: X", to the end of its sentence;
 *  4. the last number in the text.
 * `text` should already be NFKC-normalized.
 */
export function extractFinalAnswer(text: string, multipleBoxed: MultipleBoxed = "fail"): FinalAnswer {
  const boxes = boxedAnswers(text);
  if (boxes.length > 0) {
    const last = boxes[boxes.length - 1];
    if (multipleBoxed === "fail") {
      const key = normalizeMath(last);
      for (const b of boxes) {
        if (normalizeMath(b) !== key) return { answer: null, why: `${boxes.length} different boxed answers (${quote(b, 20)}, ${quote(last, 20)})` };
      }
    }
    return { answer: last, via: "boxed" };
  }
  const tag = answerTagContent(text);
  if (tag !== null) return { answer: answerIsContent(tag) ?? tag.trim(), via: "answer-tag" };
  const is = answerIsContent(text);
  if (is !== null) return { answer: is, via: "answer-is" };
  const n = lastNumber(text);
  if (n !== null) return { answer: n, via: "last-number" };
  return { answer: null, why: "no boxed answer, no \"answer is\", no number" };
}

// ---------------------------------------------------------------------------
// math

const TEXT_WRAPPER = /\\(?:text|textbf|textrm|textit|mathrm|mathbf|mbox)\{([^{}]*)\}/g;
const MATH_NOISE = /\\left(?![a-zA-Z])|\\right(?![a-zA-Z])|\\displaystyle|\\[!,;: ]|\^\{?\\circ\}?|\$|\s+/g;
const DFRAC = /\\[dt]frac(?![a-zA-Z])/g;

/**
 * Normalizes a LaTeX answer for string comparison: NFKC, `\text{…}` (and
 * `\mathrm`, `\mbox`, …) unwrapped, `\left`/`\right`, spacing commands,
 * degree signs, `$` and all whitespace removed, `\dfrac`/`\tfrac` as
 * `\frac`, edge `*` and a trailing period stripped. Case is kept: x ≠ X.
 */
export function normalizeMath(text: string): string {
  let s = text.normalize("NFKC");
  for (let k = 0; k < 3 && s.includes("\\"); k++) {
    const next = s.replace(TEXT_WRAPPER, "$1");
    if (next === s) break;
    s = next;
  }
  s = s.replace(MATH_NOISE, "").replace(DFRAC, "\\frac");
  let start = 0;
  let end = s.length;
  while (start < end && s.charCodeAt(start) === 0x2a) start++;
  while (end > start && (s.charCodeAt(end - 1) === 0x2a || s.charCodeAt(end - 1) === 0x2e)) end--;
  return s.slice(start, end);
}

/** Equal as numbers (within tolerance) when both parse as numbers, else as normalized LaTeX. */
export function mathEqual(got: string, expected: string, relative = 1e-6, absolute = 0): boolean {
  const a = parseNumber(got);
  const b = parseNumber(expected);
  if (a !== null && b !== null) return numbersClose(a, b, relative, absolute);
  return normalizeMath(got) === normalizeMath(expected);
}

/** A reference answer as the final answer it states (a solution's `\boxed{}`, or itself). */
function referenceFinal(ref: string): string {
  if (!ref.includes("\\boxed") && !ref.includes("\\fbox")) return ref;
  const boxes = boxedAnswers(ref.normalize("NFKC"));
  return boxes.length > 0 ? boxes[boxes.length - 1] : ref;
}

const Tolerance = {
  tolerance: z.number().min(0).default(1e-6).describe("relative tolerance: |got − ref| ≤ tolerance·|ref|"),
  absolute: z.number().min(0).default(0).describe("absolute tolerance (the larger of the two applies)"),
};

const NumericOptions = z
  .object({
    ...Tolerance,
    percent: z.enum(["number", "fraction"]).default("number").describe('"50%" is 50 ("number") or 0.5 ("fraction")'),
  })
  .strict();

const MathOptions = z
  .object({
    ...Tolerance,
    multipleBoxed: z.enum(["fail", "last"]).default("fail").describe('several different \\boxed{} answers: no credit ("fail") or the last counts'),
  })
  .strict();

// ---------------------------------------------------------------------------
// choice

export interface ChoiceMatcher {
  readonly letters: string;
  /** The letter the text answers, or why there is none. */
  extract(text: string): { letter: string } | { letter: null; why: string };
  /** A reference answer ("B", "(b)", "B. Paris") as its letter, or null. */
  reference(ref: string): string | null;
}

const CHOICE_MARKER = /\banswer\b(?:\s*\*\*)?\s*(?:is\b|:|=)?(?:\s*\*\*)?\s*(?:(?:option|choice|letter)\b)?\s*:?\s*/gi;
// A reference letter: "B", "(b)", "B. Paris".
const CHOICE_REFERENCE = /^[\s(\[*]*([A-Za-z])[\s)\]*.:]*(?:\s.*)?$/su;
// Between the letters of one list: "A or B", "(A), (C)", "B/D", "A and C".
const LIST_GAP = /^[\s)\]}*]*(?:,|\/|&|\bor\b|\band\b)[\s(\[{*]*$/i;

/**
 * A multiple-choice extractor for the letters in `letters` (default A–J).
 * The answer is, by priority, the letter list after the last "answer is" /
 * "Answer:" (a lone lowercase letter counts there when nothing follows it),
 * else the last letter list anywhere: "(B)", "**B**", "\boxed{B}" or a
 * standalone capital, except the pronoun "I" and a sentence-opening "A"
 * followed by a lowercase word. A list naming two different letters ("A or B",
 * "(A), (C)") is hedging: no letter. The text is NFKC-normalized first, so
 * fullwidth "Ｂ" is B while Cyrillic "В" is no letter at all.
 */
export function choiceMatcher(letters = "ABCDEFGHIJ"): ChoiceMatcher {
  const cls = `[${letters}]`;
  const token = new RegExp(String.raw`(?<![\p{L}\p{N}_])(${cls})(?![\p{L}\p{N}_])`, "gu");
  const afterMarker = new RegExp(String.raw`[(\[{*\s]*(${cls})(?![\p{L}\p{N}_])`, "iuy");
  const lowerWordAfter = /\s+\p{Ll}/uy;
  const wordAfter = /\s+\p{L}/uy;
  // "I think…" and a sentence-opening "A cat…" are English, not options.
  const isEnglish = (text: string, index: number, letter: string): boolean => {
    if (letter !== "A" && letter !== "I") return false;
    lowerWordAfter.lastIndex = index + 1;
    if (!lowerWordAfter.test(text)) return false;
    if (letter === "I") return true;
    let j = index - 1;
    for (; j >= 0; j--) {
      const c = text.charCodeAt(j);
      if (c === 0x0a) return true;
      if (!isSpaceCode(c)) break;
    }
    if (j < 0) return true;
    const c = text.charCodeAt(j);
    return j < index - 1 && (c === 0x2e || c === 0x21 || c === 0x3f);
  };

  // The distinct letters of the list that starts with the letter at firstIndex.
  const readList = (text: string, firstIndex: number, firstLetter: string): Set<string> => {
    const seen = new Set([firstLetter.toUpperCase()]);
    let end = firstIndex + 1;
    token.lastIndex = end;
    for (let m = token.exec(text); m; m = token.exec(text)) {
      if (m.index - end > 12 || !LIST_GAP.test(text.slice(end, m.index))) break;
      seen.add(m[1]);
      end = m.index + 1;
    }
    return seen;
  };

  const verdict = (seen: Set<string>, first: string): { letter: string } | { letter: null; why: string } =>
    seen.size > 1 ? { letter: null, why: `hedged between ${[...seen].join(", ")}` } : { letter: first.toUpperCase() };

  return {
    letters,
    extract(raw) {
      const text = raw.normalize("NFKC");
      // 1. After the last answer marker that is followed by a letter.
      CHOICE_MARKER.lastIndex = 0;
      let best: { index: number; letter: string } | null = null;
      for (let m = CHOICE_MARKER.exec(text); m; m = CHOICE_MARKER.exec(text)) {
        afterMarker.lastIndex = CHOICE_MARKER.lastIndex;
        const l = afterMarker.exec(text);
        if (!l) continue;
        const letter = l[1];
        const index = afterMarker.lastIndex - 1;
        // A lowercase letter counts only when no word follows it: "the answer is a prime" is not A.
        wordAfter.lastIndex = index + 1;
        if (letter !== letter.toUpperCase() && wordAfter.test(text)) continue;
        best = { index, letter };
      }
      if (best) return verdict(readList(text, best.index, best.letter), best.letter);
      // 2. The last letter list anywhere.
      token.lastIndex = 0;
      let groupStart: { index: number; letter: string } | null = null;
      let group = new Set<string>();
      let end = -1;
      for (let m = token.exec(text); m; m = token.exec(text)) {
        if (isEnglish(text, m.index, m[1])) continue;
        if (end >= 0 && m.index - end <= 12 && LIST_GAP.test(text.slice(end, m.index))) {
          group.add(m[1]);
        } else {
          group = new Set([m[1]]);
          groupStart = { index: m.index, letter: m[1] };
        }
        end = m.index + 1;
      }
      if (!groupStart) return { letter: null, why: `no choice letter (${letters[0]}–${letters[letters.length - 1]})` };
      return verdict(group, groupStart.letter);
    },
    reference(ref) {
      const m = CHOICE_REFERENCE.exec(ref.normalize("NFKC"));
      if (!m) return null;
      const letter = m[1].toUpperCase();
      return letters.includes(letter) ? letter : null;
    },
  };
}

const ChoiceOptions = z
  .object({
    letters: z
      .string()
      .regex(/^[A-Z]{2,26}$/, "expected 2 to 26 capital letters, such as ABCD")
      .refine((s) => new Set(s).size === s.length, "expected each letter once")
      .default("ABCDEFGHIJ")
      .describe("the option letters (fewer letters: fewer false matches)"),
  })
  .strict();

// ---------------------------------------------------------------------------
// levenshtein

let rowScratch = new Int32Array(256);

/** Edit distance (insertions, deletions, substitutions of UTF-16 code units). O(|a|·|b|) time, O(min) memory. */
export function levenshtein(a: string, b: string): number {
  // Common prefix and suffix cost nothing.
  let start = 0;
  let endA = a.length;
  let endB = b.length;
  while (start < endA && start < endB && a.charCodeAt(start) === b.charCodeAt(start)) start++;
  while (endA > start && endB > start && a.charCodeAt(endA - 1) === b.charCodeAt(endB - 1)) {
    endA--;
    endB--;
  }
  let n = endA - start;
  let m = endB - start;
  if (n === 0) return m;
  if (m === 0) return n;
  let s = a;
  let t = b;
  if (m > n) {
    [s, t] = [b, a];
    [n, m] = [m, n];
  }
  // The row runs over the shorter string t.
  if (rowScratch.length < m + 1) rowScratch = new Int32Array(2 * (m + 1));
  const row = rowScratch;
  for (let j = 0; j <= m; j++) row[j] = j;
  for (let i = 1; i <= n; i++) {
    const ci = s.charCodeAt(start + i - 1);
    let diag = row[0];
    row[0] = i;
    for (let j = 1; j <= m; j++) {
      const up = row[j];
      const cost = ci === t.charCodeAt(start + j - 1) ? 0 : 1;
      let v = diag + cost;
      if (up + 1 < v) v = up + 1;
      if (row[j - 1] + 1 < v) v = row[j - 1] + 1;
      row[j] = v;
      diag = up;
    }
  }
  return row[m];
}

/** 1 − distance / longer length: 1 for equal strings (two empty ones too), 0 for nothing in common. */
export function levenshteinSimilarity(a: string, b: string): number {
  const longer = Math.max(a.length, b.length);
  return longer === 0 ? 1 : 1 - levenshtein(a, b) / longer;
}

const LevenshteinOptions = z
  .object({
    caseSensitive: z.boolean().default(false).describe("compare letter case"),
    normalize: z.boolean().default(true).describe("normalize both texts as the exact scorer does"),
    extract: Extract.default("none"),
    maxChars: z.number().int().positive().default(10_000).describe("compare only the first maxChars of each text (the cost is the product of the lengths)"),
  })
  .strict();

// ---------------------------------------------------------------------------
// f1

const PUNCTUATION = /[\p{P}\p{S}]/gu;
const ARTICLES = /\b(?:a|an|the)\b/g;

/** SQuAD's answer normalization as tokens: NFKC, lowercase, punctuation removed, articles removed, split on whitespace. */
export function squadTokens(text: string): string[] {
  const s = text.normalize("NFKC").toLowerCase().replace(PUNCTUATION, "").replace(ARTICLES, " ");
  const out: string[] = [];
  for (const w of s.split(SPACE_RUN)) if (w !== "") out.push(w);
  return out;
}

/** Token-overlap F1 over multisets (SQuAD): 1 when both are empty, 0 when only one is. */
export function tokenF1(got: readonly string[], expected: readonly string[]): { f1: number; precision: number; recall: number } {
  if (got.length === 0 || expected.length === 0) {
    const same = got.length === expected.length ? 1 : 0;
    return { f1: same, precision: same, recall: same };
  }
  const counts = new Map<string, number>();
  for (const w of expected) counts.set(w, (counts.get(w) ?? 0) + 1);
  let common = 0;
  for (const w of got) {
    const c = counts.get(w);
    if (c) {
      common++;
      counts.set(w, c - 1);
    }
  }
  if (common === 0) return { f1: 0, precision: 0, recall: 0 };
  const precision = common / got.length;
  const recall = common / expected.length;
  return { f1: (2 * precision * recall) / (precision + recall), precision, recall };
}

const F1Options = z.object({ extract: Extract.default("none") }).strict();

// ---------------------------------------------------------------------------
// The scorer kinds

/** The number a numeric answer states: the final answer parsed whole, else its first number. */
function answerNumber(text: string, percent: PercentMode): { value: number; shown: string } | { value: null; why: string } {
  // Hedging between boxed numbers gets no credit here either.
  const final = extractFinalAnswer(text.normalize("NFKC"), "fail");
  if (final.answer === null) return { value: null, why: final.why };
  const whole = parseNumber(final.answer, percent);
  if (whole !== null) return { value: whole, shown: final.answer };
  const first = firstNumber(final.answer);
  const x = first === null ? null : parseNumber(first, percent);
  return x === null ? { value: null, why: `no number in ${quote(final.answer)}` } : { value: x, shown: first! };
}

export const answerScorers: ScorerDefinition[] = [
  defineScorer({
    kind: "exact",
    description: "1 if the answer equals a reference answer after normalization, else 0",
    options: ExactOptions,
    make(o, name) {
      const norm = o.normalize ? (s: string) => normalizeAnswer(s, o.caseSensitive) : o.caseSensitive ? (s: string) => s : (s: string) => s.toLowerCase();
      return ruleScorer(name, (t) => {
        const refs = referenceAnswers(t);
        if (!refs) return noReference();
        const text = pickText(t, o.extract);
        if (text === null) return { value: 0, reason: NO_ANSWER_TAG };
        const got = norm(text);
        for (const r of refs) if (norm(r) === got) return { value: 1, reason: `matches ${quote(r)}` };
        return { value: 0, reason: `expected ${showReferences(refs)}, got ${quote(text)}` };
      });
    },
  }),
  defineScorer({
    kind: "numeric",
    description: "1 if the final answer's number is within tolerance of the reference number, else 0",
    options: NumericOptions,
    make(o, name) {
      return ruleScorer(name, (t) => {
        const refs = referenceAnswers(t);
        if (!refs) return noReference();
        const expected: number[] = [];
        for (const r of refs) {
          const x = parseNumber(referenceFinal(r), o.percent);
          if (x !== null) expected.push(x);
        }
        if (expected.length === 0) return { value: null, reason: `reference ${quote(refs[0])} is not a number` };
        const got = answerNumber(t.answer, o.percent);
        if (got.value === null) return { value: 0, reason: got.why };
        for (const x of expected) if (numbersClose(got.value, x, o.tolerance, o.absolute)) return { value: 1, reason: `${got.shown} matches ${x}` };
        return { value: 0, reason: `expected ${expected.length === 1 ? expected[0] : `one of ${expected.join(", ")}`}, got ${got.value}` };
      });
    },
  }),
  defineScorer({
    kind: "math",
    description: "1 if the final answer (\\boxed{}, <answer>, \"the answer is\", last number) equals the reference as a number or as normalized LaTeX",
    options: MathOptions,
    make(o, name) {
      return ruleScorer(name, (t) => {
        const refs = referenceAnswers(t);
        if (!refs) return noReference();
        const final = extractFinalAnswer(t.answer.normalize("NFKC"), o.multipleBoxed);
        if (final.answer === null) return { value: 0, reason: final.why };
        for (const r of refs) {
          if (mathEqual(final.answer, referenceFinal(r), o.tolerance, o.absolute)) return { value: 1, reason: `${final.via} ${quote(final.answer)} matches` };
        }
        return { value: 0, reason: `expected ${showReferences(refs.map(referenceFinal))}, got ${quote(final.answer)} (${final.via})` };
      });
    },
  }),
  defineScorer({
    kind: "choice",
    description: "1 if the answer's multiple-choice letter is the reference letter; hedging between letters scores 0",
    options: ChoiceOptions,
    make(o, name) {
      const matcher = choiceMatcher(o.letters);
      return ruleScorer(name, (t) => {
        const refs = referenceAnswers(t);
        if (!refs) return noReference();
        const expected: string[] = [];
        for (const r of refs) {
          const l = matcher.reference(r);
          if (l !== null) expected.push(l);
        }
        if (expected.length === 0) return { value: null, reason: `reference ${quote(refs[0])} is not one of the letters ${o.letters}` };
        const got = matcher.extract(t.answer);
        if (got.letter === null) return { value: 0, reason: got.why };
        if (expected.includes(got.letter)) return { value: 1, reason: `answered ${got.letter}` };
        return { value: 0, reason: `expected ${expected.join(" or ")}, got ${got.letter}` };
      });
    },
  }),
  defineScorer({
    kind: "levenshtein",
    description: "1 − edit distance / longer length against the closest reference answer (0..1)",
    options: LevenshteinOptions,
    make(o, name) {
      const prepare = (s: string): string => {
        const n = o.normalize ? normalizeAnswer(s, o.caseSensitive) : o.caseSensitive ? s : s.toLowerCase();
        return n.length > o.maxChars ? n.slice(0, o.maxChars) : n;
      };
      return ruleScorer(name, (t) => {
        const refs = referenceAnswers(t);
        if (!refs) return noReference();
        const text = pickText(t, o.extract);
        if (text === null) return { value: 0, reason: NO_ANSWER_TAG };
        // Cut before normalizing too: normalization is linear, but no need to run it over megabytes.
        const got = prepare(text.length > 4 * o.maxChars ? text.slice(0, 4 * o.maxChars) : text);
        let best = -1;
        let bestRef = refs[0];
        for (const r of refs) {
          const sim = levenshteinSimilarity(got, prepare(r));
          if (sim > best) {
            best = sim;
            bestRef = r;
          }
        }
        return { value: best, reason: `similarity ${showNumber(best)} to ${quote(bestRef)}` };
      });
    },
  }),
  defineScorer({
    kind: "f1",
    description: "SQuAD token-overlap F1 against the best reference answer (0..1)",
    options: F1Options,
    make(o, name) {
      return ruleScorer(name, (t) => {
        const refs = referenceAnswers(t);
        if (!refs) return noReference();
        const text = pickText(t, o.extract);
        if (text === null) return { value: 0, reason: NO_ANSWER_TAG };
        const got = squadTokens(text);
        let best = { f1: -1, precision: 0, recall: 0 };
        let bestRef = refs[0];
        for (const r of refs) {
          const s = tokenF1(got, squadTokens(r));
          if (s.f1 > best.f1) {
            best = s;
            bestRef = r;
          }
        }
        return { value: best.f1, reason: `F1 ${showNumber(best.f1)} (precision ${showNumber(best.precision)}, recall ${showNumber(best.recall)}) against ${quote(bestRef)}` };
      });
    },
  }),
];
