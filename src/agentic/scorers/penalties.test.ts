import { describe, expect, it, test } from "vitest";
import { Rng } from "../../core/rng.js";
import { parseConfig } from "../../core/config.js";
import type { Score } from "../scorer.js";
import { parseTrajectory } from "../trajectory.js";
import { countChars, countWords, ngramRepetition, overlongPenalty, penaltyScorers } from "./penalties.js";

function score(kind: string, answer: string, options: Record<string, unknown> = {}): Score {
  const def = penaltyScorers.find((d) => d.kind === kind)!;
  const scorer = def.make(parseConfig(def.options, options), kind, { baseDir: ".", env: {} });
  return (scorer.scoreBatch([parseTrajectory({ answer })]) as Score[])[0];
}

const MB = 1 << 20;

describe("length", () => {
  test("words are whitespace-separated and chars are code points", () => {
    expect(countWords("  a  b\n\tc ")).toBe(3);
    expect(countWords("")).toBe(0);
    expect(countChars("😀é😀")).toBe(3);
    expect(countChars("\ud800x")).toBe(2); // a lone surrogate still counts once
  });

  test("the penalty is −coef · (length − target) beyond the target and 0 within it", () => {
    expect(score("length", "a b c d e", { target: 3, coef: 0.5 })).toEqual({ value: -1, reason: "5 tokens, 2 over 3" });
    expect(score("length", "a b c", { target: 3, coef: 0.5 })).toEqual({ value: 0, reason: "3 tokens, within 3" });
    expect(score("length", "😀😀😀😀", { target: 2, coef: 1, unit: "chars" }).value).toBe(-2);
    expect(Object.is(score("length", "a b c", { target: 1, coef: 0 }).value, 0)).toBe(true);
  });

  test("the defaults are PAR's baseline, 0.01 per token beyond 300", () => {
    expect(score("length", "w ".repeat(310)).value).toBeCloseTo(-0.1, 12);
  });

  test("a 1 MB answer is measured quickly", () => {
    const start = performance.now();
    expect(score("length", "ab ".repeat(MB / 3), { target: 0, coef: 1 }).value).toBe(-Math.floor(MB / 3));
    expect(score("length", "é".repeat(MB), { target: 0, coef: 1, unit: "chars" }).value).toBe(-MB);
    expect(performance.now() - start).toBeLessThan(2000);
  });
});

describe("dapo-overlong", () => {
  test("the penalty is 0 up to maxLength − buffer, linear in the buffer and −factor from maxLength on", () => {
    // expected = 100 − 20 = 80.
    expect(overlongPenalty(80, 100, 20, 1)).toBe(0);
    expect(overlongPenalty(90, 100, 20, 1)).toBe(-0.5); // −(90 − 80)/20 · 1
    expect(overlongPenalty(100, 100, 20, 1)).toBe(-1);
    expect(overlongPenalty(150, 100, 20, 1)).toBe(-1); // clipped at −factor
    expect(overlongPenalty(90, 100, 20, 2)).toBe(-1); // −(10/20) · 2
    expect(Object.is(overlongPenalty(10, 100, 20, 1), 0)).toBe(true);
  });

  test("the scorer measures the answer and says how far into the buffer it is", () => {
    expect(score("dapo-overlong", "w ".repeat(95), { maxLength: 100, buffer: 20 })).toEqual({ value: -0.75, reason: "95 tokens, 15 into the 20-tokens buffer before 100" });
    expect(score("dapo-overlong", "short answer").value).toBe(0);
  });

  test("a buffer longer than maxLength is caught when the options are parsed", () => {
    const def = penaltyScorers.find((d) => d.kind === "dapo-overlong")!;
    expect(() => parseConfig(def.options, { maxLength: 10, buffer: 20 })).toThrow(/buffer/);
    expect(() => parseConfig(def.options, { unit: "bytes" })).toThrow(/unit/);
  });
});

describe("repetition", () => {
  test("the penalty is minus the fraction of n-grams that repeat an earlier one", () => {
    // Trigrams of "a b c a b c": abc, bca, cab, abc → 4 in all, 3 distinct → 1/4 repeated.
    expect(score("repetition", "a b c a b c")).toEqual({ value: -0.25, reason: '25% of 3-grams repeated; most: "a b c" ×2' });
    // Unigrams of "x x x y": 4, 2 distinct → 2/4; with coef 2 → −1.
    expect(score("repetition", "x x x y", { n: 1, coef: 2 }).value).toBe(-1);
  });

  test("text without repeats or shorter than n gets no penalty", () => {
    expect(score("repetition", "the quick brown fox jumps")).toEqual({ value: 0, reason: "no repeated 3-grams" });
    expect(score("repetition", "two words")).toEqual({ value: 0, reason: "fewer than 3 words" });
    expect(score("repetition", "   ")).toEqual({ value: 0, reason: "fewer than 3 words" });
  });

  test("case is ignored unless caseSensitive", () => {
    expect(score("repetition", "A b C a B c").value).toBe(-0.25);
    expect(score("repetition", "A b C a B c", { caseSensitive: true }).value).toBe(0);
  });

  test("numeric and string n-gram keys count the same", () => {
    // 200 distinct words, twice: n-grams starting at i and i + 200 are equal for every i ≤ 400 − n − 200.
    const text = Array.from({ length: 400 }, (_, i) => `w${i % 200}`).join(" ");
    for (const n of [2, 8]) {
      // 200^2 fits in 2^53 (numeric keys); 200^8 does not (string keys).
      const ngrams = 400 - n + 1;
      const repeats = 400 - n - 200 + 1;
      expect(ngramRepetition(text, n).fraction).toBeCloseTo(repeats / ngrams, 12);
    }
  });

  test("a 1 MB answer is scored quickly and names its most repeated n-gram", () => {
    const start = performance.now();
    const s = score("repetition", "the cat sat ".repeat(MB / 12));
    expect(s.value).toBeLessThan(-0.99);
    expect(s.reason).toMatch(/most: "the cat sat" ×/);
    expect(score("repetition", "x".repeat(MB)).value).toBe(0);
    expect(performance.now() - start).toBeLessThan(2000);
  });
});

describe("ngramRepetition against a plain string count", () => {
  /** The definition, with strings: split on white space, count distinct joined n-grams. */
  function naive(text: string, n: number): { fraction: number; topCount: number } {
    const words = text.toLowerCase().split(/\s+/).filter((w) => w !== "");
    if (words.length < n) return { fraction: 0, topCount: 0 };
    const seen = new Map<string, number>();
    let topCount = 0;
    for (let i = 0; i + n <= words.length; i++) {
      const key = words.slice(i, i + n).join(" ");
      const c = (seen.get(key) ?? 0) + 1;
      seen.set(key, c);
      topCount = Math.max(topCount, c);
    }
    const ngrams = words.length - n + 1;
    return { fraction: (ngrams - seen.size) / ngrams, topCount };
  }

  it("agrees on random texts over a small vocabulary, with mixed case and Unicode spaces", () => {
    const rng = new Rng(11);
    const vocabulary = ["the", "The", "cat", "sat", "on", "mat", "é", "猫", "a"];
    const spaces = [" ", "  ", "\n", "\t", "\u00a0", "\u3000"];
    for (let trial = 0; trial < 300; trial++) {
      const count = rng.int(40);
      let text = rng.bernoulli(0.3) ? " " : "";
      for (let i = 0; i < count; i++) text += vocabulary[rng.int(vocabulary.length)] + spaces[rng.int(spaces.length)]!;
      const n = 1 + rng.int(4);
      // Now and then a long text, so the count table grows and its probe chains get long.
      if (trial % 50 === 49) for (let i = 0; i < 3000; i++) text += `${vocabulary[rng.int(vocabulary.length)]}${rng.int(20)} `;
      const got = ngramRepetition(text, n);
      const want = naive(text, n);
      expect(got.fraction).toBeCloseTo(want.fraction, 12);
      expect(got.topCount).toBe(want.topCount);
    }
  });
});
