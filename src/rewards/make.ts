/**
 * `makeRewarded`: a spec and an environment id in, a `RewardedVector` out.
 * When the spec has a `machine`, every environment is wrapped in its
 * product with the machine first, so terms can read `rm.reward`,
 * `rm.potential` and `rm.state` like any feature:
 *
 * ```yaml
 * terms:
 *   - {name: machine, kind: expression, expr: "rm.reward", role: primary}
 *   - {name: shaping, kind: potential, phi: "rm.potential", gamma: 0.9}
 * machine: {ltl: "key then door then goal & G !lava", propositions: {…}}
 * ```
 *
 * @example
 * const rv = makeRewarded("DoorKey-8x8", 64, parseConfigText(readFileSync("examples/rewards/doorkey-ltl.yaml", "utf8")));
 * rv.reset(0);
 * rv.step(actions); // rv.rewards, rv.reward.terms …
 */
import { UserError } from "../core/errors.js";
import type { EnvCore } from "../envs/core.js";
import { createCore, envSpec } from "../envs/registry.js";
import { VectorEnv } from "../envs/vector.js";
import { compileMachine } from "./machines/machine.js";
import { MachineProduct, machineScope } from "./machines/product.js";
import { RewardedVector } from "./rewarded.js";
import { parseRewardSpec, type RewardSpecInput } from "./spec.js";

export interface MakeRewardedOptions {
  /** Keyword arguments over the registered variant's (`{ size: 6 }`). */
  kwargs?: Record<string, unknown>;
  /** Draw episodes from these layout seeds only, in turn (one seed: the same layout every episode). */
  layoutSeeds?: readonly number[];
}

/** n environments of `id` with the reward of `spec` (wrapped in the spec's reward machine, if any). */
export function makeRewarded(id: string, n: number, spec: RewardSpecInput | unknown, options: MakeRewardedOptions = {}): RewardedVector {
  if (!Number.isInteger(n) || n < 1) throw new UserError("n", `expected a positive integer, got ${n}`);
  const parsed = parseRewardSpec(spec, "reward");
  let cores: EnvCore[] = Array.from({ length: n }, () => createCore(id, options.kwargs));
  const { layoutSeeds } = options;
  // Environment i starts at layout i, so a vector covers the set from its first episodes.
  if (layoutSeeds) cores.forEach((core, i) => core.fixLayouts(layoutSeeds, i));
  if (parsed.machine) {
    const machine = compileMachine(parsed.machine, machineScope(cores[0]), "reward.machine");
    cores = cores.map((core) => new MachineProduct(core, machine));
  }
  return new RewardedVector(new VectorEnv(envSpec(id).id, cores), parsed);
}
