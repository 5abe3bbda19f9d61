/** `expression`: a formula over features, events and the action (docs/rewards.md, Expressions). */
import { compileExpression, featuresOf } from "../expr/index.js";
import { checkedExpression } from "./checked-expression.js";
import { exprText } from "./fields.js";
import { defineTermKind, type TermInput } from "./kind.js";
import type { CommonOptions } from "./options.js";

export const expressionKind = defineTermKind({
  kind: "expression",
  summary: "a formula (below)",
  fields: { expr: exprText() },
  defaultName: () => "expression",
  builder: (expr: string | number, opts: CommonOptions = {}): TermInput => ({ kind: "expression", expr, ...opts }),
  plan(term, ctx) {
    const e = checkedExpression(term.expr, ctx, `${ctx.path}.expr`);
    return {
      features: new Set(featuresOf(e.node).keys()),
      usesObs: false,
      potentialBased: false,
      bind: (b, layout) => {
        const run = compileExpression(e.node, e.type, layout).batch(b);
        return { compute: (out) => run(b.n, out) };
      },
    };
  },
});
