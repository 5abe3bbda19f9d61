/**
 * The uniformly random policy that `reward check` and `reward explain` sample
 * with: the baseline every learned policy starts near, so what a reward pays
 * it is what a learner sees first.
 */
import { UserError } from "../core/errors.js";
import { Rng } from "../core/rng.js";
import { actionBuffer, sampleInto } from "../core/spaces.js";
import { didYouMean } from "../core/suggest.js";
import type { VectorEnv } from "../envs/vector.js";

/**
 * A policy for every environment of `vec`: each call fills and returns the
 * same action buffer with fresh uniform samples of the action space.
 *
 * @example
 * const act = randomPolicy(vec, 0);
 * vec.step(act());
 */
export function randomPolicy(vec: VectorEnv, seed: number): () => Int32Array | Float32Array {
  // A stream split off the seed, so the policy's draws differ from the environments' (seeded seed + i).
  const rng = new Rng(seed).split();
  const space = vec.actionSpace;
  const actions = actionBuffer(space, vec.n);
  return () => {
    for (let i = 0; i < vec.n; i++) sampleInto(space, rng, actions, i * vec.actionSize);
    return actions;
  };
}

/** The policies `--policy` accepts. */
export const POLICIES = ["random"] as const;

/** Throws a `UserError` naming the known policies unless `name` is one. */
export function checkPolicy(name: string, path = "--policy"): void {
  if ((POLICIES as readonly string[]).includes(name)) return;
  throw new UserError(path, `unknown policy ${JSON.stringify(name)}${didYouMean(name, POLICIES)}; only ${POLICIES.map((p) => JSON.stringify(p)).join(", ")} exists for now`);
}
