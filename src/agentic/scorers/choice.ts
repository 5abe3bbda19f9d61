/** Multiple-choice answers: the letter an answer picks, with hedging between letters detected. */
import { isSpaceCode } from "./text.js";


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
