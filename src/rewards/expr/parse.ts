/**
 * Parser for the reward expression language: a small recursive-descent
 * parser over a hand-written tokenizer. Errors are `UserError`s with the
 * column (1-based) and what was expected.
 *
 * Precedence, loosest first: `||`/or, `&&`/and, comparisons, `+ -`,
 * `* / %`, unary `-` and `!`/not, `^` (right-associative).
 *
 * Limits: every pass over an expression (this parser, the type checker, the
 * compiler) recurses once per level, so depth is bounded by `MAX_DEPTH` (each
 * parenthesis, call, unary operator and operand of a chain such as
 * `a + b + c` adds a level) and size by `MAX_NODES` and `MAX_LENGTH`. Past
 * them an expression is a one-line error naming its path and column, never
 * a stack overflow.
 */
import { UserError } from "../../core/errors.js";
import { FUNCTIONS, type BinaryOp, type Node } from "./ast.js";

type Tok = { t: "num"; v: number; at: number } | { t: "id"; v: string; at: number } | { t: "str"; v: string; at: number } | { t: "op"; v: string; at: number } | { t: "end"; at: number };

const OPS = ["<=", ">=", "==", "!=", "&&", "||", "+", "-", "*", "/", "%", "^", "<", ">", "!", "(", ")", ",", "[", "]"];

/** Most levels of nesting: parentheses, calls, unary operators and the operands of a chain each add one. */
export const MAX_DEPTH = 500;
/** Most nodes in an expression's tree (numbers, names, operators, calls), `define:` names expanded. */
export const MAX_NODES = 20_000;
/** Most characters in an expression's text. */
export const MAX_LENGTH = 100_000;

/** The one-line error for an expression nested deeper than `MAX_DEPTH`. */
export function tooDeep(path: string, at: number | undefined, expanded = false): UserError {
  return new UserError(
    path,
    `expression nested deeper than ${MAX_DEPTH} levels${at === undefined ? "" : ` at column ${at}`}${expanded ? " once its define: names are expanded" : ""} (each parenthesis, call, unary operator and term of a chain such as a + b + c adds one); split it into several terms`,
  );
}

/** The one-line error for an expression of more than `MAX_NODES` nodes. */
export function tooLarge(path: string, expanded = false): UserError {
  return new UserError(path, `expression larger than ${MAX_NODES} numbers, names and operators${expanded ? " once its define: names are expanded" : ""}; split it into several terms`);
}

// Sticky patterns, matched at an index: no copy of the rest of the text per token.
const NUMBER = /(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/y;
const NAME = /[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*/y;

function tokenize(src: string, path: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      i++;
      continue;
    }
    const at = i + 1;
    NUMBER.lastIndex = i;
    const num = NUMBER.exec(src);
    if (num) {
      toks.push({ t: "num", v: Number(num[0]), at });
      i += num[0].length;
      continue;
    }
    NAME.lastIndex = i;
    const id = NAME.exec(src);
    if (id) {
      toks.push({ t: "id", v: id[0], at });
      i += id[0].length;
      continue;
    }
    if (c === '"' || c === "'") {
      const end = src.indexOf(c, i + 1);
      if (end < 0) throw new UserError(path, `unclosed string starting at column ${at}`);
      toks.push({ t: "str", v: src.slice(i + 1, end), at });
      i = end + 1;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw new UserError(path, `unexpected character ${JSON.stringify(c)} at column ${at}`);
    toks.push({ t: "op", v: op, at });
    i += op.length;
  }
  toks.push({ t: "end", at: src.length + 1 });
  return toks;
}

const WORD_OPS: Record<string, string> = { and: "&&", or: "||", not: "!" };

/**
 * Parses an expression. `path` names where it came from, for errors
 * (`terms[2].expr`). Names that are neither functions nor special variables
 * become features (or, where `propositions` lists them, propositions).
 */
export function parseExpression(src: string, path = "expr", propositions: ReadonlySet<string> = new Set()): Node {
  if (typeof src === "number") return { kind: "number", value: src, at: 1 };
  if (typeof src !== "string" || src.trim() === "") throw new UserError(path, `expected an expression, got ${JSON.stringify(src)}`);
  if (src.length > MAX_LENGTH) throw new UserError(path, `expression longer than ${MAX_LENGTH} characters (${src.length}); split it into several terms`);
  const toks = tokenize(src, path).map((t) => (t.t === "id" && WORD_OPS[t.v] ? { t: "op" as const, v: WORD_OPS[t.v], at: t.at } : t));
  if (toks.length > MAX_NODES) throw tooLarge(path);
  let pos = 0;
  // Levels of recursion the parser is in (bounded, so it cannot overflow the stack), and each node's depth in the tree.
  let nesting = 0;
  const depth = new WeakMap<Node, number>();
  const deeper = <T>(at: number, parse: () => T): T => {
    if (++nesting > MAX_DEPTH) throw tooDeep(path, at);
    const node = parse();
    nesting--;
    return node;
  };
  /** `node`, one level deeper than its deepest child; past MAX_DEPTH an error at its column. */
  const built = <N extends Node>(node: N, ...children: Node[]): N => {
    let d = 0;
    for (const c of children) d = Math.max(d, depth.get(c) ?? 1);
    if (d + 1 > MAX_DEPTH) throw tooDeep(path, node.at);
    depth.set(node, d + 1);
    return node;
  };
  const peek = () => toks[pos];
  const fail = (what: string, tok: Tok = peek()): never => {
    const got = tok.t === "end" ? "the end" : JSON.stringify(String(tok.v));
    throw new UserError(path, `expected ${what} at column ${tok.at}, got ${got}`);
  };
  const isOp = (...ops: string[]) => {
    const t = peek();
    return t.t === "op" && ops.includes(t.v);
  };
  const expectOp = (op: string) => {
    if (!isOp(op)) fail(`"${op}"`);
    pos++;
  };

  const binaryLevel = (ops: string[], next: () => Node): (() => Node) => () => {
    let left = next();
    while (isOp(...ops)) {
      const tok = toks[pos++] as { v: string; at: number };
      const right = next();
      left = built({ kind: "binary", op: tok.v as BinaryOp, left, right, at: tok.at }, left, right);
    }
    return left;
  };

  const primary = (): Node => {
    const tok = peek();
    if (tok.t === "num") {
      pos++;
      return { kind: "number", value: tok.v, at: tok.at };
    }
    if (tok.t === "op" && tok.v === "(") {
      pos++;
      const e = deeper(tok.at, or);
      expectOp(")");
      return e;
    }
    if (tok.t === "str") fail("a number, a name or a call (strings only go inside event(...))");
    if (tok.t !== "id") return fail("a number, a name or a call");
    pos++;
    const name = tok.v;
    if (isOp("(")) {
      pos++;
      const arity = FUNCTIONS[name];
      if (!arity) throw new UserError(path, `unknown function ${JSON.stringify(name)} at column ${tok.at}; known: ${Object.keys(FUNCTIONS).join(", ")}`);
      if (name === "event") {
        const arg = peek();
        if (arg.t !== "str") fail('an event name in quotes, as event("pickup:key")');
        pos++;
        expectOp(")");
        return { kind: "event", name: (arg as { v: string }).v, at: tok.at };
      }
      const args: Node[] = [];
      if (!isOp(")")) {
        args.push(deeper(tok.at, or));
        while (isOp(",")) {
          pos++;
          args.push(deeper(tok.at, or));
        }
      }
      expectOp(")");
      if (args.length < arity[0] || args.length > arity[1]) {
        const want = arity[0] === arity[1] ? `${arity[0]}` : `${arity[0]} to ${arity[1]}`;
        throw new UserError(path, `${name}() at column ${tok.at} takes ${want} argument${arity[1] === 1 ? "" : "s"}, got ${args.length}`);
      }
      return built({ kind: "call", fn: name, args, at: tok.at }, ...args);
    }
    if (name === "true" || name === "false") return { kind: "bool", value: name === "true", at: tok.at };
    if (name === "action") {
      let index = 0;
      if (isOp("[")) {
        pos++;
        const k = peek();
        if (k.t !== "num" || !Number.isInteger(k.v)) fail("an integer index");
        index = (k as { v: number }).v;
        pos++;
        expectOp("]");
      }
      return { kind: "var", name: "action", index, at: tok.at };
    }
    if (name === "reward" || name === "terminated" || name === "truncated" || name === "time") return { kind: "var", name, index: 0, at: tok.at };
    if (propositions.has(name)) return { kind: "prop", name, at: tok.at };
    if (name.startsWith("prev.")) return { kind: "feature", name: name.slice(5), when: "prev", at: tok.at };
    if (name.startsWith("next.")) return { kind: "feature", name: name.slice(5), when: "next", at: tok.at };
    return { kind: "feature", name, when: "next", at: tok.at };
  };

  const power = (): Node => {
    const base = primary();
    if (isOp("^")) {
      const tok = toks[pos++];
      const right = deeper(tok.at, unary);
      return built({ kind: "binary", op: "^", left: base, right, at: tok.at }, base, right);
    }
    return base;
  };
  const unary = (): Node => {
    if (isOp("-", "!")) {
      const tok = toks[pos++] as { v: string; at: number };
      const arg = deeper(tok.at, unary);
      return built({ kind: "unary", op: tok.v as "-" | "!", arg, at: tok.at }, arg);
    }
    return power();
  };
  const mul = binaryLevel(["*", "/", "%"], unary);
  const add = binaryLevel(["+", "-"], mul);
  const cmp = (): Node => {
    const left = add();
    if (isOp("<", "<=", ">", ">=", "==", "!=")) {
      const tok = toks[pos++] as { v: string; at: number };
      const right = add();
      return built({ kind: "binary", op: tok.v as BinaryOp, left, right, at: tok.at }, left, right);
    }
    return left;
  };
  const and = binaryLevel(["&&"], cmp);
  const or = binaryLevel(["||"], and);

  const tree = or();
  if (peek().t !== "end") fail("an operator or the end");
  return tree;
}
