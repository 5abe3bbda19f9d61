/**
 * Text helpers the scorers share: reasons (quoting, numbers), white space,
 * reference answers, tag contents, and the normalization exact matching
 * uses. Every function is total: any string, however long or odd, gives a
 * result, never an exception.
 */
import { z } from "zod";
import type { Trajectory } from "../trajectory.js";

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

// Quotes, `$` and whitespace at either end; at the end also sentence punctuation.
const EDGE = new Set([..."\"'`“”‘’«»$"].map((c) => c.charCodeAt(0)));
const TRAILING = new Set([..."\"'`“”‘’«»$.,;:!?。"].map((c) => c.charCodeAt(0)));
export const SPACE_RUN = /\s+/g;

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
