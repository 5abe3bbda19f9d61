/**
 * Parser for LTLf formulas (linear temporal logic on finite traces, De
 * Giacomo & Vardi 2013), the whole syntax, so that a formula outside the
 * fragment rewardlab compiles is recognised and named, not misparsed.
 *
 *   key then door then goal & G !lava        (key U door) & F goal
 *
 * Precedence, loosest first: `->`, `|`/`||`, `&`/`&&`, `then`, the binary
 * temporal operators `U` `W` `R` (right-associative), then the prefixes
 * `!` `F` `G` `X`. `then` is sugar: `a then b` is F(a ∧ F b).
 */
import { UserError } from "../../core/errors.js";

export type Ltl = (
  | { op: "atom"; name: string }
  | { op: "const"; value: boolean }
  | { op: "not" | "F" | "G" | "X"; arg: Ltl }
  | { op: "and" | "or" | "implies" | "then" | "U" | "W" | "R"; left: Ltl; right: Ltl }
) & {
  /** Source span (0-based, end exclusive), for naming the sub-formula in errors. */
  from: number;
  to: number;
};

/** Words that are operators and so cannot name propositions in a formula. */
export const LTL_KEYWORDS = ["F", "G", "X", "U", "W", "R", "then", "true", "false"];

type Tok = { v: string; from: number; to: number; id: boolean };

const SYMBOLS = ["->", "&&", "||", "&", "|", "!", "~", "(", ")"];

function tokenize(src: string, path: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    if (/\s/.test(src[i])) {
      i++;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (id) {
      toks.push({ v: id[0], from: i, to: i + id[0].length, id: !LTL_KEYWORDS.includes(id[0]) });
      i += id[0].length;
      continue;
    }
    const sym = SYMBOLS.find((s) => src.startsWith(s, i));
    if (!sym) throw new UserError(path, `unexpected character ${JSON.stringify(src[i])} at column ${i + 1}`);
    toks.push({ v: sym, from: i, to: i + sym.length, id: false });
    i += sym.length;
  }
  return toks;
}

/** Parses an LTLf formula; errors are one-line `UserError`s under `path` with the column. */
export function parseLtl(src: string, path = "ltl"): Ltl {
  const toks = tokenize(src, path);
  let pos = 0;
  const peek = (): Tok | undefined => toks[pos];
  const fail = (what: string): never => {
    const t = peek();
    throw new UserError(path, `expected ${what} at column ${t ? t.from + 1 : src.length + 1}, got ${t ? JSON.stringify(t.v) : "the end"}`);
  };
  const is = (...vs: string[]) => {
    const t = peek();
    return t !== undefined && !t.id && vs.includes(t.v);
  };
  const binary = (op: "and" | "or" | "implies" | "then" | "U" | "W" | "R", left: Ltl, right: Ltl): Ltl => ({ op, left, right, from: left.from, to: right.to });

  const implies = (): Ltl => {
    const left = or();
    if (!is("->")) return left;
    pos++;
    return binary("implies", left, implies());
  };
  const or = (): Ltl => {
    let left = and();
    while (is("|", "||")) {
      pos++;
      left = binary("or", left, and());
    }
    return left;
  };
  const and = (): Ltl => {
    let left = then();
    while (is("&", "&&")) {
      pos++;
      left = binary("and", left, then());
    }
    return left;
  };
  const then = (): Ltl => {
    let left = until();
    while (is("then")) {
      pos++;
      left = binary("then", left, until());
    }
    return left;
  };
  const until = (): Ltl => {
    const left = unary();
    if (!is("U", "W", "R")) return left;
    const op = toks[pos++].v as "U" | "W" | "R";
    return binary(op, left, until());
  };
  const unary = (): Ltl => {
    const t = peek();
    if (t && is("!", "~", "F", "G", "X")) {
      pos++;
      const arg = unary();
      const op = t.v === "!" || t.v === "~" ? "not" : (t.v as "F" | "G" | "X");
      return { op, arg, from: t.from, to: arg.to };
    }
    return primary();
  };
  const primary = (): Ltl => {
    const t = peek();
    if (t === undefined) return fail("a proposition or \"(\"");
    if (t.v === "(" && !t.id) {
      pos++;
      const inner = implies();
      const close = peek();
      if (!is(")")) fail('")"');
      pos++;
      return { ...inner, from: t.from, to: close!.to };
    }
    if (!t.id && (t.v === "true" || t.v === "false")) {
      pos++;
      return { op: "const", value: t.v === "true", from: t.from, to: t.to };
    }
    if (!t.id) return fail("a proposition or \"(\"");
    pos++;
    return { op: "atom", name: t.v, from: t.from, to: t.to };
  };

  if (toks.length === 0) throw new UserError(path, "expected a formula, got an empty string");
  const tree = implies();
  if (pos < toks.length) fail("an operator or the end");
  return tree;
}
