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
import { TERM_BUILDERS } from "./kinds/index.js";
import type { RewardSpecInput, Transform } from "./spec.js";

type TermInput = RewardSpecInput["terms"][number];

/** Every kind's helper, by kind (`build.term.potential(…)`): a kind added to the list has its helper here. */
export const term = TERM_BUILDERS;

/** The helpers of the built-in kinds, by name; each is defined with its kind in `./kinds/`. */
export const { task, event, expression, potential, combine, intrinsic, learned, code } = TERM_BUILDERS;

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
