/** Text overlap: edit distance (Levenshtein) and SQuAD-style token F1. */
import { SPACE_RUN } from "./text.js";

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
