/**
 * Optimizer states as plain data, for checkpoints: every moment read out of
 * jax-js and written back, so a resumed optimizer takes the very same steps.
 */
import type { AdamState } from "./adam.js";
import { np, tree, type JaxArray } from "./jax.js";

/** A jax-js tree's leaves as numbers, in `tree.leaves` order. */
export function treeToJson(t: unknown): number[][] {
  return (tree.leaves(t as never) as JaxArray[]).map((leaf) => Array.from(leaf.ref.dataSync() as Float32Array));
}

/** A tree shaped like `like` (whose leaves are kept) holding `leaves`. */
export function treeFromJson<P>(leaves: number[][], like: P): P {
  const [shapes, def] = tree.flatten(like as never) as unknown as [JaxArray[], unknown];
  return tree.unflatten(def as never, shapes.map((leaf, k) => np.array(Float32Array.from(leaves[k])).reshape(leaf.shape)) as never) as P;
}

const scalar = (a: JaxArray) => (a.ref.dataSync() as Float32Array)[0];

/** Adam's moments over all parameters flattened in one order, and β1^t, β2^t. */
export interface FlatAdamJson {
  m: number[];
  v: number[];
  beta1Power: number;
  beta2Power: number;
}

export interface AdamJson {
  m: number[][];
  v: number[][];
  beta1Power: number;
  beta2Power: number;
}

export function adamToJson<P>(opt: AdamState<P>): AdamJson {
  return { m: treeToJson(opt.m), v: treeToJson(opt.v), beta1Power: scalar(opt.beta1Power), beta2Power: scalar(opt.beta2Power) };
}

/** Restores moments shaped like `like` (the current state, which is disposed). */
export function adamFromJson<P>(s: AdamJson, like: AdamState<P>): AdamState<P> {
  const state = { m: treeFromJson(s.m, like.m), v: treeFromJson(s.v, like.v), beta1Power: np.array(Float32Array.of(s.beta1Power)), beta2Power: np.array(Float32Array.of(s.beta2Power)) };
  tree.dispose(like as never);
  return state;
}
