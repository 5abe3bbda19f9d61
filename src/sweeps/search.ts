/**
 * The configurations a sweep tries: every combination of its lists (grid,
 * in the order of `space`, the last key varying fastest), or `configs`
 * draws from its distributions (random, from the sweep's own seeded
 * stream: the same sweep config gives the same configurations), or, with
 * tpe, `startup` random draws and then one proposal of the Tree-structured
 * Parzen Estimator each time a configuration's trials have all ended
 * (`proposeMore`). Each configuration is trained on every training seed:
 * trials are numbered configuration by configuration, seed by seed.
 */
import { Rng } from "../core/rng.js";
import type { NewTrial, SweepTables, TrialRecord } from "../runs/store/sweeps.js";
import { DEFAULT_RANDOM_CONFIGS, type Param, type ResolvedSweep } from "./config.js";
import { proposeTpe } from "./tpe.js";


export function configurations(sweep: ResolvedSweep): Record<string, unknown>[] {
  const entries = Object.entries(sweep.space);
  if (sweep.method === "grid") {
    let grid: Record<string, unknown>[] = [{}];
    for (const [path, p] of entries) grid = grid.flatMap((c) => (p as unknown[]).map((v) => ({ ...c, [path]: v })));
    return sweep.configs ? grid.slice(0, sweep.configs) : grid;
  }
  const rng = new Rng(sweep.seed);
  const count = sweep.method === "tpe" ? tpeStartup(sweep) : (sweep.configs ?? DEFAULT_RANDOM_CONFIGS);
  return Array.from({ length: count }, () => Object.fromEntries(entries.map(([path, p]) => [path, draw(p, rng)])));
}

/** Random configurations before TPE takes over. */
export const tpeStartup = (sweep: ResolvedSweep) => Math.min(sweep.configs ?? DEFAULT_RANDOM_CONFIGS, sweep.startup ?? Math.max(3, Math.ceil((sweep.configs ?? DEFAULT_RANDOM_CONFIGS) / 4)));

const ENDED = new Set(["finished", "pruned", "failed"]);

/**
 * TPE: each configuration whose trials have all ended makes room for one
 * more (so as many configurations train at once as started), up to
 * `configs`: proposed from the ended ones' results (each configuration's
 * mean value over its seeds), its trials added; the trials added. Two
 * workers proposing at once: the second finds the configuration taken and
 * adds nothing.
 */
export async function proposeMore(tables: SweepTables, sweep: ResolvedSweep & { id: string }): Promise<NewTrial[]> {
  if (sweep.method !== "tpe") return [];
  // Another worker may take the same configuration index at the same moment: then look again.
  for (let attempt = 0; attempt < 5; attempt++) {
    const trials = await tables.trials(sweep.id);
    const byConfig = new Map<number, TrialRecord[]>();
    for (const t of trials) byConfig.set(t.configIndex, [...(byConfig.get(t.configIndex) ?? []), t]);
    const ended = [...byConfig.values()].filter((ts) => ts.every((t) => ENDED.has(t.status)));
    if (byConfig.size >= Math.min(sweep.configs ?? DEFAULT_RANDOM_CONFIGS, tpeStartup(sweep) + ended.length)) return [];
    const observed = ended.flatMap((ts) => {
      const values = ts.map((t) => t.value).filter((v): v is number => v !== null && Number.isFinite(v));
      return values.length ? [{ params: ts[0].params, value: values.reduce((a, b) => a + b, 0) / values.length }] : [];
    });
    const configIndex = Math.max(...byConfig.keys()) + 1;
    const params = observed.length ? proposeTpe(sweep.space, observed, new Rng(sweep.seed * 1_000_003 + configIndex)) : configurationsAt(sweep, configIndex);
    const added = sweep.seeds.map((seed, k) => ({ trial: configIndex * sweep.seeds.length + k, configIndex, params, seed }));
    await tables.addTrials(sweep.id, added);
    const now = await tables.trials(sweep.id);
    if (added.every((t) => JSON.stringify(now.find((x) => x.trial === t.trial)?.params) === JSON.stringify(params))) return added;
  }
  return [];
}

/** A random configuration for index k (when nothing has a value to learn from). */
function configurationsAt(sweep: ResolvedSweep, k: number): Record<string, unknown> {
  const rng = new Rng(sweep.seed * 1_000_003 + k);
  return Object.fromEntries(Object.entries(sweep.space).map(([path, p]) => [path, draw(p, rng)]));
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
