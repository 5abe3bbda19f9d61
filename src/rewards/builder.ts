/**
 * The TypeScript way to write a spec: the same data as YAML, built with
 * typed helpers.
 *
 * @example
 * const spec = reward()
 *   .primary(task())
 *   .aux(event("pickup:key", 0.2, { once: true }))
 *   .aux(expression("-0.01", { name: "step" }))
 *   .aux(potential("-goal.distance", { gamma: 0.99 }))
 *   .transform(clip(-1, 1))
 *   .build();
 */
import type { Transition } from "./batch.js";
import type { RewardSpecInput, Transform } from "./spec.js";

type TermInput = RewardSpecInput["terms"][number];
type Common = { name?: string; weight?: number; objective?: string; transforms?: Transform[] };

export const task = (weight = 1, opts: Omit<Common, "weight"> = {}): TermInput => ({ kind: "task", weight, ...opts });

export const event = (name: string, weight = 1, opts: Omit<Common, "weight"> & { once?: boolean; max?: number; decay?: number } = {}): TermInput => ({ kind: "event", event: name, weight, ...opts });

export const expression = (expr: string | number, opts: Common = {}): TermInput => ({ kind: "expression", expr, ...opts });

export const potential = (phi: string | number, opts: Common & { gamma?: number; dynamic?: boolean } = {}): TermInput => ({ kind: "potential", phi, ...opts });

export const combine = (op: "sum" | "product" | "krc" | "min" | "max", terms: TermInput[], opts: Common = {}): TermInput => ({ kind: "combine", op, terms, ...opts }) as TermInput;

export const intrinsic = (module: string, opts: Common & { options?: Record<string, unknown> } = {}): TermInput => ({ kind: "intrinsic", module, ...opts });

/**
 * A term computed by your own function of one transition (TypeScript only).
 * It runs unsandboxed in the training process, so the caller must say
 * `trusted: true`: a function you wrote or reviewed, never generated code.
 *
 * @example code((t) => (t.event("pickup:key") ? 1 : 0), { trusted: true, name: "key" })
 */
export const code = (fn: (t: Transition) => number, opts: Common & { trusted: true }): TermInput => ({ kind: "code", fn, ...opts });

export const scale = (factor: number): Transform => ({ type: "scale", factor });
export const clip = (min: number, max: number): Transform => ({ type: "clip", min, max });
export const normalize = (gamma = 0.99, epsilon = 1e-8): Transform => ({ type: "normalize", gamma, epsilon });
export const centeredSigmoid = (ref: number | number[] = 0, k = 1): Transform => ({ type: "sigmoid", k, ref });
export const expShape = (vmax = 1, dispersion = 1, density = 1): Transform => ({ type: "expShape", vmax, dispersion, density });
export const power = (density: number): Transform => ({ type: "power", density });

export class RewardBuilder {
  private readonly spec: { terms: TermInput[]; transforms: Transform[]; define: Record<string, string | number>; scalarize?: RewardSpecInput["scalarize"] } = { terms: [], transforms: [], define: {} };
  /** Adds a term of the true objective. */
  primary(term: TermInput): this {
    this.spec.terms.push({ ...(term as object), role: "primary" } as TermInput);
    return this;
  }
  /** Adds an auxiliary term: a heuristic, shaping or bonus. */
  aux(term: TermInput): this {
    this.spec.terms.push({ ...(term as object), role: "auxiliary" } as TermInput);
    return this;
  }
  /** Names an expression for the terms to use. */
  define(name: string, expr: string | number): this {
    this.spec.define[name] = expr;
    return this;
  }
  /** Transforms the total. */
  transform(t: Transform): this {
    this.spec.transforms.push(t);
    return this;
  }
  scalarize(s: NonNullable<RewardSpecInput["scalarize"]>): this {
    this.spec.scalarize = s;
    return this;
  }
  build(): RewardSpecInput {
    return structuredCloneSafe(this.spec) as RewardSpecInput;
  }
}

export const reward = (): RewardBuilder => new RewardBuilder();

/** Copies plain data, keeping functions (code terms) by reference. */
function structuredCloneSafe<T>(x: T): T {
  if (Array.isArray(x)) return x.map(structuredCloneSafe) as T;
  if (x && typeof x === "object") return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, structuredCloneSafe(v)])) as T;
  return x;
}
