/**
 * A machine spec (explicit edges, or an LTLf formula compiled to edges) as
 * a checked graph: states numbered, edge conditions parsed over the
 * propositions. Everything here is independent of the environment, so a
 * spec's structure is checked when it is parsed; propositions are checked
 * against an environment later (`compileMachine`).
 *
 * Errors are one-line `UserError`s with paths relative to the machine
 * (`edges[2].when`); callers put `reward.machine` in front.
 */
import { joinPath, UserError } from "../../core/errors.js";
import { didYouMean } from "../../core/suggest.js";
import { parseExpression, typeOf, walk, type Node } from "../expr/index.js";
import { compileLtl } from "./ltl.js";
import { LTL_KEYWORDS } from "./ltl-parse.js";
import type { MachineSpec } from "./shape.js";

export interface GraphEdge {
  /** Source state, or −1 for "*" (every non-terminal state). */
  readonly from: number;
  readonly to: number;
  readonly reward: number;
  /** The condition over propositions, parsed. */
  readonly when: Node;
  readonly text: string;
  /** Where the edge was written (`edges[2]`, or `ltl`). */
  readonly path: string;
}

export interface MachineGraph {
  readonly states: readonly string[];
  readonly initial: number;
  readonly terminal: readonly boolean[];
  readonly edges: readonly GraphEdge[];
  /** Proposition names, in the spec's order; `propositionText[k]` is the expression of `propositions[k]`. */
  readonly propositions: readonly string[];
  readonly propositionText: readonly string[];
  /** γ of the machine's value iteration (automated shaping). */
  readonly gamma: number;
  /** Where each state is first named, for `checkMachine`'s issues. */
  readonly mentions: readonly string[];
  readonly kind: "edges" | "ltl";
}

const RESERVED = new Set(["true", "false", "action", "reward", "terminated", "truncated", "time", "and", "or", "not"]);

/** Numbers the states of a spec and parses its conditions; throws on the first problem. */
export function machineGraph(spec: MachineSpec, path = ""): MachineGraph {
  const at = (...parts: (string | number)[]) => joinPath(path, ...parts);
  const propositions = Object.keys(spec.propositions);
  for (const name of propositions) {
    const where = at("propositions", name);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || RESERVED.has(name)) {
      throw new UserError(where, `a proposition name must be a plain identifier (letters, digits, _) and not one of ${[...RESERVED].join(", ")}`);
    }
    if (spec.ltl !== undefined && LTL_KEYWORDS.includes(name)) throw new UserError(where, `${JSON.stringify(name)} is an LTL operator; choose another name`);
    parseExpression(spec.propositions[name], where);
  }

  const explicit = spec.edges !== undefined;
  if (explicit && spec.ltl !== undefined) throw new UserError(at("ltl"), "give either edges (an explicit machine) or ltl (a formula), not both");
  if (!explicit && spec.ltl === undefined) throw new UserError(path, "expected edges (an explicit machine, with initial) or ltl (a formula)");
  if (explicit) {
    if (spec.reward !== undefined) throw new UserError(at("reward"), "only ltl machines take reward; an explicit machine's rewards are on its edges");
    if (spec.initial === undefined) throw new UserError(at("initial"), "missing; expected the name of the initial state");
  } else {
    for (const key of ["initial", "terminal", "states"] as const) {
      if (spec[key] !== undefined) throw new UserError(at(key), `only explicit machines (with edges) take ${key}; an ltl machine starts in "start" and ends in "done" or "failed"`);
    }
  }

  const m = explicit
    ? { initial: spec.initial!, terminal: spec.terminal ?? [], states: spec.states, edges: spec.edges!, edgePath: (k: number) => at("edges", k) }
    : { ...compileLtl(spec.ltl!, propositions, at("ltl"), spec.reward ?? 1), edgePath: () => at("ltl") };

  // ── states ──
  const index = new Map<string, number>();
  const mentions: string[] = [];
  const declare = (name: string, where: string) => {
    if (name === "*") throw new UserError(where, '"*" is not a state name; it may only be an edge\'s from (every non-terminal state)');
    if (!index.has(name)) {
      index.set(name, index.size);
      mentions.push(where);
    }
  };
  const declared = m.states !== undefined;
  if (m.states) {
    m.states.forEach((s, i) => {
      if (index.has(s)) throw new UserError(at("states", i), `duplicate state ${JSON.stringify(s)}`);
      declare(s, explicit ? at("states", i) : at("ltl"));
    });
  } else {
    // The states are the initial one, the terminal ones and the edges' sources, numbered as first named.
    const sources = new Set([m.initial, ...m.terminal, ...m.edges.map((e) => e.from)]);
    declare(m.initial, at("initial"));
    m.edges.forEach((e, k) => {
      if (e.from !== "*") declare(e.from, at("edges", k, "from"));
      if (sources.has(e.to)) declare(e.to, at("edges", k, "to"));
    });
    m.terminal.forEach((s, i) => declare(s, at("terminal", i)));
  }
  const known = [...index.keys()];
  const lookup = (name: string, where: string): number => {
    const u = index.get(name);
    if (u !== undefined) return u;
    if (name === "*") throw new UserError(where, '"*" may only be an edge\'s from');
    const rule = declared ? "states are those listed under states" : 'states are the initial state, the terminal states and the sources of edges (list them all under states: to have one left only by "*" edges)';
    throw new UserError(where, `unknown state ${JSON.stringify(name)}${didYouMean(name, known) || `; ${rule}: ${known.join(", ")}`}`);
  };
  const initial = lookup(m.initial, at("initial"));
  const terminal = known.map(() => false);
  m.terminal.forEach((s, i) => {
    const u = lookup(s, explicit ? at("terminal", i) : at("ltl"));
    if (terminal[u]) throw new UserError(at("terminal", i), `duplicate terminal state ${JSON.stringify(s)}`);
    terminal[u] = true;
  });
  if (terminal[initial]) throw new UserError(at("initial"), `the initial state ${JSON.stringify(m.initial)} is terminal: every episode would end at once`);

  // ── edges ──
  const propSet = new Set(propositions);
  const edges: GraphEdge[] = m.edges.map((e, k) => {
    const where = m.edgePath(k);
    const from = e.from === "*" ? -1 : lookup(e.from, explicit ? joinPath(where, "from") : where);
    if (from >= 0 && terminal[from]) throw new UserError(joinPath(where, "from"), `${JSON.stringify(e.from)} is a terminal state; terminal states have no outgoing edges`);
    const to = lookup(e.to, explicit ? joinPath(where, "to") : where);
    const text = String(e.when);
    const when = condition(e.when, propSet, explicit ? joinPath(where, "when") : where);
    return { from, to, reward: e.reward, when, text, path: where };
  });
  return { states: known, initial, terminal, edges, propositions, propositionText: propositions.map((p) => spec.propositions[p]), gamma: spec.gamma, mentions, kind: explicit ? "edges" : "ltl" };
}

/** Parses an edge condition: a true/false expression over the propositions only. */
function condition(when: string | boolean, propositions: ReadonlySet<string>, path: string): Node {
  if (typeof when === "boolean") return { kind: "bool", value: when, at: 1 };
  const node = parseExpression(when, path, propositions);
  walk(node, (n) => {
    if (n.kind === "feature") {
      const name = n.when === "prev" ? `prev.${n.name}` : n.name;
      throw new UserError(path, `unknown proposition ${JSON.stringify(name)} at column ${n.at}${didYouMean(name, propositions) || `; propositions: ${[...propositions].join(", ") || "none"}`} (conditions read propositions; define one under propositions: for a feature)`);
    }
    if (n.kind === "event" || n.kind === "var") {
      throw new UserError(path, `conditions read propositions only (at column ${n.at}); define a proposition for ${n.kind === "event" ? `event(${JSON.stringify(n.name)})` : n.name} under propositions:`);
    }
  });
  if (typeOf(node, { features: [], events: [], actionSize: 1, propositions }, path) !== "bool") {
    throw new UserError(path, `expected a true/false condition over propositions, got a number (${JSON.stringify(when)})`);
  }
  return node;
}
