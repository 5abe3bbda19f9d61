/**
 * PPO's loss and update as pure array functions (for jit and vmap): the
 * clipped surrogate, the clipped value loss and the entropy bonus, their
 * gradient, clipping by global norm and one Adam step; and a stack of such
 * updates run in turn, which is what one jitted call of the learner does.
 */
import { flatAdamUpdate, type FlatAdamState } from "../nn/adam.js";
import { categoricalEntropy, categoricalLogProb, gaussianEntropy, gaussianLogProb } from "../nn/distributions.js";
import { np, tree, valueAndGrad, type JaxArray } from "../nn/jax.js";
import { mlpForward } from "../nn/mlp.js";
import type { ActorCriticParams, ActorCriticShape } from "./actor-critic.js";

/** The statistics each update returns, in order. */
export const STAT_KEYS = ["loss", "gradNorm", "pgLoss", "vLoss", "entropy", "approxKl", "clipFrac"] as const;

/** A minibatch (or, stacked on a leading axis, several). Discrete actions come one-hot. */
export interface Minibatch {
  obs: JaxArray;
  actions: JaxArray;
  oldLogProb: JaxArray;
  advantages: JaxArray;
  returns: JaxArray;
  oldValues: JaxArray;
}

export interface PpoLossConfig {
  clipCoef: number;
  clipVloss: boolean;
  entCoef: number;
  vfCoef: number;
  maxGradNorm: number;
}

/** (params, Adam state, minibatch, learning rate) → (params, Adam state, statistics in STAT_KEYS order); consumes its inputs. */
export type PpoUpdate = (p: ActorCriticParams, opt: FlatAdamState, b: Minibatch, lr: JaxArray) => [ActorCriticParams, FlatAdamState, JaxArray];

// ── LOSS ───────────────────────────────────────────────────────────────────
export function ppoUpdate(config: PpoLossConfig, shape: ActorCriticShape): PpoUpdate {
  const { clipCoef, clipVloss, entCoef, vfCoef, maxGradNorm } = config;
  const { activation, discrete } = shape;
  const loss = (p: ActorCriticParams, b: Minibatch): [JaxArray, Record<string, JaxArray>] => {
    const out = mlpForward(p.actor, b.obs.ref, activation);
    const newValue = mlpForward(p.critic, b.obs, activation).reshape([-1]);
    let newLogProb: JaxArray;
    let entropy: JaxArray;
    if (discrete) {
      newLogProb = categoricalLogProb(out.ref, b.actions);
      entropy = categoricalEntropy(out).mean();
    } else {
      newLogProb = gaussianLogProb(out, p.logStd!.ref, b.actions);
      entropy = gaussianEntropy(p.logStd!);
    }
    // r(θ) = π_θ(a|s) / π_old(a|s)
    const logRatio = newLogProb.sub(b.oldLogProb);
    const ratio = np.exp(logRatio.ref);
    // L^CLIP = E[max(−A·r, −A·clip(r, 1−ε, 1+ε))]
    const pgLoss1 = b.advantages.ref.neg().mul(ratio.ref);
    const pgLoss2 = b.advantages.neg().mul(np.clip(ratio.ref, 1 - clipCoef, 1 + clipCoef));
    const pgLoss = np.maximum(pgLoss1, pgLoss2).mean();
    // L^V = ½·E[max((V − R)², (V_old + clip(V − V_old, −ε, ε) − R)²)]
    const vUnclipped = newValue.ref.sub(b.returns.ref);
    const vLossUnclipped = vUnclipped.ref.mul(vUnclipped);
    let vLoss: JaxArray;
    if (clipVloss) {
      const vClipped = b.oldValues.ref.add(np.clip(newValue.sub(b.oldValues), -clipCoef, clipCoef)).sub(b.returns);
      vLoss = np.maximum(vLossUnclipped, vClipped.ref.mul(vClipped)).mean().mul(0.5);
    } else {
      newValue.dispose();
      b.oldValues.dispose();
      b.returns.dispose();
      vLoss = vLossUnclipped.mean().mul(0.5);
    }
    const total = pgLoss.ref.sub(entropy.ref.mul(entCoef)).add(vLoss.ref.mul(vfCoef));
    // Diagnostics: approx KL = E[(r − 1) − log r] (Schulman's k3 estimator), clip fraction.
    const approxKl = ratio.ref.sub(1).sub(logRatio).mean();
    const clipFrac = np.greater(np.abs(ratio.sub(1)), clipCoef).astype(np.float32).mean();
    return [total, { pgLoss, vLoss, entropy, approxKl, clipFrac }];
  };
  // ── UPDATE ───────────────────────────────────────────────────────────────
  return (p: ActorCriticParams, opt: FlatAdamState, b: Minibatch, lr: JaxArray): [ActorCriticParams, FlatAdamState, JaxArray] => {
    const [[value, aux], grads] = valueAndGrad(loss, { hasAux: true })(tree.ref(p), b) as unknown as [[JaxArray, Record<string, JaxArray>], ActorCriticParams];
    const [p2, opt2, gradNorm] = flatAdamUpdate(p, grads, opt, lr, maxGradNorm);
    // One array of statistics: one read per update instead of seven.
    const stats = np.stack(STAT_KEYS.map((k) => (k === "loss" ? value : k === "gradNorm" ? gradNorm : aux[k]).reshape([])));
    return [p2, opt2, stats];
  };
}

/** Runs a minibatch update over each minibatch of a stack (leading axis) in turn; returns the statistics stacked. */
export function stackedUpdates(update: PpoUpdate): PpoUpdate {
  return (p: ActorCriticParams, opt: FlatAdamState, stack: Minibatch, lr: JaxArray): [ActorCriticParams, FlatAdamState, JaxArray] => {
    const stats: JaxArray[] = [];
    const count = stack.obs.shape[0];
    for (let u = 0; u < count; u++) {
      const b = Object.fromEntries(Object.entries(stack).map(([key, x]) => [key, (x as JaxArray).ref.slice(u)])) as unknown as Minibatch;
      const [p2, opt2, s] = update(p, opt, b, lr.ref);
      [p, opt] = [p2, opt2];
      stats.push(s);
    }
    tree.dispose(stack as never);
    lr.dispose();
    return [p, opt, np.stack(stats)];
  };
}


/** Minibatches as plain arrays: `count` minibatches of `size` rows, one after another; discrete actions one-hot. */
export interface HostMinibatches {
  count: number;
  size: number;
  obsCols: number;
  actionCols: number;
  obs: Float32Array;
  actions: Float32Array;
  logp: Float32Array;
  adv: Float32Array;
  ret: Float32Array;
  val: Float32Array;
}

export function hostMinibatches(count: number, size: number, obsCols: number, actionCols: number): HostMinibatches {
  const rows = count * size;
  const column = () => new Float32Array(rows);
  return { count, size, obsCols, actionCols, obs: new Float32Array(rows * obsCols), actions: new Float32Array(rows * actionCols), logp: column(), adv: column(), ret: column(), val: column() };
}

/** Minibatches first … first + count − 1 of `h` (views, not copies). */
export function part(h: HostMinibatches, first: number, count: number): HostMinibatches {
  if (first === 0 && count >= h.count) return h;
  const n = Math.min(count, h.count - first);
  const rows = (a: Float32Array, cols: number) => a.subarray(first * h.size * cols, (first + n) * h.size * cols);
  return { ...h, count: n, obs: rows(h.obs, h.obsCols), actions: rows(h.actions, h.actionCols), logp: rows(h.logp, 1), adv: rows(h.adv, 1), ret: rows(h.ret, 1), val: rows(h.val, 1) };
}

/** Uploads minibatches to jax-js, shaped [...leading, count, size, …]: one part per index of `leading` (seeds), or one part and no leading axes. */
export function uploadMinibatches(parts: readonly HostMinibatches[], leading: readonly number[]): Minibatch {
  const { count, size, obsCols, actionCols } = parts[0];
  const join = (pick: (h: HostMinibatches) => Float32Array): Float32Array => {
    if (parts.length === 1) return pick(parts[0]);
    const one = pick(parts[0]).length;
    const out = new Float32Array(one * parts.length);
    parts.forEach((h, k) => out.set(pick(h), k * one));
    return out;
  };
  const shape = [...leading, count, size];
  return {
    obs: np.array(join((h) => h.obs)).reshape([...shape, obsCols]),
    actions: np.array(join((h) => h.actions)).reshape([...shape, actionCols]),
    oldLogProb: np.array(join((h) => h.logp)).reshape(shape),
    advantages: np.array(join((h) => h.adv)).reshape(shape),
    returns: np.array(join((h) => h.ret)).reshape(shape),
    oldValues: np.array(join((h) => h.val)).reshape(shape),
  };
}

/** Running sums of update statistics (rows in STAT_KEYS order), summed in update order. */
export class UpdateStats {
  private readonly sums: Record<string, number> = {};
  private count = 0;

  /** Adds rows of statistics (a multiple of STAT_KEYS.length values). */
  add(values: Float32Array): void {
    for (let row = 0; row < values.length; row += STAT_KEYS.length) {
      STAT_KEYS.forEach((key, j) => (this.sums[key] = (this.sums[key] ?? 0) + values[row + j]));
      this.count++;
    }
  }

  mean(key: (typeof STAT_KEYS)[number]): number {
    return this.sums[key] / this.count;
  }
}
