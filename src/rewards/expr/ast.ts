/**
 * The reward expression language, as data. An expression is parsed once
 * into this tree, type-checked, then compiled into a batch loop.
 *
 *   -abs(agent.x - goal.x)          if(door.open, 1, 0)
 *   prev.goal.distance - goal.distance          event("pickup:key") && !carrying.key
 *
 * Names: `x` and `next.x` are feature x of the state reached (s′), `prev.x`
 * of the state acted from (s); `action` (or `action[k]`), `reward` (the
 * environment's own reward), `terminated`, `truncated`, and `time` (steps of
 * the whole vector so far: for rewards that change over training).
 */
export type Node =
  | { kind: "number"; value: number; at: number }
  | { kind: "bool"; value: boolean; at: number }
  | { kind: "feature"; name: string; when: "prev" | "next"; at: number }
  | { kind: "var"; name: "action" | "reward" | "terminated" | "truncated" | "time"; index: number; at: number }
  | { kind: "event"; name: string; at: number }
  | { kind: "prop"; name: string; at: number }
  | { kind: "unary"; op: "-" | "!"; arg: Node; at: number }
  | { kind: "binary"; op: BinaryOp; left: Node; right: Node; at: number }
  | { kind: "call"; fn: string; args: Node[]; at: number };

export type BinaryOp = "+" | "-" | "*" | "/" | "%" | "^" | "<" | "<=" | ">" | ">=" | "==" | "!=" | "&&" | "||";

export type Type = "number" | "bool";

/** The functions expressions may call, with their arity (min, max). */
export const FUNCTIONS: Record<string, [number, number]> = {
  min: [2, 16],
  max: [2, 16],
  abs: [1, 1],
  sign: [1, 1],
  clip: [3, 3],
  exp: [1, 1],
  log: [1, 1],
  sqrt: [1, 1],
  sigmoid: [1, 1],
  tanh: [1, 1],
  floor: [1, 1],
  if: [3, 3],
  event: [1, 1],
};

/** Every feature name an expression reads, with whether it reads s, s′ or both. */
export function featuresOf(node: Node, out = new Map<string, Set<"prev" | "next">>()): Map<string, Set<"prev" | "next">> {
  walk(node, (n) => {
    if (n.kind === "feature") {
      if (!out.has(n.name)) out.set(n.name, new Set());
      out.get(n.name)!.add(n.when);
    }
  });
  return out;
}

export function walk(node: Node, visit: (n: Node) => void): void {
  visit(node);
  if (node.kind === "unary") walk(node.arg, visit);
  else if (node.kind === "binary") {
    walk(node.left, visit);
    walk(node.right, visit);
  } else if (node.kind === "call") for (const a of node.args) walk(a, visit);
}
