/**
 * The schema of a reward machine in a reward spec (Toro Icarte et al.,
 * "Reward Machines: Exploiting Reward Function Structure in RL", JAIR 2022):
 * either explicit edges or an LTLf formula, over named propositions.
 *
 * ```yaml
 * machine:
 *   initial: start
 *   terminal: [done, failed]
 *   propositions: {key: 'event("pickup:key")', door: 'event("open:door")', goal: 'event("reach:goal")', lava: 'event("enter:lava")'}
 *   edges:
 *     - {from: start, to: has_key, when: "key", reward: 0.1}
 *     - {from: has_key, to: door_open, when: "door", reward: 0.1}
 *     - {from: door_open, to: done, when: "goal", reward: 1}
 *     - {from: "*", to: failed, when: "lava", reward: 0}
 * ```
 * or `ltl: "key then door then goal & G !lava"` with the same propositions.
 *
 * Semantics: each environment step, the edges leaving the current state
 * (in order; a `"*"` edge leaves every non-terminal state) are tried, and
 * the first whose condition holds is taken, paying its reward; if none
 * holds the machine stays and pays 0. Reaching a terminal state ends the episode.
 *
 * Structure is checked when the spec is parsed (unknown states, edges from
 * terminal states, bad conditions, formulas outside the LTLf fragment);
 * propositions are checked against the environment when it is wrapped.
 */
import { UserError } from "../../core/errors.js";
import { machineGraph } from "./graph.js";
import { MachineShape, type MachineSpec as MachineFields } from "./shape.js";

export type MachineSpec = MachineFields;
export type { MachineSpecInput } from "./shape.js";

/** The machine schema; its refinement builds the graph so structural errors carry their path. */
export const MachineSpec = MachineShape.superRefine((spec, ctx) => {
  try {
    machineGraph(spec);
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    ctx.addIssue({ code: "custom", path: splitPath(e.path), message: e.problem, input: spec });
  }
});

/** `edges[2].when` → ["edges", 2, "when"]. */
function splitPath(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : m[1]);
  return out;
}
