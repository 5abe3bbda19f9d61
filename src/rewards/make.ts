/**
 * The one way from a spec to what runs it: `makeRewarded` (a spec and an
 * environment id in, a `RewardedVector` out) and the pieces every consumer
 * shares, so training, check, explain and compare build the same program
 * on the same environment:
 *
 * - `prepareRewardSpec`: the spec parsed once (compiling it does not parse again);
 * - `resolveLearnedModels`: learned models named by path read into the spec (run configs);
 * - `rewardCores`: environments, each wrapped in its product with the
 *   spec's reward machine, when it has one, so terms can read `rm.reward`,
 *   `rm.potential` and `rm.state` like any feature:
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
import { isDeepStrictEqual } from "node:util";
import { joinPath, UserError } from "../core/errors.js";
import type { EnvCore } from "../envs/core.js";
import { createCores, envId } from "../envs/registry.js";
import { VectorEnv } from "../envs/vector.js";
import type { EnvInfo } from "./batch.js";
import { KINDS } from "./kinds/index.js";
import { readLearnedModel } from "./learned.js";
import { compileMachine } from "./machines/machine.js";
import { MachineProduct, machineScope } from "./machines/product.js";
import { compileReward, type RewardProgram } from "./program.js";
import { envInfoOf, RewardedVector } from "./rewarded.js";
import { isParsedRewardSpec, parseRewardSpec, type RewardSpec, type RewardSpecInput } from "./spec.js";

export interface MakeRewardedOptions {
  /** Keyword arguments over the registered variant's (`{ size: 6 }`). */
  kwargs?: Record<string, unknown>;
  /** Draw episodes from these layout seeds only, in turn (one seed: the same layout every episode). */
  layoutSeeds?: readonly number[];
  /** For evaluation episodes: modules that call out (ONI's annotator) stay silent. */
  evaluation?: boolean;
}

/** n environments of `id` with the reward of `spec` (wrapped in the spec's reward machine, if any). */
export function makeRewarded(id: string, n: number, spec: RewardSpecInput | unknown, options: MakeRewardedOptions = {}): RewardedVector {
  if (!Number.isInteger(n) || n < 1) throw new UserError("n", `expected a positive integer, got ${n}`);
  const parsed = prepareRewardSpec(spec, "reward");
  return rewardedOn(rewardCores(id, n, [parsed], options), id, parsed, "reward", options.evaluation);
}

/**
 * Rewarded vectors of several specs on environments that step alike (the
 * same product with a machine, when a spec has one): `reward compare`'s ERC
 * plays the same rollouts under each. `paths` name the specs in errors.
 */
export function makeRewardedAlike(id: string, n: number, specs: readonly unknown[], paths: readonly string[], options: MakeRewardedOptions = {}): RewardedVector[] {
  const parsed = specs.map((s, k) => prepareRewardSpec(s, paths[k]));
  return parsed.map((spec, k) => rewardedOn(rewardCores(id, n, parsed, options, paths), id, spec, paths[k]));
}

function rewardedOn(cores: EnvCore[], id: string, spec: RewardSpec, path: string, evaluation = false): RewardedVector {
  const vec = new VectorEnv(envId(id), cores);
  return new RewardedVector(vec, rewardProgram(spec, vec, path), evaluation);
}

/** A spec as `parseRewardSpec` returns it; one already parsed is taken as it is. */
export function prepareRewardSpec(spec: RewardSpecInput | unknown, path = "reward"): RewardSpec {
  return isParsedRewardSpec(spec) ? spec : parseRewardSpec(spec, path);
}

/** The program of a spec on the environment it runs on: `rewardCores`' (or a vector or core of them). */
export function rewardProgram(spec: RewardSpecInput | unknown, env: VectorEnv | EnvCore | EnvInfo, path = "reward"): RewardProgram {
  return compileReward(prepareRewardSpec(spec, path), envInfoOf(env), path);
}

/**
 * n environments of `id`, each wrapped in its product with the specs'
 * reward machine if they have one. Specs compared on one environment may
 * have one machine between them (or the same one); two different machines
 * do not nest.
 */
export function rewardCores(id: string, n: number, specs: readonly RewardSpec[], options: MakeRewardedOptions = {}, paths: readonly string[] = specs.map(() => "reward")): EnvCore[] {
  let cores: EnvCore[] = createCores(id, n, options.kwargs);
  const { layoutSeeds } = options;
  // Environment i starts at layout i, so a vector covers the set from its first episodes.
  if (layoutSeeds) cores.forEach((core, i) => core.fixLayouts(layoutSeeds, i));
  const withMachine = specs.map((s, k) => ({ machine: s.machine, path: paths[k] })).filter((s) => s.machine !== undefined);
  const first = withMachine[0];
  if (first) {
    const other = withMachine.find((s) => !isDeepStrictEqual(s.machine, first.machine));
    if (other) throw new UserError(joinPath(other.path, "machine"), `differs from ${joinPath(first.path, "machine")}: rewards run on one environment can share a reward machine, not combine two`);
    const machine = compileMachine(first.machine!, machineScope(cores[0]), joinPath(first.path, "machine"));
    cores = cores.map((core) => new MachineProduct(core, machine));
  }
  const success = cores[0].successEvent;
  if (success !== undefined && !cores[0].events.includes(success)) {
    throw new UserError("env.kwargs.goal", `${id}'s goal is its reward spec's machine (success is ${success}): give the reward a machine (edges or ltl), or use goal: task`);
  }
  return cores;
}

/**
 * A copy of a spec (as read, not yet parsed) whose `learned` terms hold
 * their model instead of its path, read relative to `baseDir`, so the spec
 * holds everything itself (a stored run is self-contained: run configs
 * come here). Paths are resolved in `readLearnedModel` only: here relative
 * to `baseDir`, and relative to the working folder for a path a spec still
 * names when it compiles.
 */
export function resolveLearnedModels(spec: unknown, baseDir: string, path = "reward"): unknown {
  const visit = (term: unknown, at: string): unknown => {
    if (term === null || typeof term !== "object" || Array.isArray(term)) return term;
    const t = term as { kind?: unknown; model?: unknown };
    if (t.kind === "learned" && typeof t.model === "string") return { ...t, model: readLearnedModel(t.model, baseDir, joinPath(at, "model")) };
    // Kinds that hold terms (combine): their children too.
    const field = typeof t.kind === "string" ? KINDS.get(t.kind)?.children : undefined;
    if (field === undefined) return term;
    const list = (term as Record<string, unknown>)[field];
    return Array.isArray(list) ? { ...t, [field]: list.map((c, i) => visit(c, joinPath(at, field, i))) } : term;
  };
  const s = spec as { terms?: unknown };
  return s && typeof s === "object" && Array.isArray(s.terms) ? { ...s, terms: s.terms.map((t, i) => visit(t, joinPath(path, "terms", i))) } : spec;
}

