/** Numbers in answers: parsing ("1,234.5", "3/4", "50%", LaTeX fractions), finding, comparing within a tolerance. */


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
