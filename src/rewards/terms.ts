/**
 * The term kinds. Each is planned once (parsed, checked, its features
 * listed) and then bound to a batch, giving a `compute` that writes the
 * term's raw value (before transforms and weight) for every environment.
 */
import { UserError } from "../core/errors.js";
import type { RewardBatch, Transition } from "./batch.js";
import { didYouMean as closestHint } from "../core/suggest.js";
import { compileExpression, featuresOf, MAX_DEPTH, MAX_NODES, parseExpression, tooDeep, tooLarge, typeOf, walk, type CheckedExpression, type Layout, type Node, type Scope } from "./expr/index.js";
import type { IntrinsicModule } from "./intrinsic.js";
import { bindLearnedReward, loadLearnedReward } from "./learned.js";
import { combine } from "./transforms.js";
import type { Term } from "./spec.js";

export interface BoundTerm {
  compute(out: Float64Array): void;
  /** Environment i's episode ended on this step (called after `compute`). */
  endEpisode?(i: number): void;
  /** The term's mutable state (counters, caches), for checkpoints. */
  state?: object;
}

export interface TermPlan {
  readonly features: ReadonlySet<string>;
  readonly usesObs: boolean;
  /** The term is potential-based shaping (keeps the optimal policy). */
  readonly potentialBased: boolean;
  bind(batch: RewardBatch, layout: Layout): BoundTerm;
}

export interface PlanContext {
  scope: Scope;
  path: string;
  /** Named expressions (`define:`), parsed on first use. */
  define(name: string, stack: readonly string[]): Node | undefined;
  /** Plans a child term (for combine). */
  child(term: Term, path: string): TermPlan & { weight: number; transforms: Term["transforms"] };
  intrinsic(name: string, options: Record<string, unknown>, path: string): IntrinsicModule;
}

export function planTerm(term: Term, ctx: PlanContext): TermPlan {
  switch (term.kind) {
    case "task":
      return {
        features: new Set(),
        usesObs: false,
        potentialBased: false,
        bind: (b) => ({ compute: (out) => { for (let i = 0; i < b.n; i++) out[i] = b.taskReward[i]; } }),
      };
    case "event":
      return planEvent(term, ctx);
    case "expression": {
      const e = expr(term.expr, ctx, `${ctx.path}.expr`);
      return {
        features: new Set(featuresOf(e.node).keys()),
        usesObs: false,
        potentialBased: false,
        bind: (b, layout) => {
          const run = compileExpression(e.node, e.type, layout).batch(b);
          return { compute: (out) => run(b.n, out) };
        },
      };
    }
    case "potential":
      return planPotential(term, ctx);
    case "combine": {
      const children = term.terms.map((t, i) => ctx.child(t, `${ctx.path}.terms[${i}]`));
      return {
        features: new Set(children.flatMap((c) => [...c.features])),
        usesObs: children.some((c) => c.usesObs),
        potentialBased: children.every((c) => c.potentialBased) && term.op === "sum",
        bind: (b, layout) => {
          const bound = children.map((c) => ({ plan: c, term: c.bind(b, layout), values: new Float64Array(b.n) }));
          return {
            compute(out) {
              for (const c of bound) {
                c.term.compute(c.values);
                for (let i = 0; i < b.n; i++) c.values[i] *= c.plan.weight;
              }
              combine(term.op, bound.map((c) => c.values), b.n, out);
            },
            endEpisode(i) {
              for (const c of bound) c.term.endEpisode?.(i);
            },
            state: { children: bound.map((c) => c.term.state ?? {}) },
          };
        },
      };
    }
    case "learned": {
      const model = loadLearnedReward(term.model, `${ctx.path}.model`);
      return {
        features: new Set(),
        usesObs: true,
        potentialBased: false,
        bind: (b) => ({ compute: bindLearnedReward(model, b, `${ctx.path}.model`) }),
      };
    }
    case "intrinsic": {
      const module = ctx.intrinsic(term.module, term.options, ctx.path);
      return {
        features: new Set(),
        usesObs: true,
        potentialBased: false,
        bind: (b) => {
          module.init({ n: b.n, obsSize: b.obsSize, actionSize: b.actionSize, actionCount: b.actionCount });
          return { compute: (out) => module.compute(b, out), endEpisode: (i) => module.endEpisode?.(i), state: module };
        },
      };
    }
    case "code":
      return planCode(term.fn as (t: Transition) => number, ctx);
  }
}

/** Parses, inlines `define:` names, and type-checks an expression. */
export function expr(text: string | number, ctx: PlanContext, path: string): CheckedExpression {
  const node = inline(parseExpression(text as string, path, ctx.scope.propositions), ctx, [], { path, nodes: 0 }, 1);
  return { text: String(text), node, type: typeOf(node, ctx.scope, path) };
}

/**
 * Replaces names of `define:` entries by their expressions; `stack` holds the
 * names being expanded. Expanded, a tree is held to the parser's limits too:
 * defines that use each other can nest deeper than any one of them, and grow
 * exponentially (`b: a + a`, `c: b + b`, …), so depth and nodes are counted
 * as it grows and the expansion stops at the first limit passed.
 */
function inline(node: Node, ctx: PlanContext, stack: readonly string[], budget: { path: string; nodes: number }, depth: number): Node {
  if (depth > MAX_DEPTH) throw tooDeep(budget.path, undefined, true);
  if (node.kind === "feature" && node.when === "next") {
    const def = ctx.define(node.name, stack);
    if (def) return inline(def, ctx, [...stack, node.name], budget, depth);
  }
  if (++budget.nodes > MAX_NODES) throw tooLarge(budget.path, true);
  if (node.kind === "unary") return { ...node, arg: inline(node.arg, ctx, stack, budget, depth + 1) };
  if (node.kind === "binary") return { ...node, left: inline(node.left, ctx, stack, budget, depth + 1), right: inline(node.right, ctx, stack, budget, depth + 1) };
  if (node.kind === "call") return { ...node, args: node.args.map((a) => inline(a, ctx, stack, budget, depth + 1)) };
  return node;
}

function planEvent(term: Extract<Term, { kind: "event" }>, ctx: PlanContext): TermPlan {
  const pattern = term.event;
  const prefix = pattern.endsWith("*") ? pattern.slice(0, -1) : undefined;
  const matches = ctx.scope.events.filter((e) => (prefix !== undefined ? e.startsWith(prefix) : e === pattern));
  if (matches.length === 0) {
    const known = ctx.scope.events;
    const hint = known.length ? `; events here: ${known.join(", ")}` : "; this environment raises no events";
    throw new UserError(`${ctx.path}.event`, `unknown event ${JSON.stringify(pattern)}${closestHint(pattern, known) || hint}`);
  }
  const maxPays = term.once ? 1 : (term.max ?? Infinity);
  return {
    features: new Set(),
    usesObs: false,
    potentialBased: false,
    bind: (b, layout) => {
      let mask = 0;
      for (const m of matches) mask |= layout.eventBits.get(m)!;
      const count = new Float64Array(b.n);
      return {
        compute(out) {
          for (let i = 0; i < b.n; i++) {
            if ((b.events[i] & mask) !== 0 && count[i] < maxPays) {
              out[i] = Math.pow(term.decay, count[i]);
              count[i]++;
            } else out[i] = 0;
          }
        },
        endEpisode(i) {
          count[i] = 0;
        },
        state: { count },
      };
    },
  };
}


/**
 * Potential-based shaping (Ng, Harada & Russell 1999): F = γ·Φ(s′) − Φ(s),
 * which leaves the optimal policy unchanged. Φ(s′) := 0 when s′ is terminal
 * (terminated, not truncated): a truncated state still has a future, and
 * zeroing it there would reward or punish running out of time.
 *
 * A dynamic potential (Devlin & Kudenko 2012) may change with `time`; then
 * F = γ·Φ(s′, t′) − Φ(s, t) needs Φ(s, t) as it was when s was reached, so it
 * is cached from the previous step rather than recomputed.
 */
function planPotential(term: Extract<Term, { kind: "potential" }>, ctx: PlanContext): TermPlan {
  const path = `${ctx.path}.phi`;
  const phi = expr(term.phi, ctx, path);
  walk(phi.node, (n) => {
    if (n.kind === "feature" && n.when === "prev") throw new UserError(path, `a potential is a function of one state: write ${n.name}, not prev.${n.name} (at column ${n.at})`);
    if (n.kind === "var" && n.name === "time") {
      if (!term.dynamic) throw new UserError(path, `a potential that changes with time needs dynamic: true, so Φ(s) is reused as computed when s was reached (at column ${n.at})`);
    } else if (n.kind === "event" || n.kind === "var") throw new UserError(path, `a potential reads only the state's features${n.kind === "var" && n.name === "action" ? ", not the action" : ""} (at column ${n.at})`);
  });
  const asPrev = (n: Node): Node => {
    if (n.kind === "feature") return { ...n, when: "prev" };
    if (n.kind === "unary") return { ...n, arg: asPrev(n.arg) };
    if (n.kind === "binary") return { ...n, left: asPrev(n.left), right: asPrev(n.right) };
    if (n.kind === "call") return { ...n, args: n.args.map(asPrev) };
    return n;
  };
  const gamma = term.gamma;
  return {
    features: new Set(featuresOf(phi.node).keys()),
    usesObs: false,
    potentialBased: true,
    bind: (b, layout) => {
      const phiNext = compileExpression(phi.node, phi.type, layout).batch(b);
      const phiPrev = compileExpression(asPrev(phi.node), phi.type, layout).batch(b);
      const next = new Float64Array(b.n);
      const prev = new Float64Array(b.n);
      // Dynamic potentials reuse Φ(s) as it was computed when s was reached.
      const cached = new Float64Array(b.n);
      const cacheValid = new Uint8Array(b.n);
      return {
        compute(out) {
          phiNext(b.n, next);
          if (!term.dynamic || !cacheValid.every((v) => v === 1)) phiPrev(b.n, prev);
          for (let i = 0; i < b.n; i++) {
            const phiS = term.dynamic && cacheValid[i] ? cached[i] : prev[i];
            const phiS1 = b.terminated[i] ? 0 : next[i];
            out[i] = gamma * phiS1 - phiS;
            cached[i] = next[i];
            cacheValid[i] = 1;
          }
        },
        endEpisode(i) {
          cacheValid[i] = 0;
        },
        state: { cached, cacheValid },
      };
    },
  };
}

function planCode(fn: (t: Transition) => number, ctx: PlanContext): TermPlan {
  const features = ctx.scope.features;
  return {
    features: new Set(features),
    usesObs: false,
    potentialBased: false,
    bind: (b, layout) => {
      let i = 0;
      const column = (name: string) => {
        const j = layout.features.indexOf(name);
        if (j < 0) throw new UserError(ctx.path, `code term read unknown feature ${JSON.stringify(name)}${closestHint(name, features)}`);
        return j;
      };
      const view: Transition = {
        get env() {
          return i;
        },
        next: (name) => b.next[column(name)][i],
        prev: (name) => b.prev[column(name)][i],
        event: (name) => {
          const bit = layout.eventBits.get(name);
          if (bit === undefined) throw new UserError(ctx.path, `code term read unknown event ${JSON.stringify(name)}${closestHint(name, [...layout.eventBits.keys()])}`);
          return (b.events[i] & bit) !== 0;
        },
        get action() {
          return b.actions[i * b.actionSize];
        },
        actionAt: (k) => b.actions[i * b.actionSize + k],
        get taskReward() {
          return b.taskReward[i];
        },
        get terminated() {
          return b.terminated[i] !== 0;
        },
        get truncated() {
          return b.truncated[i] !== 0;
        },
      };
      return {
        compute(out) {
          for (i = 0; i < b.n; i++) out[i] = fn(view);
        },
      };
    },
  };
}
