/**
 * PPO's networks as plain data: the actor and critic as true-shaped leaves
 * [W0, b0, W1, b1, …] (and a Gaussian policy's log σ), Adam's moments flat
 * in the same order, and Adam's step. Checkpoints and `continueFrom` use it.
 */
import type { Rng } from "../core/rng.js";
import type { DenseNets } from "../nn/wasm/dense-nets.js";
import type { ParamsJson, PpoState } from "./ppo-config.js";

/** The actor's index in its networks. */
const ACTOR = 0;

/** Where PPO keeps its networks: the actor (0) in `nets`, the critic at `criticK` in `criticNets`; `actionDim` when log σ is learned. */
export interface PpoNetworks {
  nets: DenseNets;
  criticNets: DenseNets;
  criticK: number;
  actionDim: number | undefined;
}

/** Actor and critic as true-shaped leaves of their parameters or a moment, and log σ. */
export function paramLeaves(n: PpoNetworks, which: "params" | "m" | "v"): ParamsJson {
  const actor = n.nets.leaves(ACTOR, n.nets[which]).map((l) => Array.from(l));
  const critic = n.criticNets.leaves(n.criticK, n.criticNets[which]).map((l) => Array.from(l));
  if (n.actionDim === undefined) return { actor, critic };
  return { actor, critic, logStd: Array.from(n.nets.extra(n.nets[which]).subarray(0, n.actionDim)) };
}

export function setPpoParams(n: PpoNetworks, p: ParamsJson): void {
  n.nets.setLeaves(ACTOR, p.actor);
  n.criticNets.setLeaves(n.criticK, p.critic);
  if (p.logStd) n.nets.extra().set(p.logStd);
}

export function ppoState(n: PpoNetworks, rng: Rng, globalStep: number, iteration: number): PpoState {
  // Moments flat, leaf after leaf (a loop: Array.prototype.flat was a tenth of a checkpoint's cost).
  const flat = (which: "m" | "v") => {
    const out: number[] = [];
    const leaves = [...n.nets.leaves(ACTOR, n.nets[which]), ...n.criticNets.leaves(n.criticK, n.criticNets[which])];
    if (n.actionDim !== undefined) leaves.push(n.nets.extra(n.nets[which]).subarray(0, n.actionDim));
    for (const leaf of leaves) for (let i = 0; i < leaf.length; i++) out.push(leaf[i]);
    return out;
  };
  const { beta1, beta2 } = n.nets.adam;
  const step = n.nets.step;
  return {
    params: paramLeaves(n, "params"),
    opt: { m: flat("m"), v: flat("v"), beta1Power: beta1 ** step, beta2Power: beta2 ** step, step },
    rng: rng.getState(),
    globalStep,
    iteration,
  };
}

/** Restores the parameters and Adam's moments and step of `ppoState` (the caller restores its stream and counters). */
export function loadPpoNetworks(n: PpoNetworks, s: PpoState): void {
  const { nets, criticNets, criticK } = n;
  setPpoParams(n, s.params);
  // Moments are stored flat, leaf after leaf in `params` order.
  const sizes = [...s.params.actor, ...s.params.critic, ...(s.params.logStd ? [s.params.logStd] : [])].map((l) => l.length);
  const split = (flat: number[]) => {
    let at = 0;
    return sizes.map((count) => flat.slice(at, (at += count)));
  };
  for (const [which, flat] of [["m", s.opt.m], ["v", s.opt.v]] as const) {
    const leaves = split(flat);
    const actorCount = s.params.actor.length;
    nets.setLeaves(ACTOR, leaves.slice(0, actorCount), nets[which]);
    criticNets.setLeaves(criticK, leaves.slice(actorCount, actorCount + s.params.critic.length), criticNets[which]);
    if (s.params.logStd) nets.extra(nets[which]).set(leaves[leaves.length - 1]);
  }
  nets.step = s.opt.step ?? Math.round(Math.log(s.opt.beta1Power) / Math.log(nets.adam.beta1));
  criticNets.step = nets.step;
}
