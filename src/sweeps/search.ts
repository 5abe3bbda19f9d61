/**
 * The configurations a sweep tries: every combination of its lists (grid,
 * in the order of `space`, the last key varying fastest), or `configs`
 * draws from its distributions (random, from the sweep's own seeded
 * stream: the same sweep config gives the same configurations). Each
 * configuration is trained on every training seed: trials are numbered
 * configuration by configuration, seed by seed.
 */
import { Rng } from "../core/rng.js";
import type { NewTrial } from "../runs/store/sweeps.js";
import type { Param, ResolvedSweep } from "./config.js";

export const DEFAULT_RANDOM_CONFIGS = 8;

export function configurations(sweep: ResolvedSweep): Record<string, unknown>[] {
  const entries = Object.entries(sweep.space);
  if (sweep.method === "grid") {
    let grid: Record<string, unknown>[] = [{}];
    for (const [path, p] of entries) grid = grid.flatMap((c) => (p as unknown[]).map((v) => ({ ...c, [path]: v })));
    return sweep.configs ? grid.slice(0, sweep.configs) : grid;
  }
  const rng = new Rng(sweep.seed);
  return Array.from({ length: sweep.configs ?? DEFAULT_RANDOM_CONFIGS }, () => Object.fromEntries(entries.map(([path, p]) => [path, draw(p, rng)])));
}

/** One value of a parameter. */
export function draw(p: Param, rng: Rng): unknown {
  if (Array.isArray(p)) return p[rng.int(p.length)];
  if ("uniform" in p) return rng.uniform(p.uniform[0], p.uniform[1]);
  if ("loguniform" in p) return Math.exp(rng.uniform(Math.log(p.loguniform[0]), Math.log(p.loguniform[1])));
  return p.int[0] + rng.int(p.int[1] - p.int[0] + 1);
}

/** Every configuration × training seed, numbered. */
export function trialsOf(sweep: ResolvedSweep): NewTrial[] {
  return configurations(sweep).flatMap((params, configIndex) => sweep.seeds.map((seed, k) => ({ trial: configIndex * sweep.seeds.length + k, configIndex, params, seed })));
}
