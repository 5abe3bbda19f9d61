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
import { defineScorer, failed, ruleScorer, type Score, type ScorerDefinition } from "../scorer.js";
import type { Trajectory } from "../trajectory.js";
import { choiceMatcher } from "./choice.js";
import { extractFinalAnswer, mathEqual, referenceFinal } from "./final-answer.js";
import { firstNumber, numbersClose, parseNumber, type PercentMode } from "./numbers.js";
import { levenshteinSimilarity, squadTokens, tokenF1 } from "./overlap.js";
import { answerTagContent, Extract, normalizeAnswer, quote, referenceAnswers, showNumber } from "./text.js";

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

const ExactOptions = z
  .object({
    caseSensitive: z.boolean().default(false).describe("compare letter case"),
    normalize: z.boolean().default(true).describe("NFKC, collapse whitespace, strip edge quotes/$ and trailing punctuation"),
    extract: Extract.default("none"),
  })
  .strict();

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

const LevenshteinOptions = z
  .object({
    caseSensitive: z.boolean().default(false).describe("compare letter case"),
    normalize: z.boolean().default(true).describe("normalize both texts as the exact scorer does"),
    extract: Extract.default("none"),
    maxChars: z.number().int().positive().default(10_000).describe("compare only the first maxChars of each text (the cost is the product of the lengths)"),
  })
  .strict();

const F1Options = z.object({ extract: Extract.default("none") }).strict();

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
        if (expected.length === 0) return failed(`reference ${quote(refs[0])} is not a number`);
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
        if (expected.length === 0) return failed(`reference ${quote(refs[0])} is not one of the letters ${o.letters}`);
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
