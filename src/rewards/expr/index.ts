/**
 * The reward expression language: parse once, check against an
 * environment, compile to a batch loop.
 *
 * @example
 * const e = checkedExpression("-abs(agent.x - 6)", scope, "terms[1].expr");
 * const run = compileExpression(e.node, e.type, layout).batch(inputs);
 * run(n, out);
 */
import type { Node, Type } from "./ast.js";
import { typeOf, type Scope } from "./check.js";
import { parseExpression } from "./parse.js";

export interface CheckedExpression {
  readonly text: string;
  readonly node: Node;
  readonly type: Type;
}

/** Parses and type-checks `text`; errors are one-line `UserError`s under `path`. */
export function checkedExpression(text: string | number, scope: Scope, path: string): CheckedExpression {
  const node = parseExpression(text as string, path, scope.propositions);
  return { text: String(text), node, type: typeOf(node, scope, path) };
}

export { featuresOf, walk, FUNCTIONS, type Node, type Type } from "./ast.js";
export { MAX_DEPTH, MAX_LENGTH, MAX_NODES, parseExpression, tooDeep, tooLarge } from "./parse.js";
export { typeOf, type Scope } from "./check.js";
export { compileExpression, type CompiledExpr, type ExprInputs, type Layout } from "./compile.js";
