/**
 * PPO's loss on one minibatch and its gradient with respect to the
 * networks' outputs (the actor's logits or means, the critic's values, the
 * Gaussian log σ), written out by hand: the networks' own backward pass
 * (nn/wasm/dense-nets.ts) takes it from there. CleanRL's ppo.py:
 *
 *   r = π_θ(a|s) / π_old(a|s)
 *   L^CLIP = E[max(−A·r, −A·clip(r, 1−ε, 1+ε))]
 *   L^V    = ½·E[max((V − R)², (V_old + clip(V − V_old, −ε, ε) − R)²)]   (or ½·E[(V − R)²])
 *   L      = L^CLIP − c_ent·E[H(π_θ(·|s))] + c_v·L^V
 *
 * Where max() or clip() ties, the gradient is split as PyTorch's autograd
 * splits it (half to each side; clip passes the gradient at its bounds), so
 * this is the gradient ppo.py's backward computes. ppo-loss.test.ts checks
 * it against jax-js autodiff of the same loss.
 */

export interface PpoLossConfig {
  clipCoef: number;
  clipVloss: boolean;
  entCoef: number;
  vfCoef: number;
}

/** One minibatch, row-major: actions are indices (discrete) or rows of `actionDim` floats. */
export interface PpoMinibatch {
  rows: number;
  actions: Int32Array | Float32Array;
  oldLogProb: Float32Array;
  advantages: Float32Array;
  returns: Float32Array;
  oldValues: Float32Array;
}

/** The networks' outputs for the minibatch's rows, and where their gradients go (same layouts). */
export interface PpoOutputs {
  discrete: boolean;
  actionDim: number;
  /** Actor output: logits or Gaussian means, `actorWidth` floats per row (padding after actionDim). */
  actor: Float32Array;
  actorWidth: number;
  /** Critic output: V(s) in column 0 of `criticWidth` floats per row. */
  critic: Float32Array;
  criticWidth: number;
  /** Gaussian policies: log σ per action dimension. */
  logStd?: Float32Array;
  dActor: Float32Array;
  dCritic: Float32Array;
  dLogStd?: Float32Array;
}

/** The statistics `ppoLoss` writes, in order. */
export const LOSS_STATS = ["loss", "pgLoss", "vLoss", "entropy", "approxKl", "clipFrac"] as const;

const LOG_2PI = Math.log(2 * Math.PI);

/** max(a, b)'s derivative with respect to a: 1, 0, or ½ on a tie. */
const maxWeight = (a: number, b: number) => (a > b ? 1 : a < b ? 0 : 0.5);

/**
 * Writes ∂L/∂outputs into `out.dActor`, `out.dCritic` (and `out.dLogStd`),
 * padding columns zero, and L's parts into `stats` (LOSS_STATS order).
 */
export function ppoLoss(config: PpoLossConfig, b: PpoMinibatch, out: PpoOutputs, stats: Float64Array): void {
  const { clipCoef: eps, clipVloss, entCoef, vfCoef } = config;
  const { rows: n, actions } = b;
  const { discrete, actionDim: A, actor, actorWidth, critic, criticWidth, dActor, dCritic } = out;
  dActor.fill(0, 0, n * actorWidth);
  dCritic.fill(0, 0, n * criticWidth);
  let pgLoss = 0;
  let vLoss = 0;
  let entropy = 0;
  let approxKl = 0;
  let clipFrac = 0;
  // Gaussian policies: σ per dimension, and Σ_i ∂L/∂log σ accumulated over rows.
  const logStd = out.logStd;
  const dLogStd = out.dLogStd;
  if (!discrete) dLogStd!.fill(0);
  for (let i = 0; i < n; i++) {
    const row = i * actorWidth;
    // log π(a|s) and the entropy of π(·|s).
    let logp: number;
    let max = -Infinity;
    let logZ = 0;
    let h: number;
    if (discrete) {
      for (let k = 0; k < A; k++) max = Math.max(max, actor[row + k]);
      let z = 0;
      for (let k = 0; k < A; k++) z += Math.exp(actor[row + k] - max);
      logZ = max + Math.log(z);
      h = 0;
      for (let k = 0; k < A; k++) {
        const lp = actor[row + k] - logZ;
        h -= Math.exp(lp) * lp;
      }
      logp = actor[row + actions[i]] - logZ;
    } else {
      logp = 0;
      h = 0;
      for (let d = 0; d < A; d++) {
        const z = (actions[i * A + d] - actor[row + d]) * Math.exp(-logStd![d]);
        logp += -0.5 * z * z - logStd![d] - 0.5 * LOG_2PI;
        h += logStd![d] + 0.5 * (LOG_2PI + 1);
      }
    }
    entropy += h;
    // Clipped surrogate.
    const logRatio = logp - b.oldLogProb[i];
    const r = Math.exp(logRatio);
    const adv = b.advantages[i];
    const clipped = Math.min(Math.max(r, 1 - eps), 1 + eps);
    const pg1 = -adv * r;
    const pg2 = -adv * clipped;
    pgLoss += Math.max(pg1, pg2);
    approxKl += r - 1 - logRatio;
    if (Math.abs(r - 1) > eps) clipFrac++;
    const inside = r >= 1 - eps && r <= 1 + eps ? 1 : 0;
    // ∂L^CLIP/∂log π(a|s) for this row (r = exp(log π − log π_old)).
    const w = maxWeight(pg1, pg2);
    const dLogp = (-adv * r * (w + (1 - w) * inside)) / n;
    // Into the actor's outputs: ∂log π/∂logits and −c_ent·∂H/∂logits, or ∂log π/∂μ and ∂/∂log σ.
    if (discrete) {
      for (let k = 0; k < A; k++) {
        const lp = actor[row + k] - logZ;
        const p = Math.exp(lp);
        dActor[row + k] = dLogp * ((k === actions[i] ? 1 : 0) - p) + (entCoef / n) * p * (lp + h);
      }
    } else {
      for (let d = 0; d < A; d++) {
        const sigma = Math.exp(logStd![d]);
        const z = (actions[i * A + d] - actor[row + d]) / sigma;
        dActor[row + d] = (dLogp * z) / sigma;
        dLogStd![d] += dLogp * (z * z - 1);
      }
    }
    // Value loss.
    const v = critic[i * criticWidth];
    const ret = b.returns[i];
    const unclipped = (v - ret) ** 2;
    let dV: number;
    if (clipVloss) {
      const old = b.oldValues[i];
      const vClipped = old + Math.min(Math.max(v - old, -eps), eps);
      const clippedLoss = (vClipped - ret) ** 2;
      vLoss += Math.max(unclipped, clippedLoss);
      const wu = maxWeight(unclipped, clippedLoss);
      const passes = v - old >= -eps && v - old <= eps ? 1 : 0;
      dV = wu * 2 * (v - ret) + (1 - wu) * 2 * (vClipped - ret) * passes;
    } else {
      vLoss += unclipped;
      dV = 2 * (v - ret);
    }
    dCritic[i * criticWidth] = (vfCoef * 0.5 * dV) / n;
  }
  // A Gaussian's entropy does not depend on the row: −c_ent·∂H/∂log σ = −c_ent per dimension.
  if (!discrete) for (let d = 0; d < A; d++) dLogStd![d] -= entCoef;
  pgLoss /= n;
  vLoss = (0.5 * vLoss) / n;
  entropy /= n;
  stats[0] = pgLoss - entCoef * entropy + vfCoef * vLoss;
  stats[1] = pgLoss;
  stats[2] = vLoss;
  stats[3] = entropy;
  stats[4] = approxKl / n;
  stats[5] = clipFrac / n;
}
