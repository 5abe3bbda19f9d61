/**
 * A compiled reward machine: states, ordered edges with compiled
 * conditions, propositions compiled against an environment, and V(u) for
 * automated shaping. `bind` gives a stepper over proposition columns that
 * advances n machines at once without allocating.
 *
 * @example
 * const rm = compileMachine(spec.machine, { features, events, actionSize: 1 }, "reward.machine");
 * const run = rm.bind(n);           // run.props[p][i]: proposition p in environment i
 * run.step(n, u, reward);           // u[i] ← δ(u[i], L_i), reward[i] ← r
 */
import { joinPath, UserError } from "../../core/errors.js";
import { compileExpression, featuresOf, parseExpression, typeOf, walk, type CompiledExpr, type ExprInputs, type Scope } from "../expr/index.js";
import { machineGraph, type GraphEdge, type MachineGraph } from "./graph.js";
import { machinePotentials } from "./shaping.js";
import type { MachineSpec } from "./spec.js";

export interface CompiledProposition {
  readonly name: string;
  readonly text: string;
  /** Evaluates to 1 or 0; its layout's features are `RewardMachine.features`. */
  readonly expr: CompiledExpr;
}

export interface MachineRun {
  /** props[p][i]: the truth (1 or 0) of proposition p in row i; write these, then step. */
  readonly props: readonly Uint8Array[];
  /** The edge that fires from state u on row i's propositions, or −1 (none: stay, reward 0). */
  fire(u: number, i: number): number;
  /** For rows 0 … n−1: takes the first edge that fires from u[i], sets u[i] to its target and reward[i] to its reward (0 if none). */
  step(n: number, u: Int32Array, reward: Float64Array): void;
}

export class RewardMachine {
  readonly states: readonly string[];
  readonly initial: number;
  /** terminal[u] = 1 if reaching u ends the episode. */
  readonly terminal: Uint8Array;
  readonly edges: readonly GraphEdge[];
  /** outgoing[u]: the edges tried from u, in order ("*" edges included where they were written). */
  readonly outgoing: readonly Int32Array[];
  readonly propositions: readonly CompiledProposition[];
  /** Features the propositions read, in the order of their columns. */
  readonly features: readonly string[];
  readonly gamma: number;
  /** V(u) by value iteration over the machine (Toro Icarte et al. §5); `rm.potential`. */
  readonly potential: Float64Array;
  private readonly conditions: readonly CompiledExpr[];

  constructor(
    readonly graph: MachineGraph,
    propositions: readonly CompiledProposition[],
    features: readonly string[],
  ) {
    this.states = graph.states;
    this.initial = graph.initial;
    this.terminal = Uint8Array.from(graph.terminal, (t) => (t ? 1 : 0));
    this.edges = graph.edges;
    this.outgoing = graph.states.map((_, u) => Int32Array.from(graph.edges.flatMap((e, k) => (!graph.terminal[u] && (e.from === u || e.from === -1) ? [k] : []))));
    this.propositions = propositions;
    this.features = features;
    this.gamma = graph.gamma;
    const layout = { features: [], eventBits: new Map<string, number>(), propositions: graph.propositions };
    this.conditions = graph.edges.map((e) => compileExpression(e.when, "bool", layout));
    this.potential = machinePotentials(this, graph.gamma);
  }

  get numStates(): number {
    return this.states.length;
  }

  /** The state's index by name; a `UserError` if there is none. */
  stateIndex(name: string): number {
    const u = this.states.indexOf(name);
    if (u < 0) throw new UserError(name, `unknown machine state; states: ${this.states.join(", ")}`);
    return u;
  }

  /** A stepper over proposition columns of `n` rows (fresh ones unless given). */
  bind(nOrProps: number | readonly Uint8Array[]): MachineRun {
    const props = typeof nOrProps === "number" ? this.propositions.map(() => new Uint8Array(nOrProps)) : nOrProps;
    if (props.length !== this.propositions.length) throw new Error(`expected ${this.propositions.length} proposition columns, got ${props.length}`);
    const inputs: ExprInputs = { prev: [], next: [], actions: [], actionSize: 1, taskReward: [], terminated: [], truncated: [], events: [], props };
    const conds = this.conditions.map((c) => c.scalar(inputs));
    const { outgoing, edges } = this;
    const fire = (u: number, i: number): number => {
      const out = outgoing[u];
      for (let j = 0; j < out.length; j++) if (conds[out[j]](i) !== 0) return out[j];
      return -1;
    };
    return {
      props,
      fire,
      step(n, u, reward) {
        for (let i = 0; i < n; i++) {
          const k = fire(u[i], i);
          if (k < 0) reward[i] = 0;
          else {
            reward[i] = edges[k].reward;
            u[i] = edges[k].to;
          }
        }
      },
    };
  }
}

/**
 * Compiles a machine spec against an environment: propositions are parsed,
 * type-checked against `scope` (features, events, action size) and compiled.
 * Errors are one-line `UserError`s under `path` (`reward.machine.propositions.key: …`).
 */
export function compileMachine(spec: MachineSpec, scope: Scope, path = "machine"): RewardMachine {
  const graph = machineGraph(spec, path);
  const parsed = graph.propositions.map((name, k) => {
    const where = joinPath(path, "propositions", name);
    const node = parseExpression(graph.propositionText[k], where);
    walk(node, (n) => {
      if (n.kind === "var" && n.name === "time") throw new UserError(where, `a proposition cannot read time (at column ${n.at}); use a feature such as t`);
    });
    typeOf(node, { ...scope, propositions: undefined }, where);
    return { name, node, where };
  });
  const features = [...new Set(parsed.flatMap((p) => [...featuresOf(p.node).keys()]))];
  const layout = { features, eventBits: new Map(scope.events.map((e, j) => [e, (1 << j) >>> 0])) };
  const propositions = parsed.map((p, k) => ({ name: p.name, text: graph.propositionText[k], expr: compileExpression(p.node, "bool", layout) }));
  return new RewardMachine(graph, propositions, features);
}
