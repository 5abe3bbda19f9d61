import type { EnvCore } from "../envs/core.js";

/**
 * Generalized Advantage Estimation (Schulman et al. 2016), over a rollout
 * stored time-major: index t·n + i is step t of environment i.
 *
 *   δ_t = r_t + γ·V(s_{t+1})·(1 − d_t) − V(s_t)
 *   A_t = δ_t + γ·λ·(1 − d_t)·A_{t+1}
 *
 * d_t is 1 when step t ended the episode (terminated or truncated). A
 * truncated episode is not a terminal state: its value is bootstrapped by
 * adding γ·V(final observation) to r_t before calling this (see ppo.ts), so
 * the chain can still be cut at d_t.
 */
export function gae(
  rewards: Float32Array,
  values: Float32Array,
  dones: Uint8Array,
  lastValues: Float32Array,
  n: number,
  T: number,
  gamma: number,
  gaeLambda: number,
  advantages: Float32Array,
  returns: Float32Array,
): void {
  for (let i = 0; i < n; i++) {
    let lastGaeLam = 0;
    for (let t = T - 1; t >= 0; t--) {
      const k = t * n + i;
      const nextNonTerminal = 1 - dones[k];
      const nextValue = t === T - 1 ? lastValues[i] : values[k + n];
      const delta = rewards[k] + gamma * nextValue * nextNonTerminal - values[k];
      lastGaeLam = delta + gamma * gaeLambda * nextNonTerminal * lastGaeLam;
      advantages[k] = lastGaeLam;
      returns[k] = lastGaeLam + values[k];
    }
  }
}

/**
 * Hands each environment the advantages of its steps in the rollout (row i:
 * `advantages[t·n + i]`, t < T), for curricula that score tasks by them
 * (PLR's positive value loss). A view without environments of its own
 * (some agents' rows of a table) has none to hand them to.
 */
export function handBackAdvantages(vec: { readonly cores?: readonly EnvCore[] }, advantages: Float32Array, n: number, T: number): void {
  const cores = vec.cores;
  if (!cores) return;
  for (let i = 0; i < n; i++) cores[i].scoreSteps(advantages, i, n, T);
}
