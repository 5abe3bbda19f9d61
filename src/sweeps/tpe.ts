/**
 * The Tree-structured Parzen Estimator (Bergstra et al. 2011, "Algorithms
 * for Hyper-Parameter Optimization"), as hyperopt and Optuna use it: the
 * configurations tried so far are split by their result into the best γ
 * (l) and the rest (g); each parameter gets a density over each part,
 * independently (a Parzen mixture of Gaussians for numbers, in log space
 * for log-uniform ones, with the prior as one more component; smoothed
 * counts for choices); candidates drawn from l(x) are ranked by l(x)/g(x)
 * and the best is proposed. Higher results are better.
 */
import { Rng } from "../core/rng.js";
import type { Param } from "./config.js";

export interface Observation {
  params: Record<string, unknown>;
  value: number;
}

export interface TpeOptions {
  /** Share of observations that count as good (γ; default 0.25). */
  gamma?: number;
  /** Candidates drawn from l(x) (default 24). */
  candidates?: number;
}

type Density = { sample(rng: Rng): unknown; logPdf(v: unknown): number };

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** A Parzen mixture on [lo, hi] (values already in the space they are drawn in): a Gaussian at each point, and the uniform prior. */
function parzen(points: readonly number[], lo: number, hi: number): { sample(rng: Rng): number; logPdf(x: number): number } {
  const n = points.length;
  const range = hi - lo;
  // Scott's rule over the points, at least range / min(100, 1 + n) (hyperopt's and Optuna's "magic clip":
  // few points must not collapse the search onto themselves), at most the range.
  const mean = n ? points.reduce((a, b) => a + b, 0) / n : 0;
  const sd = n > 1 ? Math.sqrt(points.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : range;
  const sigma = Math.min(range, Math.max(range / Math.min(100, 1 + n), 1.06 * sd * Math.pow(n + 1, -0.2)));
  const w = 1 / (n + 1);
  return {
    sample(rng) {
      const k = rng.int(n + 1);
      if (k === n) return rng.uniform(lo, hi);
      for (;;) {
        const x = points[k] + sigma * rng.normal();
        if (x >= lo && x <= hi) return x;
      }
    },
    logPdf(x) {
      let p = w / range;
      for (const m of points) p += (w * Math.exp(-0.5 * ((x - m) / sigma) ** 2 - LOG_SQRT_2PI)) / sigma;
      return Math.log(p);
    },
  };
}

function density(p: Param, values: readonly unknown[]): Density {
  if (Array.isArray(p)) {
    const key = (v: unknown) => JSON.stringify(v);
    const counts = p.map((c) => 1 + values.filter((v) => key(v) === key(c)).length);
    const total = counts.reduce((a, b) => a + b, 0);
    return {
      sample: (rng) => {
        let u = rng.uniform(0, total);
        for (let k = 0; k < p.length; k++) if ((u -= counts[k]) < 0) return p[k];
        return p[p.length - 1];
      },
      logPdf: (v) => Math.log((counts[p.findIndex((c) => key(c) === key(v))] ?? 1) / total),
    };
  }
  if ("loguniform" in p) {
    const [lo, hi] = p.loguniform.map(Math.log);
    const d = parzen(values.map((v) => Math.log(v as number)), lo, hi);
    return { sample: (rng) => Math.exp(d.sample(rng)), logPdf: (v) => d.logPdf(Math.log(v as number)) };
  }
  if ("int" in p) {
    const [lo, hi] = [p.int[0] - 0.5, p.int[1] + 0.5];
    const d = parzen(values as number[], lo, hi);
    return { sample: (rng) => Math.min(p.int[1], Math.max(p.int[0], Math.round(d.sample(rng)))), logPdf: (v) => d.logPdf(v as number) };
  }
  const d = parzen(values as number[], p.uniform[0], p.uniform[1]);
  return { sample: (rng) => d.sample(rng), logPdf: (v) => d.logPdf(v as number) };
}

/** The next configuration to try, from what was observed; `rng` draws the candidates. */
export function proposeTpe(space: Record<string, Param>, observed: readonly Observation[], rng: Rng, o: TpeOptions = {}): Record<string, unknown> {
  const sorted = [...observed].sort((a, b) => b.value - a.value);
  const nGood = Math.max(1, Math.ceil((o.gamma ?? 0.25) * sorted.length));
  const [good, bad] = [sorted.slice(0, nGood), sorted.slice(nGood)];
  const paths = Object.keys(space);
  const l = Object.fromEntries(paths.map((path) => [path, density(space[path], good.map((g) => g.params[path]))]));
  const g = Object.fromEntries(paths.map((path) => [path, density(space[path], bad.map((b) => b.params[path]))]));
  let best: Record<string, unknown> = {};
  let bestScore = -Infinity;
  for (let c = 0; c < (o.candidates ?? 24); c++) {
    const candidate = Object.fromEntries(paths.map((path) => [path, l[path].sample(rng)]));
    const score = paths.reduce((s, path) => s + l[path].logPdf(candidate[path]) - g[path].logPdf(candidate[path]), 0);
    if (score > bestScore) [best, bestScore] = [candidate, score];
  }
  return best;
}
