/**
 * `checkMachine`: structural problems of a reward machine that are legal
 * but almost surely mistakes, as a list of issues (an empty list: none).
 *
 * - `unreachable`: no path of edges leads from the initial state to it;
 * - `dead_end`: a non-terminal state with no edge to another state, so an
 *   episode that enters it can never finish the machine;
 * - `never_reached`: a terminal state no edge leads to.
 *
 * Conditions are not evaluated: an edge counts as takeable even if no
 * labelling can satisfy it.
 *
 * @example
 * checkMachine(spec.machine) // [{ code: "unreachable", state: "c", path: "machine.edges[1].from", message: "…" }]
 */
import { parseConfig } from "../../core/config.js";
import { joinPath } from "../../core/errors.js";
import { machineGraph } from "./graph.js";
import { MachineSpec, type MachineSpecInput } from "./spec.js";

export interface MachineIssue {
  readonly code: "unreachable" | "dead_end" | "never_reached";
  readonly state: string;
  /** Where the state is first named (`machine.edges[3].to`). */
  readonly path: string;
  readonly message: string;
}

/**
 * Checks a machine spec, parsed or not (a spec that does not parse throws
 * its `UserError`); `path` is where the spec sits (`reward.machine`).
 */
export function checkMachine(machine: MachineSpecInput | MachineSpec, path = "machine"): MachineIssue[] {
  const g = machineGraph(parseConfig(MachineSpec, machine, path));
  const n = g.states.length;
  // successors[u]: states one edge away ("*" edges leave every non-terminal state).
  const successors = g.states.map((_, u) => new Set(g.terminal[u] ? [] : g.edges.filter((e) => e.from === u || e.from === -1).map((e) => e.to)));
  const reached = new Uint8Array(n);
  const stack = [g.initial];
  reached[g.initial] = 1;
  while (stack.length > 0) {
    for (const v of successors[stack.pop()!]) {
      if (!reached[v]) {
        reached[v] = 1;
        stack.push(v);
      }
    }
  }
  const issues: MachineIssue[] = [];
  const issue = (code: MachineIssue["code"], u: number, message: string) =>
    issues.push({ code, state: g.states[u], path: joinPath(path, g.mentions[u]), message: `state ${JSON.stringify(g.states[u])} ${message}` });
  for (let u = 0; u < n; u++) {
    if (g.terminal[u]) {
      if (!g.edges.some((e) => e.to === u)) issue("never_reached", u, "is terminal but no edge leads to it");
      else if (!reached[u]) issue("unreachable", u, `is terminal but cannot be reached from the initial state ${JSON.stringify(g.states[g.initial])}`);
      continue;
    }
    if (!reached[u]) issue("unreachable", u, `cannot be reached from the initial state ${JSON.stringify(g.states[g.initial])}`);
    if (![...successors[u]].some((v) => v !== u)) issue("dead_end", u, "is not terminal and has no edge to another state: an episode that enters it cannot finish the machine");
  }
  return issues;
}
