/**
 * Propositional formulas over a machine's propositions, as the LTLf
 * compiler builds them: constructors that simplify as they go, a printer to
 * the expression language (`key && !lava`), and a satisfiability check (so
 * that edges no label can fire are never emitted).
 */

export type Prop =
  | { op: "var"; name: string }
  | { op: "const"; value: boolean }
  | { op: "not"; arg: Prop }
  | { op: "and"; args: Prop[] }
  | { op: "or"; args: Prop[] };

export const TRUE: Prop = { op: "const", value: true };
export const FALSE: Prop = { op: "const", value: false };

export const variable = (name: string): Prop => ({ op: "var", name });

/** ¬p, with constants folded and double negation removed. */
export function not(p: Prop): Prop {
  if (p.op === "const") return p.value ? FALSE : TRUE;
  if (p.op === "not") return p.arg;
  return { op: "not", arg: p };
}

/** p₁ ∧ … ∧ pₙ, flattened, with `true` dropped, duplicates removed and `false` absorbing. */
export function and(...parts: Prop[]): Prop {
  return junction("and", parts);
}

/** p₁ ∨ … ∨ pₙ, flattened, with `false` dropped, duplicates removed and `true` absorbing. */
export function or(...parts: Prop[]): Prop {
  return junction("or", parts);
}

function junction(op: "and" | "or", parts: Prop[]): Prop {
  const unit = op === "and"; // the neutral constant: true for ∧, false for ∨
  const args: Prop[] = [];
  const seen = new Set<string>();
  const add = (p: Prop): boolean => {
    if (p.op === "const") return p.value !== unit; // absorbing constant found
    if (p.op === op) return p.args.some(add);
    const key = show(p);
    if (seen.has(show(not(p)))) return true; // p and ¬p
    if (!seen.has(key)) {
      seen.add(key);
      args.push(p);
    }
    return false;
  };
  if (parts.some(add)) return unit ? FALSE : TRUE;
  if (args.length === 0) return unit ? TRUE : FALSE;
  return args.length === 1 ? args[0] : { op, args };
}

/** The formula in the expression language: `key && !(door || lava)`. */
export function show(p: Prop): string {
  switch (p.op) {
    case "var":
      return p.name;
    case "const":
      return String(p.value);
    case "not":
      return p.arg.op === "var" || p.arg.op === "const" ? `!${show(p.arg)}` : `!(${show(p.arg)})`;
    case "and":
      return p.args.map((a) => (a.op === "or" ? `(${show(a)})` : show(a))).join(" && ");
    case "or":
      return p.args.map(show).join(" || ");
  }
}

export function variables(p: Prop, out = new Set<string>()): Set<string> {
  if (p.op === "var") out.add(p.name);
  else if (p.op === "not") variables(p.arg, out);
  else if (p.op === "and" || p.op === "or") for (const a of p.args) variables(a, out);
  return out;
}

export function evaluate(p: Prop, truth: ReadonlyMap<string, boolean>): boolean {
  switch (p.op) {
    case "var":
      return truth.get(p.name) ?? false;
    case "const":
      return p.value;
    case "not":
      return !evaluate(p.arg, truth);
    case "and":
      return p.args.every((a) => evaluate(a, truth));
    case "or":
      return p.args.some((a) => evaluate(a, truth));
  }
}

/**
 * True if some assignment of the propositions makes `p` true. Enumerates
 * assignments; past 16 propositions it gives up and answers true (an edge
 * that can never fire is harmless, only untidy).
 */
export function satisfiable(p: Prop): boolean {
  const names = [...variables(p)];
  if (names.length > 16) return true;
  const truth = new Map<string, boolean>();
  for (let bits = 0; bits < 1 << names.length; bits++) {
    names.forEach((name, j) => truth.set(name, ((bits >> j) & 1) === 1));
    if (evaluate(p, truth)) return true;
  }
  return false;
}
