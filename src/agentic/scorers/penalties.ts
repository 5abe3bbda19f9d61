/**
 * Penalty scorers (values ≤ 0, added to a task reward):
 *
 *   length         −coef · max(0, len − target): linear beyond a target length
 *   dapo-overlong  DAPO's soft overlong punishment (Yu et al. 2025): 0 up to
 *                  maxLength − buffer, then falling linearly to −factor at maxLength
 *   repetition     −coef · the fraction of the answer's word n-grams that repeat an earlier one
 *   truncated      −coef when the response has no end-of-turn token (cut off at
 *                  the length limit), read from a rendered response's markers
 *
 * Lengths are of `trajectory.answer`, in `chars` (Unicode code points) or
 * `tokens`. Tokens here are whitespace-separated words, a tokenizer-free
 * stand-in: a model's tokenizer gives roughly 1.3 tokens per English word,
 * so set targets in words, or use chars for text without spaces.
 */
import { z } from "zod";
import { defineScorer, ruleScorer, type ScorerDefinition } from "../scorer.js";
import { isSpaceCode, quote, showNumber } from "./text.js";

export type LengthUnit = "chars" | "tokens";

/** Unicode code points in `text` (an emoji is one, as a reader counts it). */
export function countChars(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // A high surrogate followed by a low one is one code point.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/** Whitespace-separated words in `text`, counted without splitting it. */
export function countWords(text: string): number {
  let n = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const space = isSpaceCode(text.charCodeAt(i));
    if (!space && !inWord) n++;
    inWord = !space;
  }
  return n;
}

export function measure(text: string, unit: LengthUnit): number {
  return unit === "chars" ? countChars(text) : countWords(text);
}

/** The linear length penalty −coef · max(0, len − target). */
export function linearLengthPenalty(len: number, target: number, coef: number): number {
  return len > target ? -coef * (len - target) + 0 : 0; // + 0: no −0 when coef is 0
}

/**
 * DAPO's overlong penalty (as verl computes it): with expected = maxLength −
 * buffer, min(−(len − expected) / buffer · factor, 0), clipped at −factor
 * for answers beyond maxLength (a trainer truncates there; a scorer may see
 * longer text).
 */
export function overlongPenalty(len: number, maxLength: number, buffer: number, factor: number): number {
  const expected = maxLength - buffer;
  const p = Math.min((-(len - expected) / buffer) * factor, 0);
  return Math.max(p, -factor) + 0; // + 0: no −0
}

const Unit = z.enum(["chars", "tokens"]).default("tokens").describe('what a length counts: "tokens" (whitespace-separated words) or "chars" (code points)');

const LengthOptions = z
  .object({
    target: z.number().int().nonnegative().default(300).describe("the length up to which there is no penalty"),
    coef: z.number().nonnegative().default(0.01).describe("penalty per unit beyond the target"),
    unit: Unit,
  })
  .strict();

const OverlongOptions = z
  .object({
    maxLength: z.number().int().positive().default(20480).describe("the maximum response length L_max (DAPO: 20480 tokens)"),
    buffer: z.number().int().positive().default(4096).describe("the soft punishment interval L_cache before maxLength (DAPO: 4096)"),
    factor: z.number().nonnegative().default(1).describe("the penalty at maxLength and beyond"),
    unit: Unit,
  })
  .strict()
  .refine((o) => o.buffer <= o.maxLength, { message: "expected buffer ≤ maxLength", path: ["buffer"] });

// ---------------------------------------------------------------------------
// repetition

export interface Repetition {
  /** (n-grams − distinct n-grams) / n-grams; 0 with fewer than n words. */
  fraction: number;
  ngrams: number;
  /** The most frequent n-gram and its count (the first such, when tied). */
  top: string;
  topCount: number;
}

// Scratch space reused by every call (the scorer runs on every answer: no per-call arrays).
let lane1 = new Int32Array(1024);
let lane2 = new Int32Array(1024);
let wordStart = new Int32Array(1024);
let wordEnd = new Int32Array(1024);
// An open-addressing table of n-gram keys (two 32-bit lanes) and their counts.
let tableA = new Int32Array(4096);
let tableB = new Int32Array(4096);
let tableCount = new Int32Array(4096);
let used = new Int32Array(2048);

function growWords(size: number): void {
  const grown = (a: Int32Array) => {
    const b = new Int32Array(size);
    b.set(a);
    return b;
  };
  lane1 = grown(lane1);
  lane2 = grown(lane2);
  wordStart = grown(wordStart);
  wordEnd = grown(wordEnd);
}

/**
 * How repetitive `text` is: the fraction of its word n-grams that repeat an
 * earlier one ("a b c a b c", n = 3: 4 trigrams, 3 distinct → 1/4). Words
 * are white-space separated. Each word is hashed on two independent 32-bit
 * lanes while the text is scanned (no word strings are made), each n-gram's
 * key mixes its words' lanes into two 32-bit lanes again, and keys are
 * counted in an open-addressing table of typed arrays: two different n-grams
 * are counted as one only if both lanes collide, with probability about
 * 2^−64 per pair.
 */
export function ngramRepetition(text: string, n: number, caseSensitive = false): Repetition {
  const t = caseSensitive ? text : text.toLowerCase();
  const len = t.length;
  let count = 0;
  for (let i = 0; i < len; ) {
    while (i < len && isSpaceCode(t.charCodeAt(i))) i++;
    if (i >= len) break;
    const start = i;
    let h1 = 0x811c9dc5 | 0;
    let h2 = 0x5bd1e995 | 0;
    for (; i < len; i++) {
      const c = t.charCodeAt(i);
      if (isSpaceCode(c)) break;
      h1 = Math.imul(h1 ^ c, 0x01000193); // FNV-1a
      h2 = Math.imul(h2 ^ c, 0x5bd1e995) ^ (h2 >>> 15);
    }
    if (count === lane1.length) growWords(2 * count);
    lane1[count] = h1;
    lane2[count] = h2;
    wordStart[count] = start;
    wordEnd[count] = i;
    count++;
  }
  if (count < n) return { fraction: 0, ngrams: 0, top: "", topCount: 0 };
  const ngrams = count - n + 1;
  // A power of two at least twice the n-grams keeps probe sequences short.
  let size = tableA.length;
  while (size < 2 * ngrams) size *= 2;
  if (size !== tableA.length) {
    tableA = new Int32Array(size);
    tableB = new Int32Array(size);
    tableCount = new Int32Array(size);
    used = new Int32Array(size >> 1);
  }
  const mask = size - 1;
  let distinct = 0;
  let topAt = 0;
  let topCount = 0;
  for (let i = 0; i < ngrams; i++) {
    let a = 0x9e3779b9 | 0;
    let b = 0x85ebca6b | 0;
    for (let j = i; j < i + n; j++) {
      a = Math.imul(a ^ lane1[j]!, 0x01000193);
      b = Math.imul(b ^ lane2[j]!, 0xc2b2ae35) ^ (b >>> 13);
    }
    let slot = (a ^ (b >>> 7)) & mask;
    while (tableCount[slot] !== 0 && (tableA[slot] !== a || tableB[slot] !== b)) slot = (slot + 1) & mask;
    if (tableCount[slot] === 0) {
      tableA[slot] = a;
      tableB[slot] = b;
      used[distinct++] = slot;
    }
    const c = ++tableCount[slot]!;
    if (c > topCount) {
      topCount = c;
      topAt = i;
    }
  }
  // Empty the slots used, for the next call (cheaper than clearing the whole table).
  for (let k = 0; k < distinct; k++) tableCount[used[k]!] = 0;
  let top = t.slice(wordStart[topAt], wordEnd[topAt]);
  for (let j = topAt + 1; j < topAt + n; j++) top += " " + t.slice(wordStart[j], wordEnd[j]);
  return { fraction: (ngrams - distinct) / ngrams, ngrams, top, topCount };
}

const RepetitionOptions = z
  .object({
    n: z.number().int().min(1).max(16).default(3).describe("n-gram size, in words"),
    coef: z.number().nonnegative().default(1).describe("the penalty when every n-gram is a repeat"),
    caseSensitive: z.boolean().default(false).describe("count words differing only in case as different"),
  })
  .strict();

const TruncatedOptions = z
  .object({
    coef: z.number().nonnegative().default(1).describe("the penalty for a response cut off before its end-of-turn token"),
  })
  .strict();

// ---------------------------------------------------------------------------
// The scorer kinds

export const penaltyScorers: ScorerDefinition[] = [
  defineScorer({
    kind: "length",
    description: "linear length penalty −coef·max(0, length − target), in chars or whitespace tokens",
    options: LengthOptions,
    make(o, name) {
      return ruleScorer(name, (t) => {
        const len = measure(t.answer, o.unit);
        const value = linearLengthPenalty(len, o.target, o.coef);
        return { value, reason: len > o.target ? `${len} ${o.unit}, ${len - o.target} over ${o.target}` : `${len} ${o.unit}, within ${o.target}` };
      });
    },
  }),
  defineScorer({
    kind: "dapo-overlong",
    description: "DAPO's soft overlong penalty: 0 up to maxLength − buffer, then linear down to −factor at maxLength",
    options: OverlongOptions,
    make(o, name) {
      const expected = o.maxLength - o.buffer;
      return ruleScorer(name, (t) => {
        const len = measure(t.answer, o.unit);
        const value = overlongPenalty(len, o.maxLength, o.buffer, o.factor);
        return { value, reason: len > expected ? `${len} ${o.unit}, ${len - expected} into the ${o.buffer}-${o.unit} buffer before ${o.maxLength}` : `${len} ${o.unit}, within ${expected}` };
      });
    },
  }),
  defineScorer({
    kind: "repetition",
    description: "−coef × the fraction of word n-grams that repeat an earlier one",
    options: RepetitionOptions,
    make(o, name) {
      return ruleScorer(name, (t) => {
        const r = ngramRepetition(t.answer, o.n, o.caseSensitive);
        if (r.ngrams === 0) return { value: 0, reason: `fewer than ${o.n} words` };
        const value = -r.fraction * o.coef + 0;
        if (r.topCount < 2) return { value, reason: `no repeated ${o.n}-grams` };
        return { value, reason: `${showNumber(100 * r.fraction)}% of ${o.n}-grams repeated; most: ${quote(r.top)} ×${r.topCount}` };
      });
    },
  }),
  defineScorer({
    kind: "truncated",
    description: "−coef when a rendered response has no end-of-turn token (cut off at the length limit); null for clean text, where it cannot be told",
    options: TruncatedOptions,
    make(o, name) {
      return ruleScorer(name, (t) => {
        if (t.truncated === undefined) return { value: null, reason: "no chat-template markers: cannot tell whether it was cut off" };
        return t.truncated ? { value: -o.coef + 0, reason: "no end-of-turn token: cut off" } : { value: 0, reason: "ends with its end-of-turn token" };
      });
    },
  }),
];
