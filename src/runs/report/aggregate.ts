/**
 * Learning curves over seeds, for plotting: every run's windowed curve is
 * read on one grid of environment steps shared by all designs (each value
 * the run's latest point at or before the grid step, since a windowed mean
 * holds until the next iteration), then averaged over seeds with a 95%
 * percentile-bootstrap band of that mean (resampling the seeds; it never
 * leaves the seeds' range, where a Student-t band with 2 seeds is ±12.7 standard errors).
 *
 * Values are `null` where no seed has a value yet (no finished episode), so
 * plots show a gap rather than a made-up zero.
 */
import type { DesignSummary } from "../compare.js";
import { seedEstimate } from "../../core/rliable-bootstrap.js";
import { Rng } from "../../core/rng.js";
import { mean } from "../../core/stats.js";
import type { CurvePoint } from "../train.js";

export type Series = (number | null)[];

/** Mean over seeds and its 95% bootstrap band (null where fewer than 2 seeds have a value). */
export interface Band {
  mean: Series;
  lo: Series;
  hi: Series;
}

export interface DesignCurves {
  name: string;
  primary: Band;
  /** Success rate in [0, 1]; all null for tasks without success. */
  success: Band;
  /** Each term's windowed mean episode return, mean over seeds. */
  terms: Record<string, Series>;
  /** Multi-agent runs: each agent's windowed mean primary return, mean over seeds. */
  agents?: Series[];
}

export interface Curves {
  steps: number[];
  designs: DesignCurves[];
}

/** The runs' own steps when there are at most `points` of them, else `points` evenly spaced steps up to the last. */
export function stepGrid(curves: readonly (readonly CurvePoint[])[], points = 240): number[] {
  const all = [...new Set(curves.flatMap((c) => c.map((p) => p.step)))].sort((a, b) => a - b);
  if (all.length <= points) return all;
  const last = all[all.length - 1];
  return Array.from({ length: points }, (_, i) => Math.round((last * (i + 1)) / points));
}

/** The value of the run's latest point at or before `step` (NaN before its first point). */
export function valueAt(curve: readonly CurvePoint[], step: number, f: (p: CurvePoint) => number): number {
  let lo = 0;
  let hi = curve.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (curve[mid].step <= step) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found < 0 ? NaN : f(curve[found]);
}

const orNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** Bootstrap resamples per grid step: a band is drawn, not printed, and a report has hundreds of steps. */
export const BAND_REPS = 1000;

/**
 * Mean over the curves at each grid step, ignoring seeds without a value
 * there, and its 95% percentile-bootstrap band (null with fewer than 2
 * seeds); every band draws from a stream of `bootstrapSeed`, so a report is
 * the same each time it is written.
 */
export function band(curves: readonly (readonly CurvePoint[])[], steps: readonly number[], f: (p: CurvePoint) => number, bootstrapSeed = 0): Band {
  const out: Band = { mean: [], lo: [], hi: [] };
  const rng = new Rng(bootstrapSeed);
  for (const step of steps) {
    const xs = curves.map((c) => valueAt(c, step, f)).filter((x) => !Number.isNaN(x));
    const interval = xs.length >= 2 ? seedEstimate(xs, "mean", rng, { reps: BAND_REPS }) : { lo: NaN, hi: NaN };
    out.mean.push(orNull(mean(xs)));
    out.lo.push(orNull(interval.lo));
    out.hi.push(orNull(interval.hi));
  }
  return out;
}

/** Mean over the curves at each grid step (no band). */
export function meanSeries(curves: readonly (readonly CurvePoint[])[], steps: readonly number[], f: (p: CurvePoint) => number): Series {
  return steps.map((step) => orNull(mean(curves.map((c) => valueAt(c, step, f)).filter((x) => !Number.isNaN(x)))));
}

/** Every design's curves on one step grid. */
export function aggregateCurves(summaries: readonly DesignSummary[], points = 240): Curves {
  const steps = stepGrid(
    summaries.flatMap((s) => s.runs.map((r) => r.curve)),
    points,
  );
  const designs = summaries.map((s): DesignCurves => {
    const curves = s.runs.map((r) => r.curve);
    const termNames = Object.keys(s.runs[0]?.termReturns ?? {});
    const out: DesignCurves = {
      name: s.name,
      primary: band(curves, steps, (p) => p.primary),
      success: band(curves, steps, (p) => p.success),
      terms: Object.fromEntries(termNames.map((t) => [t, meanSeries(curves, steps, (p) => p.terms?.[t] ?? NaN)])),
    };
    const agents = Math.max(0, ...curves.flatMap((c) => c.map((p) => p.agents?.length ?? 0)));
    if (agents > 0) out.agents = Array.from({ length: agents }, (_, j) => meanSeries(curves, steps, (p) => p.agents?.[j] ?? NaN));
    return out;
  });
  return { steps, designs };
}
