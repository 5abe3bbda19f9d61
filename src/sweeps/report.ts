/**
 * What a sweep found, from its records: trials by status; each
 * configuration's final primary return over its training seeds (IQM with a
 * stratified-bootstrap interval and per-seed values, finished trials only:
 * a pruned trial stopped early and its value is not a final one); the best
 * configuration against the others by probability of improvement; and each
 * parameter's effect (per value of a choice; Spearman's rank correlation
 * for a number).
 */
import { seedEstimate, type SeedEstimate } from "../core/rliable-bootstrap.js";
import { Rng } from "../core/rng.js";
import { spearman } from "../core/stats.js";
import { versusBest, versusLines } from "../runs/seed-verdicts.js";
import { TRIAL_STATUSES, type SweepRecord, type TrialRecord, type TrialStatus } from "../runs/store/sweeps.js";

export interface ConfigurationResult {
  index: number;
  params: Record<string, unknown>;
  /** Final primary return of each finished seed, by seed. */
  values: { seed: number; value: number }[];
  estimate: SeedEstimate | null;
  pruned: number;
  failed: number;
}

export interface ParamEffect {
  path: string;
  /** Choices: the IQM of the finished trials' values per value. */
  byValue?: { value: string; n: number; iqm: number }[];
  /** Numbers: Spearman's ρ between the parameter and the final value. */
  spearman?: number;
}

export interface SweepReport {
  counts: Record<TrialStatus, number>;
  configurations: ConfigurationResult[];
  /** Index into `configurations` of the highest IQM, −1 when none finished. */
  best: number;
  verdicts: string[];
  effects: ParamEffect[];
}

/** How a parameter's value reads: a number to 3 digits, a labelled choice by its label (a reward design by its file). */
type Labeller = (path: string, v: unknown) => string;

export function labeller(sweep: { space?: Record<string, unknown>; labels?: Record<string, string[]> } = {}): Labeller {
  return (path, v) => {
    const names = sweep.labels?.[path];
    const choices = sweep.space?.[path];
    if (names && Array.isArray(choices)) {
      const k = choices.findIndex((c) => JSON.stringify(c) === JSON.stringify(v));
      if (k >= 0) return names[k];
    }
    return typeof v === "number" ? (Number.isInteger(v) ? String(v) : v.toPrecision(3)) : typeof v === "string" ? v : JSON.stringify(v).slice(0, 40);
  };
}

export function sweepReport(trials: readonly TrialRecord[], label: Labeller = labeller()): SweepReport {
  const counts = Object.fromEntries(TRIAL_STATUSES.map((s) => [s, trials.filter((t) => t.status === s).length])) as Record<TrialStatus, number>;
  const byConfig = new Map<number, TrialRecord[]>();
  for (const t of trials) byConfig.set(t.configIndex, [...(byConfig.get(t.configIndex) ?? []), t]);
  const configurations = [...byConfig.entries()]
    .sort(([a], [b]) => a - b)
    .map(([index, ts]): ConfigurationResult => {
      const values = ts.filter((t) => t.status === "finished" && t.value !== null).map((t) => ({ seed: t.seed, value: t.value! }));
      return {
        index,
        params: ts[0].params,
        values,
        estimate: values.length ? seedEstimate(values.map((v) => v.value), "iqm", new Rng(0)) : null,
        pruned: ts.filter((t) => t.status === "pruned").length,
        failed: ts.filter((t) => t.status === "failed").length,
      };
    });
  const designs = configurations.map((c) => ({ name: `config ${c.index}`, values: c.values.map((v) => v.value) }));
  const versus = versusBest(designs);
  const finished = trials.filter((t) => t.status === "finished" && t.value !== null);
  const effects = Object.keys(trials[0]?.params ?? {}).map((path): ParamEffect => {
    const xs = finished.map((t) => t.params[path]);
    if (xs.length && xs.every((x) => typeof x === "number") && new Set(xs).size > 2) return { path, spearman: spearman(xs as number[], finished.map((t) => t.value!)) };
    const groups = new Map<string, number[]>();
    finished.forEach((t) => groups.set(label(path, t.params[path]), [...(groups.get(label(path, t.params[path])) ?? []), t.value!]));
    return { path, byValue: [...groups.entries()].map(([value, vs]) => ({ value, n: vs.length, iqm: seedEstimate(vs, "iqm", new Rng(0)).point })) };
  });
  return { counts, configurations, best: versus.best, verdicts: versusLines(designs, versus, "the final primary return"), effects };
}

/** The report as text lines, for the terminal. */
export function reportLines(sweep: SweepRecord, r: SweepReport, label: Labeller = labeller(sweep.config as never)): string[] {
  const lines = [`sweep ${sweep.id} ${sweep.name} (${sweep.status}): ${Object.entries(r.counts).filter(([, n]) => n > 0).map(([s, n]) => `${n} ${s}`).join(", ")}`, ""];
  lines.push(`${"config".padEnd(7)} ${"final primary, IQM [95%]".padEnd(28)} ${"per seed".padEnd(30)} params`);
  for (const c of r.configurations) {
    const est = c.estimate ? `${c.estimate.point.toFixed(3)} [${c.estimate.lo.toFixed(3)}, ${c.estimate.hi.toFixed(3)}]` : "—";
    const seeds = c.values.map((v) => v.value.toFixed(3)).join(" ") + (c.pruned ? ` (${c.pruned} pruned)` : "") + (c.failed ? ` (${c.failed} failed)` : "");
    const params = Object.entries(c.params).map(([k, v]) => `${k}=${label(k, v)}`).join(" ");
    lines.push(`${(c.index === r.configurations[r.best]?.index ? `${c.index}*` : String(c.index)).padEnd(7)} ${est.padEnd(28)} ${seeds.padEnd(30)} ${params}`);
  }
  if (r.verdicts.length) lines.push("", ...r.verdicts);
  if (r.effects.length) {
    lines.push("", "parameter effects (finished trials):");
    for (const e of r.effects) {
      if (e.spearman !== undefined) lines.push(`  ${e.path}: Spearman ρ with the final primary return ${Number.isNaN(e.spearman) ? "—" : e.spearman.toFixed(2)}`);
      else lines.push(`  ${e.path}: ${e.byValue!.map((g) => `${g.value} → ${g.iqm.toFixed(3)} (n=${g.n})`).join(", ")}`);
    }
  }
  return lines;
}
