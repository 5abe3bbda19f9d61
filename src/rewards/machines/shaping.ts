/**
 * Automated reward shaping for reward machines (Toro Icarte et al., JAIR
 * 2022, §5): treat the machine as an MDP in which any outgoing edge can be
 * taken in one step, solve it by value iteration,
 *
 *   V(u) = max over edges u → u′ of (r + γ·V(u′)),   V(terminal) = 0,
 *
 * and use V as a potential: the spec's `{kind: potential, phi: "rm.potential"}`
 * pays F = γ·V(u′) − V(u), which keeps the optimal policy (Ng et al. 1999).
 * A state with no outgoing edge has V = 0.
 *
 * Sign: with Φ = V, taking an edge the machine's MDP would take pays
 * r + F = 0 and every step spent in u costs (1 − γ)·V(u) — the shaping is
 * a per-step penalty for delay. Toro Icarte et al.'s code negates V
 * (Φ = −V); write `phi: "-rm.potential"` for that variant.
 */

/** The parts of a machine value iteration reads. */
export interface MachineTables {
  readonly terminal: ArrayLike<number>;
  readonly outgoing: readonly ArrayLike<number>[];
  readonly edges: readonly { readonly to: number; readonly reward: number }[];
}

/**
 * V(u) for every state, iterated until no value changes by more than
 * `tolerance` (γ < 1 makes this a contraction, so it converges).
 *
 * @example
 * machinePotentials(rm, 0.9) // Float64Array [V(u₀), V(u₁), …]
 */
export function machinePotentials(m: MachineTables, gamma: number, tolerance = 1e-12): Float64Array {
  if (!(gamma >= 0 && gamma < 1)) throw new RangeError(`gamma: expected a number in [0, 1), got ${gamma}`);
  const n = m.outgoing.length;
  let v = new Float64Array(n);
  let next = new Float64Array(n);
  for (let iter = 0; iter < 100_000; iter++) {
    let delta = 0;
    for (let u = 0; u < n; u++) {
      const out = m.outgoing[u];
      let best = 0;
      if (!m.terminal[u] && out.length > 0) {
        best = -Infinity;
        for (let j = 0; j < out.length; j++) {
          const e = m.edges[out[j]];
          // V(u) = max_e r_e + γ·V(u′_e)
          best = Math.max(best, e.reward + gamma * v[e.to]);
        }
      }
      next[u] = best;
      delta = Math.max(delta, Math.abs(best - v[u]));
    }
    [v, next] = [next, v];
    if (delta <= tolerance) break;
  }
  return v;
}
