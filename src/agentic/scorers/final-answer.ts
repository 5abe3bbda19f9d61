/**
 * The final answer a solution states (`\boxed{}`, `<answer>`, "the answer
 * is", the last number) and math equality (numbers within tolerance, else
 * normalized LaTeX). Extraction is linear in the text's length.
 */
import { numbersClose, parseNumber, lastNumber } from "./numbers.js";
import { answerTagContent, quote } from "./text.js";

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
export function referenceFinal(ref: string): string {
  if (!ref.includes("\\boxed") && !ref.includes("\\fbox")) return ref;
  const boxes = boxedAnswers(ref.normalize("NFKC"));
  return boxes.length > 0 ? boxes[boxes.length - 1] : ref;
}
