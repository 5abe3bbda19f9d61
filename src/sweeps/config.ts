/**
 * A sweep: a base run config and what varies, how configurations are
 * chosen, the training seeds each is trained on, and early stopping.
 *
 * ```yaml
 * name: doorkey-lr
 * base: ../runs/doorkey-ppo.yaml      # a run config file (relative to this one), or one inline
 * method: random                      # grid (every combination of lists), random (draws from `space`), or tpe
 * configs: 8                          # random: how many configurations
 * seed: 0                             # the search's own draws
 * seeds: [0, 1, 2]                    # training seeds of every configuration (default: the base's)
 * space:
 *   reward: [../rewards/a.yaml, ../rewards/b.yaml]   # reward designs: files or inline specs
 *   learner.learningRate: {loguniform: [1.0e-4, 1.0e-3]}
 *   learner.entCoef: [0.0, 0.01]
 *   reward.terms.1.weight: {uniform: [0, 1]}          # a term's weight (numbers index lists)
 * early: {rungs: [0.25, 0.5], eta: 3, minTrials: 3}  # ASHA on the primary return
 * ```
 *
 * Each configuration × training seed is one trial: one run in the store.
 */
import { dirname, resolve } from "node:path";
import { z } from "zod";
import { inFile, parseConfig, readConfigFile } from "../core/config.js";
import { UserError } from "../core/errors.js";
import { loadRunConfig, resolveReward, RunConfig } from "../runs/config.js";

const Range = z.tuple([z.number(), z.number()]).refine(([lo, hi]) => lo < hi, "expected [low, high] with low < high");
export const Param = z.union([
  z.array(z.unknown()).min(1).describe("a choice among these values"),
  z.object({ uniform: Range }).strict(),
  z.object({ loguniform: Range.refine(([lo]) => lo > 0, "expected positive bounds") }).strict(),
  z.object({ int: z.tuple([z.number().int(), z.number().int()]).refine(([lo, hi]) => lo <= hi, "expected [low, high] with low ≤ high") }).strict(),
]);
export type Param = z.output<typeof Param>;

export const SweepConfig = z
  .object({
    name: z.string().min(1).optional(),
    base: z.union([z.string().min(1), z.record(z.string(), z.unknown())]).describe("the run config every trial starts from: a file, or inline"),
    method: z.enum(["grid", "random", "tpe"]).default("grid").describe("grid: every combination of lists; random: draws from `space`; tpe: random draws first, then the Tree-structured Parzen Estimator on the results so far"),
    configs: z.number().int().min(1).max(100_000).optional().describe("random and tpe: how many configurations (default 8); grid: at most this many"),
    startup: z.number().int().min(1).optional().describe("tpe: random configurations before the estimator takes over (default: a quarter of configs, at least 3)"),
    seed: z.number().int().nonnegative().default(0).describe("the search's own random draws"),
    seeds: z.array(z.number().int().nonnegative()).min(1).optional().describe("training seeds of every configuration (default: the base config's)"),
    space: z.record(z.string().regex(/^[A-Za-z_][\w]*(\.(\w+))*$/, "expected a dotted path like learner.learningRate or reward.terms.1.weight"), Param).default({}),
    early: z
      .object({
        rungs: z.array(z.number().gt(0).lt(1)).min(1).describe("fractions of the budget at which weak trials stop"),
        eta: z.number().gt(1).default(3).describe("a trial goes on past a rung if it is in the top 1/eta of the trials recorded there"),
        minTrials: z.number().int().min(1).default(3).describe("no trial stops at a rung until this many have reached it"),
      })
      .strict()
      .optional()
      .describe("asynchronous successive halving (ASHA) on the primary return of recent training episodes"),
  })
  .strict();
export type SweepConfig = z.output<typeof SweepConfig>;

/** Trials a sweep may have. */
export const MAX_TRIALS = 100_000;

/** Configurations of a random or TPE sweep that does not say. */
export const DEFAULT_RANDOM_CONFIGS = 8;

/** A sweep with its base and every file it names read in: what the store keeps, and all a worker needs. */
export interface ResolvedSweep extends Omit<SweepConfig, "base" | "seeds"> {
  name: string;
  base: RunConfig;
  seeds: number[];
  /** Names for choices whose values are long (reward designs: the file given, or "design k"), by path. */
  labels?: Record<string, string[]>;
}

export function loadSweep(file: string): ResolvedSweep {
  const dir = dirname(resolve(file));
  const sweep = inFile(file, () => parseConfig(SweepConfig, readConfigFile(file)));
  const base = typeof sweep.base === "string" ? loadRunConfig(resolve(dir, sweep.base)) : resolveReward(parseConfig(RunConfig, sweep.base, "base"), dir);
  if (sweep.method === "grid") {
    for (const [path, p] of Object.entries(sweep.space)) if (!Array.isArray(p)) throw new UserError(`space.${path}`, "a grid takes a list of values; use method: random for a distribution");
  }
  // A sweep is trials in the store: refuse what no store should hold (and no machine enumerate).
  const configs = sweep.method === "grid" ? Object.values(sweep.space).reduce((n, p) => n * (p as unknown[]).length, 1) : (sweep.configs ?? DEFAULT_RANDOM_CONFIGS);
  const trialCount = Math.min(configs, sweep.configs ?? Infinity) * (sweep.seeds ?? base.seeds).length;
  if (trialCount > MAX_TRIALS) throw new UserError("space", `${trialCount.toLocaleString("en")} trials (configurations × seeds): more than ${MAX_TRIALS.toLocaleString("en")}; narrow the space or the seeds`);
  // Reward designs given as files are read now, relative to the sweep.
  const space = Object.fromEntries(
    Object.entries(sweep.space).map(([path, p]) => [path, path === "reward" && Array.isArray(p) ? p.map((v) => (typeof v === "string" ? readConfigFile(resolve(dir, v)) : v)) : p]),
  );
  const labels = Array.isArray(sweep.space.reward) ? { reward: sweep.space.reward.map((v, k) => (typeof v === "string" ? v : `design ${k}`)) } : undefined;
  const resolved: ResolvedSweep = { ...sweep, space, name: sweep.name ?? `${base.name ?? base.env.id}-sweep`, base, seeds: sweep.seeds ?? base.seeds, ...(labels ? { labels } : {}) };
  // Every path must land on the base (or a value it sets); checked with each choice's first value.
  trialConfig(resolved, Object.fromEntries(Object.entries(space).map(([path, p]) => [path, Array.isArray(p) ? p[0] : "uniform" in p ? p.uniform[0] : "loguniform" in p ? p.loguniform[0] : p.int[0]])), resolved.seeds[0]);
  return resolved;
}

/** The run config of one trial: the base with `params` set at their paths (shallow paths first), on `seed`. */
export function trialConfig(sweep: ResolvedSweep, params: Record<string, unknown>, seed: number): RunConfig {
  const config = structuredClone(sweep.base) as Record<string, unknown>;
  const paths = Object.keys(params).sort((a, b) => a.split(".").length - b.split(".").length);
  for (const path of paths) setPath(config, path, structuredClone(params[path]));
  return parseConfig(RunConfig, { ...config, seeds: [seed] }, "");
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split(".");
  let at: unknown = target;
  for (const [i, key] of keys.slice(0, -1).entries()) {
    const next = (at as Record<string, unknown>)[key];
    if (next === null || typeof next !== "object") throw new UserError(`space.${path}`, `the base config has no ${keys.slice(0, i + 1).join(".")} to set ${keys.slice(i + 1).join(".")} in`);
    at = next;
  }
  const last = keys[keys.length - 1];
  if (Array.isArray(at) && !(Number(last) >= 0 && Number(last) < at.length)) throw new UserError(`space.${path}`, `index ${last} is outside the list of ${at.length}`);
  (at as Record<string, unknown>)[last] = value;
}
