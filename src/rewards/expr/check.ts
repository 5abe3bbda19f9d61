/**
 * Type checking of reward expressions against an environment: every
 * feature and event must exist (with a did-you-mean), numbers and
 * true/false values must not be mixed where that is surely a mistake.
 *
 * Rules: arithmetic and math functions take numbers; `&&`, `||`, `!` and
 * `if`'s condition take either (a number is true when non-zero, as
 * `if(door.open, 1, 0)` reads); comparisons give true/false; both branches of
 * `if` must have the same type. A whole expression of type true/false counts
 * as 1 or 0.
 */
import { UserError } from "../../core/errors.js";
import { didYouMean } from "../../core/suggest.js";
import type { Node, Type } from "./ast.js";

export interface Scope {
  features: readonly string[];
  events: readonly string[];
  /** Size of the action vector (1 for discrete actions). */
  actionSize: number;
  /** Names bound to true/false values (reward machine propositions). */
  propositions?: ReadonlySet<string>;
}

const ARITH = new Set(["+", "-", "*", "/", "%", "^"]);
const CMP = new Set(["<", "<=", ">", ">=", "==", "!="]);

export function typeOf(node: Node, scope: Scope, path: string): Type {
  const err = (at: number, msg: string): never => {
    throw new UserError(path, `${msg} at column ${at}`);
  };
  const num = (n: Node, what: string): void => {
    if (typeOf(n, scope, path) === "bool") err(n.at, `${what} needs a number, got a true/false value (use if(cond, 1, 0))`);
  };
  switch (node.kind) {
    case "number":
      return "number";
    case "bool":
    case "prop":
      return "bool";
    case "feature":
      if (!scope.features.includes(node.name)) {
        const hint = didYouMean(node.name, scope.features) || `; features here: ${scope.features.join(", ") || "none"}`;
        err(node.at, `unknown feature ${JSON.stringify(node.name)}${hint}`);
      }
      return "number";
    case "event":
      if (!scope.events.includes(node.name)) {
        const hint = didYouMean(node.name, scope.events) || `; events here: ${scope.events.join(", ") || "none"}`;
        err(node.at, `unknown event ${JSON.stringify(node.name)}${hint}`);
      }
      return "bool";
    case "var":
      if (node.name === "action" && (node.index < 0 || node.index >= scope.actionSize)) err(node.at, `action[${node.index}] is out of range: actions here have ${scope.actionSize} entr${scope.actionSize === 1 ? "y" : "ies"}`);
      return node.name === "terminated" || node.name === "truncated" ? "bool" : "number";
    case "unary":
      if (node.op === "-") {
        num(node.arg, "unary -");
        return "number";
      }
      typeOf(node.arg, scope, path);
      return "bool";
    case "binary":
      if (ARITH.has(node.op)) {
        num(node.left, `"${node.op}"`);
        num(node.right, `"${node.op}"`);
        return "number";
      }
      if (CMP.has(node.op)) {
        if (node.op === "==" || node.op === "!=") {
          const l = typeOf(node.left, scope, path);
          const r = typeOf(node.right, scope, path);
          if (l !== r) err(node.at, `"${node.op}" compares a number with a true/false value`);
        } else {
          num(node.left, `"${node.op}"`);
          num(node.right, `"${node.op}"`);
        }
        return "bool";
      }
      typeOf(node.left, scope, path);
      typeOf(node.right, scope, path);
      return "bool";
    case "call": {
      if (node.fn === "if") {
        typeOf(node.args[0], scope, path);
        const a = typeOf(node.args[1], scope, path);
        const b = typeOf(node.args[2], scope, path);
        if (a !== b) err(node.at, "if() has one number branch and one true/false branch");
        return a;
      }
      for (const a of node.args) num(a, `${node.fn}()`);
      return "number";
    }
  }
}
