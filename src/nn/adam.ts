/**
 * Adam (Kingma & Ba 2015) as PyTorch writes it, and clipping by global norm:
 * p ← p − lr·(m/(1−β1^t)) / (√(v/(1−β2^t)) + ε). Pure functions over
 * parameter trees; they consume their inputs and return new ones.
 */
import { np, tree, type JaxArray } from "./jax.js";

export interface AdamState<P> {
  m: P;
  v: P;
  /**
   * β1^t and β2^t as 1-element arrays, updated by multiplication: jax-js's
   * `power` is only accurate to ~1e-5, which 1 − β2^t would amplify a hundredfold.
   */
  beta1Power: JaxArray;
  beta2Power: JaxArray;
}

export interface AdamConfig {
  beta1: number;
  beta2: number;
  eps: number;
}

export const ADAM_DEFAULTS: AdamConfig = { beta1: 0.9, beta2: 0.999, eps: 1e-5 };

/** Zero moments shaped like `params` (consumed: pass `tree.ref(params)` to keep them). */
export function adamInit<P>(params: P): AdamState<P> {
  const zeros = () => tree.map((p: JaxArray) => np.zeros(p.shape), params as never) as P;
  const state = { m: zeros(), v: zeros(), beta1Power: np.ones([1]), beta2Power: np.ones([1]) };
  tree.dispose(params as never);
  return state;
}

/** One Adam step with learning rate `lr` (a scalar array, so schedules need no recompilation). */
export function adamUpdate<P>(params: P, grads: P, state: AdamState<P>, lr: JaxArray, config: AdamConfig = ADAM_DEFAULTS): [P, AdamState<P>] {
  const { beta1, beta2, eps } = config;
  const beta1Power = state.beta1Power.mul(beta1);
  const beta2Power = state.beta2Power.mul(beta2);
  const bc1 = np.subtract(1, beta1Power.ref);
  const bc2 = np.subtract(1, beta2Power.ref);
  const pl = tree.leaves(params as never) as JaxArray[];
  const gl = tree.leaves(grads as never) as JaxArray[];
  const ml = tree.leaves(state.m as never) as JaxArray[];
  const vl = tree.leaves(state.v as never) as JaxArray[];
  const [, def] = tree.flatten(params as never);
  const newP: JaxArray[] = [];
  const newM: JaxArray[] = [];
  const newV: JaxArray[] = [];
  for (let i = 0; i < pl.length; i++) {
    const g = gl[i];
    const m = ml[i].mul(beta1).add(g.ref.mul(1 - beta1));
    const v = vl[i].mul(beta2).add(g.ref.mul(g).mul(1 - beta2));
    const mHat = m.ref.div(bc1.ref);
    const vHat = v.ref.div(bc2.ref);
    newP.push(pl[i].sub(lr.ref.mul(mHat).div(np.sqrt(vHat).add(eps))));
    newM.push(m);
    newV.push(v);
  }
  bc1.dispose();
  bc2.dispose();
  lr.dispose();
  return [tree.unflatten(def, newP) as P, { m: tree.unflatten(def, newM) as P, v: tree.unflatten(def, newV) as P, beta1Power, beta2Power }];
}

/** Scales gradients so their global L2 norm is at most `maxNorm`; returns them and the norm before clipping. */
export function clipByGlobalNorm<P>(grads: P, maxNorm: number): [P, JaxArray] {
  const leaves = tree.leaves(grads as never) as JaxArray[];
  const [, def] = tree.flatten(grads as never);
  let sq: JaxArray | undefined;
  for (const g of leaves) {
    const s = g.ref.mul(g.ref).sum();
    sq = sq ? sq.add(s) : s;
  }
  const norm = np.sqrt(sq!);
  const scale = np.minimum(np.divide(maxNorm, norm.ref.add(1e-6)), 1);
  const clipped = leaves.map((g) => g.mul(scale.ref));
  scale.dispose();
  return [tree.unflatten(def, clipped) as P, norm];
}
