/**
 * The reward modules a spec names as `{kind: intrinsic, module: NAME}`:
 * exploration bonuses (count-based, episodic, RND, E3B…) and rewards learned
 * online (adversarial imitation, progress attribution). A module sees whole
 * batches of transitions, keeps its own state across steps, and may train
 * between rollouts. The built-in ones are one list; users add their own with
 * `registerIntrinsic`.
 */
import { UserError } from "../core/errors.js";
import { didYouMean } from "../core/suggest.js";
import { countBonus, episodicCountBonus } from "../intrinsic/counts.js";
import { e3bBonus } from "../intrinsic/e3b.js";
import { episodicNoveltyBonus } from "../intrinsic/episodic-novelty.js";
import type { RewardModule, RewardModuleFactory } from "../intrinsic/module.js";
import { oniReward } from "../intrinsic/oni/oni.js";
import { rndBonus } from "../intrinsic/rnd.js";
import { adversarialReward } from "../learn/irl/adversarial.js";
import { progressReward } from "../learn/progress.js";

export type IntrinsicModule = RewardModule;
export type IntrinsicFactory = RewardModuleFactory;

const BUILT_IN: ReadonlyMap<string, IntrinsicFactory> = new Map<string, IntrinsicFactory>([
  ["count", countBonus],
  ["episodic-count", episodicCountBonus],
  ["e3b", e3bBonus],
  ["episodic-novelty", episodicNoveltyBonus],
  ["rnd", rndBonus],
  // Not a bonus but learned online the same way: an imitation reward from demonstrations.
  ["adversarial", adversarialReward],
  // Outcome-only credit assignment: per-step contributions that add up to the episode's outcome.
  ["progress", progressReward],
  // A language model's labels of what the agent experiences, distilled online (ONI).
  ["oni", oniReward],
]);

/** Users' own modules, consulted after the built-in ones. */
const registered = new Map<string, IntrinsicFactory>();

/** Makes a module of your own available to specs as `{kind: intrinsic, module: NAME}`; NAME must be new. */
export function registerIntrinsic(name: string, factory: IntrinsicFactory): void {
  if (BUILT_IN.has(name)) throw new UserError("registerIntrinsic", `${JSON.stringify(name)} is a built-in module; choose another name`);
  if (registered.has(name)) throw new UserError("registerIntrinsic", `${JSON.stringify(name)} is already registered`);
  registered.set(name, factory);
}

export function intrinsicNames(): string[] {
  return [...BUILT_IN.keys(), ...registered.keys()];
}

export function createIntrinsic(name: string, options: Record<string, unknown>, path: string): IntrinsicModule {
  const factory = BUILT_IN.get(name) ?? registered.get(name);
  if (!factory) {
    const known = intrinsicNames();
    throw new UserError(`${path}.module`, `unknown intrinsic module ${JSON.stringify(name)}${didYouMean(name, known) || `; known: ${known.join(", ")}`}`);
  }
  return factory(options, `${path}.options`);
}
