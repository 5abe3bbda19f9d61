import { describe, expect, test } from "vitest";
import { parseConfig } from "../../core/config.js";
import type { Score } from "../scorer.js";
import { parseTrajectory, type TrajectoryInput } from "../trajectory.js";
import { answerScorers } from "./answers.js";
import { choiceMatcher } from "./choice.js";
import { boxedAnswers, extractFinalAnswer, normalizeMath } from "./final-answer.js";
import { lastNumber, parseNumber } from "./numbers.js";
import { levenshtein, squadTokens, tokenF1 } from "./overlap.js";
import { normalizeAnswer } from "./text.js";

function score(kind: string, input: TrajectoryInput, options: Record<string, unknown> = {}): Score {
  const def = answerScorers.find((d) => d.kind === kind)!;
  const scorer = def.make(parseConfig(def.options, options), kind, { baseDir: ".", env: {} });
  return (scorer.scoreBatch([parseTrajectory(input)]) as Score[])[0];
}

const MB = 1 << 20;

describe("exact", () => {
  test("case, whitespace, edge quotes and trailing punctuation do not matter", () => {
    expect(score("exact", { answer: '  "Paris."  ', reference: { answer: "paris" } })).toEqual({ value: 1, reason: 'matches "paris"' });
    expect(score("exact", { answer: "New   York\n", reference: { answer: "new york" } }).value).toBe(1);
    expect(score("exact", { answer: "$42", reference: { answer: 42 } }).value).toBe(1);
  });

  test("a wrong answer scores 0 and the reason shows both", () => {
    expect(score("exact", { answer: "41", reference: { answer: "42" } })).toEqual({ value: 0, reason: 'expected "42", got "41"' });
  });

  test("caseSensitive and normalize: false make the comparison stricter", () => {
    expect(score("exact", { answer: "Paris", reference: { answer: "paris" } }, { caseSensitive: true }).value).toBe(0);
    expect(score("exact", { answer: "Paris.", reference: { answer: "paris" } }, { normalize: false }).value).toBe(0);
    expect(score("exact", { answer: "PARIS", reference: { answer: "paris" } }, { normalize: false }).value).toBe(1);
  });

  test("a list of references matches any of them", () => {
    expect(score("exact", { answer: "NYC", reference: { answer: ["New York", "nyc"] } }).value).toBe(1);
    expect(score("exact", { answer: "LA", reference: { answer: ["New York", "nyc"] } }).reason).toMatch(/^expected one of 2/);
  });

  test("without a reference the score is null, not 0", () => {
    expect(score("exact", { answer: "42" }).value).toBeNull();
    expect(score("exact", { answer: "42", reference: { answer: [] } }).value).toBeNull();
  });

  test("fullwidth digits match ASCII ones but a Cyrillic А does not match a Latin A", () => {
    expect(score("exact", { answer: "４２", reference: { answer: "42" } }).value).toBe(1);
    expect(score("exact", { answer: "\u0410", reference: { answer: "A" } }).value).toBe(0);
    expect(normalizeAnswer("\u0410")).not.toBe(normalizeAnswer("A"));
  });

  test("extract: answer-tag scores the last <answer> content, so right tags with a wrong answer get 0", () => {
    const answer = "<think>6 times 7 is 42</think><answer>43</answer>";
    expect(score("exact", { answer, reference: { answer: "42" } }, { extract: "answer-tag" })).toEqual({ value: 0, reason: 'expected "42", got "43"' });
    expect(score("exact", { answer: "<answer>1</answer> no, <answer>42</answer>", reference: { answer: "42" } }, { extract: "answer-tag" }).value).toBe(1);
    expect(score("exact", { answer: "42", reference: { answer: "42" } }, { extract: "answer-tag" })).toEqual({ value: 0, reason: "no <answer>…</answer> in the answer" });
  });

  test("a bad option is caught when the options are parsed", () => {
    const def = answerScorers.find((d) => d.kind === "exact")!;
    expect(() => parseConfig(def.options, { extract: "last-line" })).toThrow(/extract/);
    expect(() => parseConfig(def.options, { casesensitive: true })).toThrow(/caseSensitive/);
  });

  test("a 1 MB answer is scored quickly and without an exception", () => {
    const start = performance.now();
    expect(score("exact", { answer: "x ".repeat(MB / 2), reference: { answer: "x" } }).value).toBe(0);
    expect(performance.now() - start).toBeLessThan(2000);
  });
});

describe("numbers", () => {
  test("parseNumber reads thousands separators, fractions, exponents, percentages and LaTeX", () => {
    expect(parseNumber("1,234.5")).toBe(1234.5);
    expect(parseNumber("3/4")).toBe(0.75);
    expect(parseNumber("\\frac{3}{4}")).toBe(0.75);
    expect(parseNumber("-\\dfrac{1}{2}")).toBe(-0.5);
    expect(parseNumber("-2e3")).toBe(-2000);
    expect(parseNumber("\u22125")).toBe(-5);
    expect(parseNumber("$12.")).toBe(12);
    expect(parseNumber("50%")).toBe(50);
    expect(parseNumber("50\\%", "fraction")).toBe(0.5);
    expect(parseNumber("１２３")).toBe(123);
  });

  test("parseNumber rejects what is not exactly one finite number", () => {
    expect(parseNumber("1,2345")).toBeNull();
    expect(parseNumber("12 apples")).toBeNull();
    expect(parseNumber("1/0")).toBeNull();
    expect(parseNumber("1e999")).toBeNull();
    expect(parseNumber("")).toBeNull();
    expect(parseNumber("%")).toBeNull();
  });

  test("lastNumber finds the last number in prose and does not read a range's dash as a sign", () => {
    expect(lastNumber("6*7 = 42, so 42 apples.")).toBe("42");
    expect(lastNumber("in the years 2024-2025")).toBe("2025");
    expect(lastNumber("x = -3.5")).toBe("-3.5");
    expect(lastNumber("no digits here")).toBeNull();
  });

  test("numeric compares the final answer's number with the reference within the tolerance", () => {
    expect(score("numeric", { answer: "The answer is 1,234.5 dollars.", reference: { answer: 1234.5 } }).value).toBe(1);
    expect(score("numeric", { answer: "so we get 3/4", reference: { answer: "0.75" } }).value).toBe(1);
    expect(score("numeric", { answer: "\\boxed{-2e3}", reference: { answer: -2000 } }).value).toBe(1);
    expect(score("numeric", { answer: "41.99999999", reference: { answer: 42 } }).value).toBe(1);
    expect(score("numeric", { answer: "The answer is 41.", reference: { answer: 42 } })).toEqual({ value: 0, reason: "expected 42, got 41" });
    expect(score("numeric", { answer: "41.9", reference: { answer: 42 } }, { absolute: 0.2 }).value).toBe(1);
  });

  test("numeric reads 50% as 50 by default and as 0.5 with percent: fraction", () => {
    expect(score("numeric", { answer: "50%", reference: { answer: 50 } }).value).toBe(1);
    expect(score("numeric", { answer: "50%", reference: { answer: 0.5 } }).value).toBe(0);
    expect(score("numeric", { answer: "50%", reference: { answer: 0.5 } }, { percent: "fraction" }).value).toBe(1);
  });

  test("numeric reads fullwidth digits and gives no credit for two different boxed numbers", () => {
    expect(score("numeric", { answer: "答案是４２", reference: { answer: 42 } }).value).toBe(1);
    expect(score("numeric", { answer: "\\boxed{41} or \\boxed{42}", reference: { answer: 42 } }).value).toBe(0);
  });

  test("numeric gives null for a reference that is not a number and 0 for an answer without one", () => {
    expect(score("numeric", { answer: "42", reference: { answer: "forty-two" } }).value).toBeNull();
    expect(score("numeric", { answer: "I do not know.", reference: { answer: 42 } }).value).toBe(0);
  });

  test("numeric on a 1 MB answer finishes quickly", () => {
    const start = performance.now();
    expect(score("numeric", { answer: "1".repeat(MB), reference: { answer: 1 } }).value).toBe(0);
    expect(score("numeric", { answer: "lorem ipsum ".repeat(MB / 12) + "so 7", reference: { answer: 7 } }).value).toBe(1);
    expect(performance.now() - start).toBeLessThan(2000);
  });
});

describe("math", () => {
  test("boxedAnswers matches nested braces, skips escaped ones and keeps only outermost boxes", () => {
    expect(boxedAnswers("so \\boxed{\\frac{\\sqrt{3}}{2}}.")).toEqual(["\\frac{\\sqrt{3}}{2}"]);
    expect(boxedAnswers("\\boxed{\\{1, 2\\}}")).toEqual(["\\{1, 2\\}"]);
    expect(boxedAnswers("\\boxed{\\boxed{1}} and \\fbox{2}")).toEqual(["\\boxed{1}", "2"]);
    expect(boxedAnswers("\\boxed{never closed \\boxed{3}")).toEqual(["3"]);
    expect(boxedAnswers("no box {here}")).toEqual([]);
  });

  test("the final answer comes from a box, then <answer>, then 'the answer is', then the last number", () => {
    expect(extractFinalAnswer("x = 2, \\boxed{4}")).toEqual({ answer: "4", via: "boxed" });
    expect(extractFinalAnswer("<think>2+2</think><answer>x^2 + 1</answer>")).toEqual({ answer: "x^2 + 1", via: "answer-tag" });
    expect(extractFinalAnswer("The answer is 5, no wait, the answer is $6$. Done")).toEqual({ answer: "$6$", via: "answer-is" });
    expect(extractFinalAnswer("3 + 4 gives 7")).toEqual({ answer: "7", via: "last-number" });
    expect(extractFinalAnswer("no idea").answer).toBeNull();
  });

  test("several different boxed answers are hedging and fail by default; the same value boxed twice does not", () => {
    const hedged = score("math", { answer: "Either \\boxed{3} or \\boxed{4}", reference: { answer: "4" } });
    expect(hedged.value).toBe(0);
    expect(hedged.reason).toMatch(/2 different boxed answers/);
    expect(score("math", { answer: "\\boxed{4}, that is \\boxed{ 4 }", reference: { answer: "4" } }).value).toBe(1);
    expect(score("math", { answer: "Either \\boxed{3} or \\boxed{4}", reference: { answer: "4" } }, { multipleBoxed: "last" }).value).toBe(1);
  });

  test("numbers compare as numbers and everything else as normalized LaTeX", () => {
    expect(score("math", { answer: "\\boxed{\\frac{1}{2}}", reference: { answer: "0.5" } }).value).toBe(1);
    expect(score("math", { answer: "\\boxed{\\dfrac{\\sqrt{3}}{2}}", reference: { answer: "\\frac{\\sqrt{3}}{2}" } }).value).toBe(1);
    expect(score("math", { answer: "\\boxed{x \\in \\left[0, 1\\right]}", reference: { answer: "x\\in[0,1]" } }).value).toBe(1);
    expect(score("math", { answer: "\\boxed{5\\text{ cm}}", reference: { answer: "5 cm" } }).value).toBe(1);
    expect(score("math", { answer: "\\boxed{X}", reference: { answer: "x" } }).value).toBe(0);
    expect(normalizeMath("\\left(\\tfrac{1}{2}\\right)^\\circ")).toBe("(\\frac{1}{2})");
  });

  test("a wrong final answer scores 0 and names where it came from", () => {
    expect(score("math", { answer: "So the answer is 12.", reference: { answer: "13" } })).toEqual({ value: 0, reason: 'expected "13", got "12" (answer-is)' });
  });

  test("a reference that is a worked solution is compared by its boxed answer", () => {
    expect(score("math", { answer: "\\boxed{7}", reference: { answer: "Adding, we get \\boxed{7}." } }).value).toBe(1);
  });

  test("a 1 MB answer of unclosed boxes is scored quickly and without an exception", () => {
    const start = performance.now();
    expect(score("math", { answer: "\\boxed{".repeat(MB / 7), reference: { answer: "1" } }).value).toBe(0);
    expect(score("math", { answer: "{".repeat(MB) + "\\boxed{2}", reference: { answer: "2" } }).value).toBe(1);
    expect(performance.now() - start).toBeLessThan(2000);
  });
});

describe("choice", () => {
  const m = choiceMatcher();

  test("letters are found after an answer marker, in parentheses, in bold, in a box or standing alone", () => {
    expect(m.extract("The answer is (B).")).toEqual({ letter: "B" });
    expect(m.extract("**Answer:** C")).toEqual({ letter: "C" });
    expect(m.extract("Final answer: **D**")).toEqual({ letter: "D" });
    expect(m.extract("answer: b")).toEqual({ letter: "B" });
    expect(m.extract("so \\boxed{E}")).toEqual({ letter: "E" });
    expect(m.extract("I think A is wrong; the best option is D")).toEqual({ letter: "D" });
    expect(m.extract("The answer is A because B is wrong.")).toEqual({ letter: "A" });
  });

  test("naming several different letters in the final statement is hedging and gives no letter", () => {
    expect(m.extract("The answer is A or B.").letter).toBeNull();
    expect(m.extract("It is (A), (C).").letter).toBeNull();
    expect(m.extract("Is it A or B? Looking again, it is B.")).toEqual({ letter: "B" });
    expect(score("choice", { answer: "A/B", reference: { answer: "A" } })).toEqual({ value: 0, reason: "hedged between A, B" });
  });

  test("English words are not letters: the pronoun I and a sentence-opening article A", () => {
    expect(m.extract("I do not know.").letter).toBeNull();
    expect(m.extract("A good question. the answer is a prime number").letter).toBeNull();
  });

  test("fullwidth letters count and Cyrillic look-alikes do not", () => {
    expect(score("choice", { answer: "Ｂ", reference: { answer: "B" } }).value).toBe(1);
    expect(score("choice", { answer: "\u0412", reference: { answer: "B" } }).value).toBe(0);
    expect(score("choice", { answer: "\u0410", reference: { answer: "A" } }).value).toBe(0);
  });

  test("references are read as letters and a reference that is no letter gives null", () => {
    expect(score("choice", { answer: "B", reference: { answer: "(b)" } }).value).toBe(1);
    expect(score("choice", { answer: "B", reference: { answer: "B. Paris" } }).value).toBe(1);
    expect(score("choice", { answer: "C", reference: { answer: "B" } })).toEqual({ value: 0, reason: "expected B, got C" });
    expect(score("choice", { answer: "B", reference: { answer: "Paris" } }).value).toBeNull();
  });

  test("the letters option limits which letters count", () => {
    expect(score("choice", { answer: "E", reference: { answer: "A" } }, { letters: "ABCD" }).reason).toBe("no choice letter (A–D)");
    const def = answerScorers.find((d) => d.kind === "choice")!;
    expect(() => parseConfig(def.options, { letters: "AAB" })).toThrow(/letters/);
  });

  test("a 1 MB answer is scored quickly and without an exception", () => {
    const start = performance.now();
    expect(score("choice", { answer: "A B ".repeat(MB / 4) + "Answer: C", reference: { answer: "C" } }).value).toBe(1);
    expect(score("choice", { answer: "(A) ".repeat(MB / 4), reference: { answer: "A" } }).value).toBe(1);
    expect(performance.now() - start).toBeLessThan(3000);
  });
});

describe("levenshtein", () => {
  test("the distance counts insertions, deletions and substitutions", () => {
    expect(levenshtein("kitten", "sitting")).toBe(3);
    expect(levenshtein("", "abc")).toBe(3);
    expect(levenshtein("flaw", "lawn")).toBe(2);
  });

  test("similarity is 1 − distance / longer length against the closest reference", () => {
    expect(score("levenshtein", { answer: "kitten", reference: { answer: "sitting" } }).value).toBeCloseTo(1 - 3 / 7, 12);
    expect(score("levenshtein", { answer: "Hello.", reference: { answer: ["bye", "hello"] } })).toEqual({ value: 1, reason: 'similarity 1 to "hello"' });
    expect(score("levenshtein", { answer: "abc", reference: { answer: "xyz" } }).value).toBe(0);
  });

  test("a 1 MB answer is cut to maxChars and scored quickly", () => {
    const start = performance.now();
    const s = score("levenshtein", { answer: "a".repeat(MB), reference: { answer: "a" } });
    expect(s.value).toBeCloseTo(1 / 10_000, 12);
    expect(performance.now() - start).toBeLessThan(2000);
  });
});

describe("f1", () => {
  test("tokens are SQuAD-normalized: lowercase, no punctuation, no articles", () => {
    expect(squadTokens("The U.S. and a cat!")).toEqual(["us", "and", "cat"]);
  });

  test("F1 counts overlapping tokens as multisets", () => {
    // P = 2/3, R = 2/3: one "cat" and one "dog" are shared.
    expect(tokenF1(["cat", "cat", "dog"], ["cat", "dog", "dog"]).f1).toBeCloseTo(2 / 3, 12);
    // P = 1, R = 2/3, F1 = 2·(2/3)/(5/3) = 0.8.
    expect(score("f1", { answer: "The cat sat", reference: { answer: "a cat sat down" } }).value).toBeCloseTo(0.8, 12);
  });

  test("an empty answer against a non-empty reference scores 0 and the best reference counts", () => {
    expect(score("f1", { answer: "", reference: { answer: "Paris" } }).value).toBe(0);
    expect(score("f1", { answer: "Paris, France", reference: { answer: ["London", "Paris France"] } }).value).toBe(1);
  });

  test("extract: answer-tag scores only the tag's content", () => {
    const answer = "<think>Paris is in France</think><answer>Paris</answer>";
    expect(score("f1", { answer, reference: { answer: "Paris" } }, { extract: "answer-tag" }).value).toBe(1);
    expect(score("f1", { answer, reference: { answer: "Paris" } }).value).toBeLessThan(1);
  });

  test("a 1 MB answer is scored quickly", () => {
    const start = performance.now();
    expect(score("f1", { answer: "word ".repeat(MB / 5), reference: { answer: "word" } }).value).toBeLessThan(0.001);
    expect(performance.now() - start).toBeLessThan(2000);
  });
});
