/** `combine`: child terms, each with its transforms and weight, combined by sum, product, krc, min or max. */
import { z } from "zod";
import { combine, makeTransform } from "../transforms.js";
import { defineTermKind, type AnyTerm, type TermInput } from "./kind.js";
import type { CommonOptions } from "./options.js";

export const COMBINE_OPS = ["sum", "product", "krc", "min", "max"] as const;
export type CombineOp = (typeof COMBINE_OPS)[number];

export const combineKind = defineTermKind({
  kind: "combine",
  summary: "`sum`, `product`, `krc`, `min` or `max` of child terms (each with its weight and transforms)",
  fields: (term) => ({
    op: z.enum(COMBINE_OPS).describe("sum, product, krc (Kinesthetic Reward Combination), min or max"),
    terms: z.array(term).min(1).describe("the child terms"),
  }),
  children: "terms",
  defaultName: (term) => term.op,
  builder: (op: CombineOp, terms: TermInput[], opts: CommonOptions = {}): TermInput => ({ kind: "combine", op, terms, ...opts }),
  plan(term, ctx) {
    const children = (term.terms as AnyTerm[]).map((t, i) => ctx.child(t, `${ctx.path}.terms[${i}]`));
    return {
      features: new Set(children.flatMap((c) => [...c.features])),
      usesObs: children.some((c) => c.usesObs),
      // A transform (normalization, clipping…) changes a potential difference into something else.
      potentialBased: children.every((c) => c.potentialBased && c.transforms.length === 0) && term.op === "sum",
      bind: (b, layout) => {
        const bound = children.map((c) => ({ plan: c, term: c.bind(b, layout), transforms: c.transforms.map((t) => makeTransform(t, b.n)), values: new Float64Array(b.n) }));
        return {
          // Each child as the program treats a term: its value, then its transforms, then its weight.
          compute(out) {
            for (const c of bound) {
              c.term.compute(c.values);
              for (const t of c.transforms) t.apply(c.values, b.n, b.terminated);
              for (let i = 0; i < b.n; i++) c.values[i] *= c.plan.weight;
            }
            combine(term.op, bound.map((c) => c.values), b.n, out);
          },
          endEpisode(i) {
            for (const c of bound) c.term.endEpisode?.(i);
          },
          state: () => ({ children: bound.map((c) => c.term.state?.() ?? null), transforms: bound.map((c) => c.transforms.map((t) => t.state())) }),
          load(s) {
            const saved = s as { children: unknown[]; transforms?: unknown[][] };
            bound.forEach((c, k) => {
              c.term.load?.(saved.children[k]);
              c.transforms.forEach((t, j) => t.load(saved.transforms?.[k]?.[j]));
            });
          },
        };
      },
    };
  },
});
