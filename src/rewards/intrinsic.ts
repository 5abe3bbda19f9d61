/**
 * The slot exploration bonuses fill (count-based, episodic, RND, E3B…): a
 * module sees whole batches of transitions, keeps its own state across
 * steps, and may train between rollouts.
 */
import { UserError } from "../core/errors.js";
import { didYouMean } from "../core/suggest.js";
import type { RewardBatch } from "./batch.js";

export interface IntrinsicModule {
  readonly name: string;
  /** Called once, when the reward program is bound to n environments. */
  init(info: { n: number; obsSize: number; actionSize: number; /** discrete actions 0 … actionCount − 1, if so */ actionCount?: number }): void;
  /** Writes the bonus of each transition into `out` (batch.obs and batch.nextObs are filled). */
  compute(batch: RewardBatch, out: Float64Array): void;
  /** Environment i's episode ended (episodic bonuses reset here). */
  endEpisode?(i: number): void;
  /** Trains on what it has seen (called by learners between rollouts); returns metrics. */
  update?(): Record<string, number>;
}

export type IntrinsicFactory = (options: Record<string, unknown>, path: string) => IntrinsicModule;

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
