/**
 * Maximum-entropy inverse reinforcement learning (Ziebart et al. 2008) on
 * the exact tabular model of a small gridworld. The reward is linear in
 * state features, r(s) = θ·φ(s) (one-hot states by default, so θ is a reward
 * per state); the demonstrator is modelled as choosing paths with
 * probability ∝ exp(Σ_t r(s_t)), and θ climbs the likelihood of the
 * demonstrations, whose gradient is
 *
 *   ∇θ = μ_E − Σ_t Σ_s D_t(s) φ(s)
 *
 * μ_E the demonstrations' mean feature counts, D_t the state visitation
 * frequencies at step t of the soft-optimal policy for the current r (a
 * finite-horizon backward pass, then a forward pass from the
 * demonstrations' start states). Ending an episode leads to the absorbing
 * state, index S, which loops on itself; its reward is learned too.
 */
import type { TabularModel } from "../../envs/tabular.js";

export interface MaxEntOptions {
  /** Steps T of the finite horizon (demonstrations are padded with the absorbing state to T). */
  horizon: number;
  learningRate?: number;
  iterations?: number;
  /** φ(s) for s = 0 … S (S: absorbing), all of one length; default one-hot. */
  features?: readonly Float64Array[];
}

export interface MaxEntResult {
  /** θ. */
  theta: Float64Array;
  /** r(s) = θ·φ(s) for s = 0 … S (S: the absorbing state). */
  reward: Float64Array;
  /** ‖∇θ‖ per iteration: falls as expected and demonstrated features match. */
  gradientNorms: number[];
}

/** Successor of (s, a), with the absorbing state S after a terminating step and for every action from S. */
const successor = (m: TabularModel, s: number, a: number): number => (s === m.numStates ? s : m.terminal[s * m.numActions + a] ? m.numStates : m.next[s * m.numActions + a]);

export function maxEntIrl(model: TabularModel, demonstrations: readonly (readonly number[])[], options: MaxEntOptions): MaxEntResult {
  const { horizon: T, learningRate = 0.1, iterations = 200 } = options;
  const S1 = model.numStates + 1;
  const A = model.numActions;
  const phi = options.features ?? Array.from({ length: S1 }, (_, s) => Float64Array.from({ length: S1 }, (_, j) => (j === s ? 1 : 0)));
  const K = phi[0].length;
  // μ_E: feature counts of the demonstrations over T steps (padded with the absorbing state).
  const muE = new Float64Array(K);
  const start = new Float64Array(S1);
  for (const demo of demonstrations) {
    start[demo[0]] += 1 / demonstrations.length;
    for (let t = 0; t < T; t++) {
      const s = t < demo.length ? demo[t] : model.numStates;
      for (let k = 0; k < K; k++) muE[k] += phi[s][k] / demonstrations.length;
    }
  }
  const theta = new Float64Array(K);
  const r = new Float64Array(S1);
  const policy = Array.from({ length: T }, () => new Float64Array(S1 * A));
  const V = new Float64Array(S1);
  const Q = new Float64Array(A);
  const gradientNorms: number[] = [];
  for (let it = 0; it < iterations; it++) {
    for (let s = 0; s < S1; s++) r[s] = phi[s].reduce((acc, v, k) => acc + v * theta[k], 0);
    // Backward pass: soft values with t steps to go; π_t(a|s) = exp(Q − V).
    V.fill(0);
    const nextV = new Float64Array(S1);
    for (let t = T - 1; t >= 0; t--) {
      for (let s = 0; s < S1; s++) {
        let max = -Infinity;
        for (let a = 0; a < A; a++) {
          Q[a] = r[s] + (t + 1 < T ? V[successor(model, s, a)] : 0);
          if (Q[a] > max) max = Q[a];
        }
        let z = 0;
        for (let a = 0; a < A; a++) z += Math.exp(Q[a] - max);
        const v = max + Math.log(z);
        for (let a = 0; a < A; a++) policy[t][s * A + a] = Math.exp(Q[a] - v);
        nextV[s] = v;
      }
      V.set(nextV);
    }
    // Forward pass: D_t from the start distribution, accumulating expected feature counts.
    const expected = new Float64Array(K);
    let D = Float64Array.from(start);
    for (let t = 0; t < T; t++) {
      for (let s = 0; s < S1; s++) if (D[s] !== 0) for (let k = 0; k < K; k++) expected[k] += D[s] * phi[s][k];
      const next = new Float64Array(S1);
      for (let s = 0; s < S1; s++) {
        if (D[s] === 0) continue;
        for (let a = 0; a < A; a++) next[successor(model, s, a)] += D[s] * policy[t][s * A + a];
      }
      D = next;
    }
    let norm = 0;
    for (let k = 0; k < K; k++) {
      const g = muE[k] - expected[k];
      theta[k] += learningRate * g;
      norm += g * g;
    }
    gradientNorms.push(Math.sqrt(norm));
  }
  for (let s = 0; s < S1; s++) r[s] = phi[s].reduce((acc, v, k) => acc + v * theta[k], 0);
  return { theta, reward: r, gradientNorms };
}
