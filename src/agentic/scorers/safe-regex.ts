/**
 * Regular expressions from specs, matched in linear time.
 *
 * JavaScript's engine backtracks: `^(a+)+$` on 41 characters takes minutes,
 * and a scorer is synchronous, so one answer would hang `score` and block
 * every request of `serve`. Patterns are therefore parsed as JavaScript
 * (regexpp), written out in RE2 syntax and run by re2js, a pure-JavaScript
 * RE2: time linear in the text whatever the pattern, with no native build.
 *
 * The translation keeps JavaScript's meaning where RE2's differs: `\s` is
 * JavaScript's whitespace set, `.` stops at \r, \u2028 and \u2029 too, `y`
 * anchors at the start, and every character is written as a code point
 * escape. What RE2 cannot do in linear time is refused when the spec loads,
 * with the construct named: lookahead `(?=…)`/`(?!…)`, backreferences and
 * `v`-flag set operations. Lookbehind `(?<=…)`/`(?<!…)` is kept (re2js runs
 * it in linear time). Left as RE2 does it: `^`/`$` under `m` see only \n as
 * a line break, case folding is Unicode's simple folding, and text is read
 * as code points (without `u`, JavaScript reads a surrogate pair as two
 * characters; adjacent pairs in a pattern are joined so they still match).
 *
 * Why not refuse catastrophic patterns and keep V8 (safe-regex2, recheck)?
 * Checkers either miss patterns (safe-regex2 accepts `(a|a)*`), flag the
 * most common format pattern (`<answer>(.*?)</answer>` is quadratic), or
 * give verdicts that depend on a time budget and on native binaries
 * (recheck). A linear engine needs no verdict.
 */
import { RegExpParser, type AST } from "@eslint-community/regexpp";
import { RE2JS } from "re2js";
import { UserError } from "../../core/errors.js";

/** A compiled pattern: `test` is unanchored, as RegExp.prototype.test from index 0. */
export interface SafePattern {
  test(text: string): boolean;
  /** The RE2 source it runs as (for tests and error reports). */
  readonly re2: string;
}

const MAX = 0x10ffff;
const hex = (cp: number) => `\\x{${cp.toString(16)}}`;
type Range = readonly [number, number];
const rangeText = (rs: readonly Range[]) => rs.map(([a, b]) => (a === b ? hex(a) : `${hex(a)}-${hex(b)}`)).join("");

/** The complement of sorted, disjoint ranges within 0..0x10FFFF. */
function complement(rs: readonly Range[]): Range[] {
  const out: Range[] = [];
  let next = 0;
  for (const [a, b] of rs) {
    if (a > next) out.push([next, a - 1]);
    next = b + 1;
  }
  if (next <= MAX) out.push([next, MAX]);
  return out;
}

// JavaScript's \s: WhiteSpace and LineTerminator (ECMA-262 §22.2.2.9, CharacterClassEscape).
const SPACE: Range[] = [[0x09, 0x0d], [0x20, 0x20], [0xa0, 0xa0], [0x1680, 0x1680], [0x2000, 0x200a], [0x2028, 0x2029], [0x202f, 0x202f], [0x205f, 0x205f], [0x3000, 0x3000], [0xfeff, 0xfeff]];
const DIGIT: Range[] = [[0x30, 0x39]];
const WORD: Range[] = [[0x30, 0x39], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a]];
const NOT_LINE: Range[] = complement([[0x0a, 0x0a], [0x0d, 0x0d], [0x2028, 0x2029]]);
const SETS = { digit: DIGIT, space: SPACE, word: WORD } as const;

// General categories by their long names (RE2 knows the short ones).
const CATEGORY: Record<string, string> = {
  Letter: "L", Uppercase_Letter: "Lu", Lowercase_Letter: "Ll", Titlecase_Letter: "Lt", Modifier_Letter: "Lm", Other_Letter: "Lo",
  Mark: "M", Nonspacing_Mark: "Mn", Spacing_Mark: "Mc", Enclosing_Mark: "Me", Number: "N", Decimal_Number: "Nd", digit: "Nd",
  Letter_Number: "Nl", Other_Number: "No", Punctuation: "P", punct: "P", Connector_Punctuation: "Pc", Dash_Punctuation: "Pd",
  Open_Punctuation: "Ps", Close_Punctuation: "Pe", Initial_Punctuation: "Pi", Final_Punctuation: "Pf", Other_Punctuation: "Po",
  Symbol: "S", Math_Symbol: "Sm", Currency_Symbol: "Sc", Modifier_Symbol: "Sk", Other_Symbol: "So", Separator: "Z",
  Space_Separator: "Zs", Line_Separator: "Zl", Paragraph_Separator: "Zp", Other: "C", Control: "Cc", cntrl: "Cc", Format: "Cf",
  Surrogate: "Cs", Private_Use: "Co", Unassigned: "Cn",
};

class Refused extends Error {}

interface Flags {
  dotAll: boolean;
}

function property(set: AST.CharacterSet & { kind: "property" }): string {
  const key = set.key;
  let name: string;
  if (key === "General_Category" || key === "gc") name = CATEGORY[set.value!] ?? set.value!;
  else if (key === "Script" || key === "sc") name = set.value!;
  else if (set.value === null) name = CATEGORY[key] ?? key;
  else throw new Refused(`the Unicode property ${set.raw}`);
  return `\\${set.negate ? "P" : "p"}{${name}}`;
}

const isHigh = (c: number) => c >= 0xd800 && c < 0xdc00;
const isLow = (c: number) => c >= 0xdc00 && c < 0xe000;
const pair = (hi: number, lo: number) => 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00);

/** A class's elements, with a surrogate pair written as two Characters joined into its code point. */
function joinedCharacters(elements: readonly AST.CharacterClassElement[]): (AST.CharacterClassElement | number)[] {
  const out: (AST.CharacterClassElement | number)[] = [];
  for (let i = 0; i < elements.length; i++) {
    const e = elements[i]!;
    const n = elements[i + 1];
    if (e.type === "Character" && n?.type === "Character" && isHigh(e.value) && isLow(n.value)) {
      out.push(pair(e.value, n.value));
      i++;
    } else out.push(e);
  }
  return out;
}

function classElement(e: AST.CharacterClassElement | number): string {
  if (typeof e === "number") return hex(e);
  switch (e.type) {
    case "Character":
      return hex(e.value);
    case "CharacterClassRange":
      return `${hex(e.min.value)}-${hex(e.max.value)}`;
    case "CharacterSet":
      if (e.kind === "property") return property(e);
      return rangeText(e.negate ? complement(SETS[e.kind]) : SETS[e.kind]);
    default:
      throw new Refused("a v-flag set operation or string class");
  }
}

function node(n: AST.Node, f: Flags): string {
  switch (n.type) {
    case "Alternative": {
      let out = "";
      const els = n.elements;
      for (let i = 0; i < els.length; i++) {
        const e = els[i]!;
        const next = els[i + 1];
        // Without u, `😀+` repeats the pair's low half: on code points the nearest meaning is the whole pair repeated.
        if (e.type === "Character" && isHigh(e.value) && next?.type === "Quantifier" && next.element.type === "Character" && isLow(next.element.value)) {
          out += node({ ...next, element: { ...next.element, value: pair(e.value, next.element.value) } } as AST.Quantifier, f);
          i++;
        } else if (e.type === "Character" && isHigh(e.value) && next?.type === "Character" && isLow(next.value)) {
          out += hex(pair(e.value, next.value));
          i++;
        } else out += node(e, f);
      }
      return out;
    }
    case "Character":
      return hex(n.value);
    case "CharacterSet":
      if (n.kind === "any") return f.dotAll ? `[${hex(0)}-${hex(MAX)}]` : `[${rangeText(NOT_LINE)}]`;
      if (n.kind === "property") return property(n);
      return `[${rangeText(n.negate ? complement(SETS[n.kind]) : SETS[n.kind])}]`;
    case "CharacterClass": {
      if (n.unicodeSets && n.elements.some((e) => e.type !== "Character" && e.type !== "CharacterClassRange" && e.type !== "CharacterSet")) {
        throw new Refused("a v-flag set operation or string class");
      }
      const body = joinedCharacters(n.elements as AST.CharacterClassElement[]).map(classElement).join("");
      if (body === "") return n.negate ? `[${hex(0)}-${hex(MAX)}]` : `[^${hex(0)}-${hex(MAX)}]`;
      return `[${n.negate ? "^" : ""}${body}]`;
    }
    case "Group": {
      const inner = (g: Flags) => n.alternatives.map((a) => node(a, g)).join("|");
      const m = n.modifiers;
      if (!m) return `(?:${inner(f)})`;
      const dotAll = m.add.dotAll ? true : m.remove?.dotAll ? false : f.dotAll;
      const add = `${m.add.ignoreCase ? "i" : ""}${m.add.multiline ? "m" : ""}`;
      const remove = `${m.remove?.ignoreCase ? "i" : ""}${m.remove?.multiline ? "m" : ""}`;
      return add || remove ? `(?${add}${remove ? `-${remove}` : ""}:${inner({ dotAll })})` : `(?:${inner({ dotAll })})`;
    }
    case "CapturingGroup": // only whether it matches is asked: groups need not capture
      return `(?:${n.alternatives.map((a) => node(a, f)).join("|")})`;
    case "Quantifier": {
      const q = n.min === 0 && n.max === Infinity ? "*" : n.min === 1 && n.max === Infinity ? "+" : n.min === 0 && n.max === 1 ? "?" : n.max === Infinity ? `{${n.min},}` : n.min === n.max ? `{${n.min}}` : `{${n.min},${n.max}}`;
      return `(?:${node(n.element, f)})${q}${n.greedy ? "" : "?"}`;
    }
    case "Assertion":
      switch (n.kind) {
        case "start":
          return "^";
        case "end":
          return "$";
        case "word":
          return n.negate ? "\\B" : "\\b";
        case "lookahead":
          throw new Refused(`the lookahead ${n.raw.length > 24 ? `${n.raw.slice(0, 23)}…` : n.raw}`);
        case "lookbehind":
          return `(?<${n.negate ? "!" : "="}${n.alternatives.map((a) => node(a, f)).join("|")})`;
      }
      break;
    case "Backreference":
      throw new Refused(`the backreference ${n.raw}`);
    case "ExpressionCharacterClass":
      throw new Refused(`a v-flag set operation ${n.raw}`);
  }
  throw new Refused(`${(n as AST.Node).type} ${(n as AST.Node).raw}`);
}

/**
 * The RE2 source for a JavaScript pattern and flags (already known to be
 * valid JavaScript), or a `UserError` at `pattern` naming what RE2 cannot run.
 */
export function toRe2(pattern: string, flags: string): string {
  const parsed = new RegExpParser({ ecmaVersion: 2025 }).parsePattern(pattern, 0, pattern.length, { unicode: flags.includes("u"), unicodeSets: flags.includes("v") });
  let body: string;
  try {
    body = parsed.alternatives.map((a) => node(a, { dotAll: flags.includes("s") })).join("|");
  } catch (e) {
    if (!(e instanceof Refused)) throw e;
    throw new UserError("pattern", `${e.message} cannot be matched in linear time; patterns run on a linear-time engine (RE2), so lookahead, backreferences and set operations are not available: rewrite without it`);
  }
  const inline = `${flags.includes("i") ? "i" : ""}${flags.includes("m") ? "m" : ""}`;
  const sticky = flags.includes("y") ? "\\A" : "";
  return `${inline ? `(?${inline})` : ""}${sticky}(?:${body})`;
}

const compiled = new Map<string, SafePattern>();

/**
 * A pattern from a spec, compiled once for linear-time matching. Throws a
 * `UserError` at `flags` or `pattern` for what is not a valid JavaScript
 * regular expression or cannot run in linear time.
 */
export function compileSafePattern(pattern: string, flags: string): SafePattern {
  const key = `${flags}/${pattern}`;
  const known = compiled.get(key);
  if (known) return known;
  try {
    new RegExp("", flags);
  } catch {
    throw new UserError("flags", `expected regular expression flags (some of dgimsuvy), got ${JSON.stringify(flags)}`);
  }
  try {
    new RegExp(pattern, flags);
  } catch (e) {
    throw new UserError("pattern", `not a valid regular expression (${(e as Error).message})`);
  }
  const re2 = toRe2(pattern, flags);
  let re: RE2JS;
  try {
    re = RE2JS.compile(re2, RE2JS.LOOKBEHINDS);
  } catch (e) {
    throw new UserError("pattern", `not supported by the linear-time engine (RE2) patterns run on: ${(e as Error).message.split("\n")[0]}`);
  }
  const safe: SafePattern = { re2, test: (text) => re.test(text) };
  if (compiled.size > 1000) compiled.clear();
  compiled.set(key, safe);
  return safe;
}
