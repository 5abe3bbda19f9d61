/**
 * The slot exploration bonuses fill (count-based, episodic, RND, E3B…): a
 * module sees whole batches of transitions, keeps its own state across
 * steps, and may train between rollouts.
 */
import { UserError } from "../core/errors.js";
import { didYouMean } from "../core/suggest.js";
import type { RewardModule, RewardModuleFactory } from "../intrinsic/module.js";

export type IntrinsicModule = RewardModule;
export type IntrinsicFactory = RewardModuleFactory;

const modules = new Map<string, IntrinsicFactory>();

/** Makes a bonus available to specs as `{kind: intrinsic, module: NAME}`. */
export function registerIntrinsic(name: string, factory: IntrinsicFactory): void {
  modules.set(name, factory);
}

export function intrinsicNames(): string[] {
  return [...modules.keys()];
}

export function createIntrinsic(name: string, options: Record<string, unknown>, path: string): IntrinsicModule {
  const factory = modules.get(name);
  if (!factory) {
    const known = intrinsicNames();
    throw new UserError(`${path}.module`, `unknown intrinsic module ${JSON.stringify(name)}${didYouMean(name, known) || (known.length ? `; known: ${known.join(", ")}` : "; none are registered yet")}`);
  }
  return factory(options, `${path}.options`);
}
