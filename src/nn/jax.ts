/**
 * The one door to @jax-js/jax: the rest of rewardlab imports array code from
 * here, never from the library, so it can be swapped or patched in one place.
 *
 * Its memory model, in short: every array passed to a function is consumed
 * (pass `x.ref` to keep using it); reading a value (`dataSync`) frees it;
 * work is lazy until read. See `withScope`-free idioms in mlp.ts and adam.ts.
 */
// Reuse jax-js's kernel instances (see the file); must run before any kernel is dispatched.
import "./wasm-instance-cache.js";

export { numpy as np, nn as jnn, jit, valueAndGrad, grad, tree, vmap, type Array as JaxArray } from "@jax-js/jax";
