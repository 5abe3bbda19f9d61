/**
 * An environment's registration: an id, its keyword arguments as a zod
 * schema (with defaults), preset values for registered variants, and a
 * factory. Variants are data, not subclasses (as Gymnasium's `register`).
 *
 * @example
 * defineEnv({ id: "DoorKey-8x8", family: "grid", summary: "…",
 *   kwargs: DoorKeyKwargs, preset: { size: 8 }, create: (k) => new DoorKey(k) });
 */
import type { z } from "zod";
import type { EnvCore } from "./core.js";

export type EnvFamily = "grid" | "control" | "bandit";

export interface EnvSpec<K extends z.ZodType = z.ZodType> {
  readonly id: string;
  readonly family: EnvFamily;
  /** One line for `envs list`. */
  readonly summary: string;
  /** The keyword arguments the environment takes, with their defaults. */
  readonly kwargs: K;
  /** The registered variant's values, applied under the user's kwargs. */
  readonly preset?: Record<string, unknown>;
  /** The gymnasium id users may know it by (`MiniGrid-DoorKey-8x8-v0`). */
  readonly alias?: string;
  create(kwargs: z.output<K>): EnvCore;
}

export function defineEnv<K extends z.ZodType>(spec: EnvSpec<K>): EnvSpec {
  return spec as unknown as EnvSpec;
}
