/**
 * An LTLf front-end for reward machines (after Camacho et al., "LTL and
 * beyond: formal languages for reward function specification in RL", IJCAI
 * 2019): a useful fragment of LTLf compiled to an explicit machine.
 *
 * The fragment, over propositional formulas a, b, c (names, `!`, `&`, `|`, `->`):
 * - `a then b then c` ≡ F(a ∧ F(b ∧ F c)): a sequence of steps (also written
 *   `F(a & F(b & F c))`); steps may happen on the same environment step.
 * - `F a`: eventually a.
 * - `a U b`: a holds until b does (b must happen; ¬a ∧ ¬b before it fails).
 * - `G a`: always a (`G !lava`); violating it fails.
 * - `&` of these: the product of their automata.
 *
 * The machine has the product states (named `start`, `after:key`, …), a
 * terminal `done` reached when every sequence and until is complete (the
 * edge into it pays `reward`, 1 by default) and a terminal `failed` reached,
 * with reward 0, as soon as any part is violated (failure wins a tie: a
 * trace that completes the task and violates `G` on the same step fails).
 */
import { UserError } from "../../core/errors.js";
import { parseLtl, type Ltl } from "./ltl-parse.js";
import { and, not, or, satisfiable, show, variable, FALSE, TRUE, type Prop } from "./prop.js";

/** A machine in the explicit form: what the spec's `edges:` would say. */
export interface ExplicitMachine {
  initial: string;
  terminal: string[];
  /** Every state, non-terminal ones in breadth-first order from `initial`, then `done`, `failed`. */
  states: string[];
  edges: { from: string; to: string; when: string; reward: number }[];
}

const SUPPORTED = 'supported: "a then b", "F a", "G !a", "a U b" over propositional a, b, and "&" of these';

/** One conjunct's automaton. States are 0 … n−1; fail/move conditions are mutually exclusive. */
interface Part {
  readonly n: number;
  /** Completing the task needs this part to reach an accepting state (false for G). */
  readonly liveness: boolean;
  accepting(s: number): boolean;
  /** A name for state s, "" for the initial one. */
  label(s: number): string;
  failWhen(s: number): Prop;
  moves(s: number): { when: Prop; to: number }[];
}

/**
 * Compiles an LTLf formula to an explicit machine. `propositions` are the
 * names a formula may use; errors name `path` and the offending sub-formula.
 */
export function compileLtl(src: string, propositions: readonly string[], path: string, reward = 1): ExplicitMachine {
  const tree = parseLtl(src, path);
  const text = (f: Ltl) => src.slice(f.from, f.to).trim();
  const outside = (f: Ltl, why: string): never => {
    const columns = f.to - f.from > 1 ? `columns ${f.from + 1}–${f.to}` : `column ${f.to}`;
    throw new UserError(path, `${JSON.stringify(text(f))} (${columns}) is outside the supported fragment: ${why}; ${SUPPORTED}`);
  };

  /** The formula as a propositional formula, or undefined if it is temporal. */
  const propositional = (f: Ltl): Prop | undefined => {
    switch (f.op) {
      case "atom":
        if (!propositions.includes(f.name)) {
          throw new UserError(path, `unknown proposition ${JSON.stringify(f.name)} at column ${f.from + 1}; propositions: ${propositions.join(", ") || "none (add them under propositions:)"}`);
        }
        return variable(f.name);
      case "const":
        return f.value ? TRUE : FALSE;
      case "not": {
        const a = propositional(f.arg);
        return a && not(a);
      }
      case "and":
      case "or":
      case "implies": {
        const l = propositional(f.left);
        const r = propositional(f.right);
        if (!l || !r) return undefined;
        return f.op === "and" ? and(l, r) : f.op === "or" ? or(l, r) : or(not(l), r);
      }
      default:
        return undefined;
    }
  };
  const prop = (f: Ltl, why: string): Prop => propositional(f) ?? outside(f, why);

  /** The steps of F(a ∧ F(b ∧ …)) or of a `then` chain. */
  const steps = (f: Ltl): Prop[] => {
    const p = propositional(f);
    if (p) return [p];
    if (f.op === "then") return [...steps(f.left), ...steps(f.right)];
    if (f.op === "F") return steps(f.arg);
    if (f.op === "and") {
      const l = propositional(f.left);
      const r = propositional(f.right);
      if (l && f.right.op === "F") return [l, ...steps(f.right.arg)];
      if (r && f.left.op === "F") return [r, ...steps(f.left.arg)];
    }
    return outside(f, "a step of a sequence is a propositional formula, or F of one");
  };

  const part = (f: Ltl): Part => {
    switch (f.op) {
      case "then":
      case "F":
        return sequence(steps(f));
      case "G":
        return always(prop(f.arg, "G applies to a propositional formula, as in G !lava"));
      case "U":
        return until(prop(f.left, "U joins two propositional formulas"), prop(f.right, "U joins two propositional formulas"));
      case "X":
        return outside(f, "X (next) is not supported");
      case "W":
      case "R":
        return outside(f, `${f.op} is not supported`);
      case "or":
      case "implies":
        return outside(f, `${f.op === "or" ? "disjunction" : "implication"} of temporal formulas is not supported`);
      case "not":
        return outside(f, "negation applies to propositions only (write G !a for never a)");
      default:
        return outside(f, "a propositional formula alone constrains only the first step (write F a for eventually a, G a for always a)");
    }
  };

  const conjuncts = (f: Ltl): Ltl[] => (f.op === "and" && !propositional(f) ? [...conjuncts(f.left), ...conjuncts(f.right)] : [f]);
  return product(conjuncts(tree).map(part), reward);
}

/** φ₁ then φ₂ … then φₖ: state i has done the first i steps; it may do several at once. */
function sequence(phi: Prop[]): Part {
  const k = phi.length;
  return {
    n: k + 1,
    liveness: true,
    accepting: (s) => s === k,
    label: (s) => (s === 0 ? "" : `after:${show(phi[s - 1])}`),
    failWhen: () => FALSE,
    moves(s) {
      const out: { when: Prop; to: number }[] = [];
      for (let j = s + 1; j <= k; j++) out.push({ when: and(...phi.slice(s, j), j < k ? not(phi[j]) : TRUE), to: j });
      return out;
    },
  };
}

/** G φ: one state; ¬φ fails. */
function always(phi: Prop): Part {
  return { n: 1, liveness: false, accepting: () => true, label: () => "", failWhen: () => not(phi), moves: () => [] };
}

/** a U b: waiting (0) until b (1); ¬a ∧ ¬b while waiting fails. */
function until(a: Prop, b: Prop): Part {
  return {
    n: 2,
    liveness: true,
    accepting: (s) => s === 1,
    label: (s) => (s === 0 ? "" : `after:${show(b)}`),
    failWhen: (s) => (s === 0 ? and(not(a), not(b)) : FALSE),
    moves: (s) => (s === 0 ? [{ when: b, to: 1 }] : []),
  };
}

/** The product of the parts, explored breadth-first from the all-initial state. */
function product(parts: Part[], reward: number): ExplicitMachine {
  const hasLiveness = parts.some((p) => p.liveness);
  const done = (t: readonly number[]) => hasLiveness && parts.every((p, c) => p.accepting(t[c]));
  const names = new Map<string, string>();
  const used = new Set(["done", "failed"]);
  const nameOf = (t: readonly number[]): string => {
    if (done(t)) return "done";
    const key = t.join(",");
    let name = names.get(key);
    if (name === undefined) {
      const base = parts.map((p, c) => p.label(t[c])).filter((l) => l !== "").join("+") || "start";
      name = base;
      for (let i = 2; used.has(name); i++) name = `${base}#${i}`;
      used.add(name);
      names.set(key, name);
    }
    return name;
  };

  const start = parts.map(() => 0);
  const queue: number[][] = [start];
  const seen = new Set([start.join(",")]);
  const states: string[] = [];
  const edges: ExplicitMachine["edges"] = [];
  let reachesDone = false;
  let reachesFailed = false;
  for (let head = 0; head < queue.length; head++) {
    const t = queue[head];
    const from = nameOf(t);
    states.push(from);
    // Failure first: edges are tried in order, so later edges may leave ¬fail out.
    const fail = or(...parts.map((p, c) => p.failWhen(t[c])));
    if (satisfiable(fail)) {
      edges.push({ from, to: "failed", when: show(fail), reward: 0 });
      reachesFailed = true;
    }
    // Every combination of one move (or staying) per part, except all staying.
    const choices = parts.map((p, c) => {
      const moves = p.moves(t[c]);
      return [...moves, { when: not(or(...moves.map((m) => m.when))), to: t[c] }];
    });
    const combine = (c: number, when: Prop[], target: number[]): void => {
      if (c === parts.length) {
        if (target.every((s, i) => s === t[i])) return;
        const cond = and(...when);
        if (!satisfiable(and(cond, not(fail)))) return;
        const isDone = done(target);
        edges.push({ from, to: nameOf(target), when: show(cond), reward: isDone ? reward : 0 });
        if (isDone) reachesDone = true;
        else if (!seen.has(target.join(","))) {
          seen.add(target.join(","));
          queue.push(target);
        }
        return;
      }
      for (const m of choices[c]) combine(c + 1, [...when, m.when], [...target, m.to]);
    };
    combine(0, [], []);
  }
  const terminal = [...(reachesDone ? ["done"] : []), ...(reachesFailed ? ["failed"] : [])];
  return { initial: "start", terminal, states: [...states, ...terminal], edges };
}
