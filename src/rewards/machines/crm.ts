/**
 * Counterfactual experiences for reward machines (CRM, Toro Icarte et al.,
 * JAIR 2022, §4.2): one environment transition s →a→ s′ with labels L is a
 * transition of the product from ⟨s, u⟩ for *every* machine state u, since
 * the labels do not depend on u. An off-policy learner adds all of them:
 *
 *   ⟨s, u⟩, a, r_u, ⟨s′, δ(u, L)⟩   for each u,
 *
 * where r_u is the machine reward of that edge (the environment's own reward
 * and any term that does not read `rm.*` are the same for every u). A state
 * of the counterfactual is the observation with its one-hot part set to u.
 *
 * @example
 * const cf = counterfactualBuffers(rm.numStates);
 * product.counterfactuals(cf);    // after a step: cf.next[u], cf.reward[u], cf.terminal[u]
 */
import { UserError } from "../../core/errors.js";
import type { MachineRun, RewardMachine } from "./machine.js";

export interface Counterfactuals {
  /** next[o + u]: δ(u, L), the machine state after the last step had it started in u. */
  readonly next: Int32Array;
  /** reward[o + u]: the machine reward of that transition. */
  readonly reward: Float64Array;
  /** terminal[o + u]: 1 if the episode would have ended (the environment terminated, or δ(u, L) is terminal). */
  readonly terminal: Uint8Array;
}

/** Buffers for the counterfactuals of `rows` environments of a machine with `numStates` states (row i at offset i·numStates). */
export function counterfactualBuffers(numStates: number, rows = 1): Counterfactuals {
  return { next: new Int32Array(numStates * rows), reward: new Float64Array(numStates * rows), terminal: new Uint8Array(numStates * rows) };
}

/**
 * Writes, for every state u, the counterfactual of row `i` of `run` (whose
 * proposition columns hold the last step's labels) at `out[offset + u]`.
 * From a terminal u (where the machine never steps) it is (u, 0, terminal).
 */
export function writeCounterfactuals(machine: RewardMachine, run: MachineRun, i: number, envTerminated: boolean, out: Counterfactuals, offset = 0): void {
  const { terminal, edges } = machine;
  for (let u = 0; u < machine.numStates; u++) {
    let next = u;
    let reward = 0;
    if (!terminal[u]) {
      const k = run.fire(u, i);
      if (k >= 0) {
        next = edges[k].to;
        reward = edges[k].reward;
      }
    }
    out.next[offset + u] = next;
    out.reward[offset + u] = reward;
    out.terminal[offset + u] = envTerminated || terminal[next] ? 1 : 0;
  }
}

/**
 * The counterfactuals of every environment of a vector of machine products
 * (row i at offset i·numStates of `out`, which `counterfactualBuffers(numStates, n)` makes).
 */
export function vectorCounterfactuals(cores: readonly unknown[], numStates: number, out: Counterfactuals): void {
  if (out.next.length < cores.length * numStates) throw new UserError("counterfactuals", `expected buffers for ${cores.length} × ${numStates} transitions, got ${out.next.length}`);
  for (let i = 0; i < cores.length; i++) {
    const core = cores[i] as { counterfactuals?: (out: Counterfactuals, offset: number) => void };
    if (typeof core.counterfactuals !== "function") throw new UserError("counterfactuals", `environment ${i} is not wrapped in a reward machine; give the spec a machine`);
    core.counterfactuals(out, i * numStates);
  }
}
