/** A term's expression, parsed, with `define:` names inlined, and type-checked against the environment. */
import { MAX_DEPTH, MAX_NODES, parseExpression, tooDeep, tooLarge, typeOf, type CheckedExpression, type Node } from "../expr/index.js";
import type { PlanContext } from "./kind.js";

/** Parses, inlines `define:` names, and type-checks an expression. */
export function checkedExpression(text: string | number, ctx: PlanContext, path: string): CheckedExpression {
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
