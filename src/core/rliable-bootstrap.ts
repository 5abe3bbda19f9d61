/**
 * rliable's interval estimates (google-research/rliable 3ccd9f4,
 * rliable/library.py): stratified bootstrap resampling of runs within tasks,
 * arch's percentile intervals, the probability of improvement's interval,
 * performance profiles, and the wording rule that calls a design better only
 * when the interval of P(A > B) excludes ½. The point estimates and what
 * matches the published code are in `rliable.ts`; every draw comes from the
 * `Rng` passed in.
 */
import type { Rng } from "./rng.js";
import { AGGREGATES, flatten, npMean, pairOf, poiPerTask, profileFlat, runMeans, taskMeans, toMatrix, twiceU, type AggregateName, type Flat, type ScoreMatrix, type Statistic } from "./rliable.js";

export interface BootstrapOptions {
  /** Bootstrap replications; rliable's default, 50 000 (2 000 for profiles). */
  reps?: number;
  /** Coverage of the interval; 0.95. */
  confidence?: number;
  /** Resample the tasks as well as the runs (rliable's `task_bootstrap`). */
  taskBootstrap?: boolean;
  /** Clamp the point estimate and the interval to [lo, hi] (bounded metrics). */
  clip?: readonly [number, number];
  /** Return the bootstrap replicates too. */
  keepReplicates?: boolean;
}

export interface IntervalEstimate {
  point: number;
  lo: number;
  hi: number;
  reps: number;
  confidence: number;
  /** Each run's (seed's) mean over tasks, to print beside the summary. */
  perRun: number[];
  /** Each task's mean over runs. */
  perTask: number[];
  replicates?: Float64Array;
}

export interface ImprovementEstimate {
  /** P(X > Y) averaged over tasks. */
  point: number;
  lo: number;
  hi: number;
  reps: number;
  confidence: number;
  /** P(X > Y) on each task. */
  perTask: number[];
  /** Each run's mean over tasks, for X and for Y. */
  perRunX: number[];
  perRunY: number[];
  replicates?: Float64Array;
}

export interface PerformanceProfile {
  taus: number[];
  /** Fraction of runs (or of task means, with `average`) above each τ. */
  profile: number[];
  lo: number[];
  hi: number[];
  reps: number;
  confidence: number;
}

export type Verdict = "A better than B" | "B better than A" | "no clear difference";

export interface Comparison {
  verdict: Verdict;
  /** The verdict with the designs' names in place of A and B. */
  text: string;
  poi: ImprovementEstimate;
}

// ---------------------------------------------------------------------------
// Bootstrap (rliable/library.py, arch's percentile interval)

/**
 * The percentile interval of bootstrap replicates, as arch's
 * `conf_int(method="percentile", size=confidence)`: numpy's linear-interpolated
 * percentiles at 100α and 100(1 − α), α = (1 − confidence)/2.
 */
export function percentileInterval(replicates: ArrayLike<number>, confidence = 0.95): [number, number] {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence: expected 0 < c < 1, got ${confidence}`);
  const sorted = Float64Array.from(replicates).sort();
  if (sorted.length === 0) return [NaN, NaN];
  const alpha = (1 - confidence) / 2;
  return [npPercentile(sorted, 100 * alpha), npPercentile(sorted, 100 * (1 - alpha))];
}

/** `np.percentile(sorted, p)` with the default linear method. */
function npPercentile(sorted: Float64Array, p: number): number {
  const n = sorted.length;
  const vi = (n - 1) * (p / 100);
  if (vi >= n - 1) return sorted[n - 1];
  if (vi < 0) return sorted[0];
  const prev = Math.floor(vi);
  const a = sorted[prev];
  const b = sorted[prev + 1];
  const t = vi - prev;
  const d = b - a;
  const v = t >= 0.5 ? b - d * (1 - t) : a + d * t;
  // numpy's two-sided lerp stays in [a, b]; the clamp only guards overflow of b − a.
  return v < a ? a : v > b ? b : v;
}

/**
 * One stratified resample, rliable's StratifiedBootstrap: every cell (run i,
 * task j) takes task j's score from a run drawn uniformly with replacement,
 * drawn in row-major order; with `taskBootstrap`, each column then reads a
 * task drawn with replacement.
 */
export function stratifiedResample(scores: ScoreMatrix, rng: Rng, taskBootstrap = false): number[][] {
  const m = flatten(scores);
  const r = new Resampler(m);
  r.draw(rng, taskBootstrap);
  return toMatrix(r.out);
}

/** Draws stratified resamples of one matrix into reusable buffers. */
class Resampler {
  /** The resampled matrix. */
  readonly out: Flat;
  /** For each cell of `out`, the index of the cell of `m` it copies. */
  readonly src: Int32Array;
  private readonly taskIdx: Int32Array;

  constructor(readonly m: Flat) {
    this.out = { data: new Float64Array(m.data.length), runs: m.runs, tasks: m.tasks };
    this.src = new Int32Array(m.data.length);
    this.taskIdx = new Int32Array(m.tasks);
  }

  draw(rng: Rng, taskBootstrap: boolean): void {
    const { runs, tasks, data } = this.m;
    const { src, taskIdx } = this;
    const o = this.out.data;
    for (let k = 0; k < src.length; k++) src[k] = rng.int(runs) * tasks; // run indices first, as rliable draws them
    if (taskBootstrap) for (let j = 0; j < tasks; j++) taskIdx[j] = rng.int(tasks);
    for (let k = 0, j = 0; k < src.length; k++) {
      src[k] += taskBootstrap ? taskIdx[j] : j;
      o[k] = data[src[k]];
      if (++j === tasks) j = 0;
    }
  }
}

/** Cell indices of `xs` in ascending order of value (−0 before +0, as a Float64Array sorts). */
function ascending(xs: Float64Array, cells: ArrayLike<number> = Array.from(xs.keys())): Int32Array {
  const negZero = (v: number) => (Object.is(v, -0) ? -1 : 0);
  return Int32Array.from(cells).sort((a, b) => xs[a] - xs[b] || negZero(xs[a]) - negZero(xs[b]));
}

/**
 * The IQM of resamples, from how often each cell was drawn: walking the cells
 * in sorted order gives the sorted resample without sorting it (the same
 * array, so the same sum as `iqmFlat` on the resample).
 */
function iqmOfResample(m: Flat): (src: Int32Array) => number {
  const n = m.data.length;
  const order = ascending(m.data);
  const counts = new Int32Array(n);
  const sorted = new Float64Array(n);
  const cut = Math.trunc(0.25 * n);
  return (src) => {
    counts.fill(0);
    for (let k = 0; k < n; k++) counts[src[k]]++;
    for (let r = 0, w = 0; r < n; r++) {
      const cell = order[r];
      const v = m.data[cell];
      for (let c = counts[cell]; c > 0; c--) sorted[w++] = v;
    }
    return npMean(sorted, cut, n - 2 * cut);
  };
}

/** P(X > Y) of resamples, each task's resampled columns sorted by counting (same value as `poiFlat`). */
function poiOfResamples(x: Flat, y: Flat): (srcX: Int32Array, srcY: Int32Array) => number {
  const tasks = x.tasks;
  const side = (m: Flat) => {
    const orders = Array.from({ length: tasks }, (_, j) => ascending(m.data, Array.from({ length: m.runs }, (_, i) => i * tasks + j)));
    const counts = new Int32Array(m.data.length);
    const sorted = new Float64Array(m.runs);
    return (src: Int32Array, j: number): Float64Array => {
      for (let k = j; k < src.length; k += tasks) counts[src[k]]++;
      const order = orders[j];
      let w = 0;
      for (let r = 0; r < order.length; r++) {
        const cell = order[r];
        const v = m.data[cell];
        for (let c = counts[cell]; c > 0; c--) sorted[w++] = v;
        counts[cell] = 0;
      }
      return sorted;
    };
  };
  const sx = side(x);
  const sy = side(y);
  const per = new Float64Array(tasks);
  return (srcX, srcY) => {
    for (let j = 0; j < tasks; j++) per[j] = twiceU(sx(srcX, j), sy(srcY, j)) / 2 / (x.runs * y.runs);
    return npMean(per);
  };
}

function resolveOptions(options: BootstrapOptions, defaultReps: number): { reps: number; confidence: number } {
  const reps = options.reps ?? defaultReps;
  const confidence = options.confidence ?? 0.95;
  if (!(Number.isInteger(reps) && reps >= 1)) throw new RangeError(`reps: expected a positive integer, got ${reps}`);
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence: expected 0 < c < 1, got ${confidence}`);
  if (options.clip && !(options.clip[0] <= options.clip[1])) throw new RangeError(`clip: expected lo ≤ hi, got [${options.clip}]`);
  return { reps, confidence };
}

function clamp(v: number, clip: readonly [number, number] | undefined): number {
  if (!clip) return v;
  return v < clip[0] ? clip[0] : v > clip[1] ? clip[1] : v;
}

/**
 * A point estimate and its stratified percentile bootstrap interval, as
 * rliable's `get_interval_estimates(..., method="percentile")` for one
 * algorithm: `metric` is one of rliable's aggregates (optimality gap at γ = 1)
 * or any function of a score matrix.
 */
export function intervalEstimate(
  scores: ScoreMatrix,
  metric: AggregateName | Statistic,
  rng: Rng,
  options: BootstrapOptions = {},
): IntervalEstimate {
  return intervalEstimates(scores, [metric], rng, options)[0];
}

/**
 * Several aggregates from the same resamples, as rliable's examples do with
 * `lambda x: np.array([median(x), iqm(x), mean(x), optimality_gap(x)])`.
 */
export function intervalEstimates(
  scores: ScoreMatrix,
  metrics: readonly (AggregateName | Statistic)[],
  rng: Rng,
  options: BootstrapOptions = {},
): IntervalEstimate[] {
  const { reps, confidence } = resolveOptions(options, 50_000);
  const m = flatten(scores);
  const points: number[] = [];
  const stats = metrics.map((metric): ((f: Flat, src: Int32Array) => number) => {
    if (typeof metric === "function") {
      points.push(metric(toMatrix(m)));
      return (f) => metric(toMatrix(f));
    }
    const s = Object.hasOwn(AGGREGATES, metric) ? AGGREGATES[metric] : undefined;
    if (!s) throw new RangeError(`metric: expected one of ${Object.keys(AGGREGATES).join(", ")}, got ${String(metric)}`);
    points.push(s(m));
    if (metric === "iqm") {
      const fast = iqmOfResample(m);
      return (_, src) => fast(src);
    }
    return s;
  });
  const replicates = stats.map(() => new Float64Array(reps));
  const resampler = new Resampler(m);
  for (let r = 0; r < reps; r++) {
    resampler.draw(rng, options.taskBootstrap ?? false);
    for (let k = 0; k < stats.length; k++) replicates[k][r] = stats[k](resampler.out, resampler.src);
  }
  const perRun = runMeans(m);
  const perTask = Array.from(taskMeans(m));
  return stats.map((_, k) => {
    const [lo, hi] = percentileInterval(replicates[k], confidence);
    const result: IntervalEstimate = {
      point: clamp(points[k], options.clip),
      lo: clamp(lo, options.clip),
      hi: clamp(hi, options.clip),
      reps,
      confidence,
      perRun: [...perRun],
      perTask: [...perTask],
    };
    if (options.keepReplicates) result.replicates = replicates[k];
    return result;
  });
}

/**
 * P(X > Y) averaged over tasks with its percentile bootstrap interval, X and Y
 * resampled independently within each task (rliable's
 * StratifiedIndependentBootstrap with `probability_of_improvement`). Run
 * counts may differ; task counts must match. `taskBootstrap` is not supported,
 * as in rliable.
 */
export function probabilityOfImprovementInterval(
  x: ScoreMatrix,
  y: ScoreMatrix,
  rng: Rng,
  options: Omit<BootstrapOptions, "taskBootstrap"> = {},
): ImprovementEstimate {
  const { reps, confidence } = resolveOptions(options, 50_000);
  const [fx, fy] = pairOf(x, y);
  const perTask = Array.from(poiPerTask(fx, fy));
  const point = npMean(perTask);
  const rx = new Resampler(fx);
  const ry = new Resampler(fy);
  const poi = poiOfResamples(fx, fy);
  const replicates = new Float64Array(reps);
  for (let r = 0; r < reps; r++) {
    rx.draw(rng, false);
    ry.draw(rng, false);
    replicates[r] = poi(rx.src, ry.src);
  }
  const [lo, hi] = percentileInterval(replicates, confidence);
  const result: ImprovementEstimate = {
    point: clamp(point, options.clip),
    lo: clamp(lo, options.clip),
    hi: clamp(hi, options.clip),
    reps,
    confidence,
    perTask,
    perRunX: runMeans(fx),
    perRunY: runMeans(fy),
  };
  if (options.keepReplicates) result.replicates = replicates;
  return result;
}

/**
 * Performance profile with pointwise bootstrap bands, as rliable's
 * `create_performance_profile`: the fraction of all scores above each τ (score
 * distribution), or with `average` of task means above τ; 2 000 replications
 * by default, one resample serving every τ.
 */
export function performanceProfile(
  scores: ScoreMatrix,
  taus: readonly number[],
  rng: Rng,
  options: Omit<BootstrapOptions, "keepReplicates"> & { average?: boolean } = {},
): PerformanceProfile {
  const { reps, confidence } = resolveOptions(options, 2_000);
  const m = flatten(scores);
  const average = options.average ?? false;
  const profile = profileFlat(m, taus, average);
  const replicates = taus.map(() => new Float64Array(reps));
  const resampler = new Resampler(m);
  for (let r = 0; r < reps; r++) {
    resampler.draw(rng, options.taskBootstrap ?? false);
    const p = profileFlat(resampler.out, taus, average);
    for (let k = 0; k < taus.length; k++) replicates[k][r] = p[k];
  }
  const bands = replicates.map((rs) => percentileInterval(rs, confidence));
  return {
    taus: [...taus],
    profile: profile.map((v) => clamp(v, options.clip)),
    lo: bands.map((b) => clamp(b[0], options.clip)),
    hi: bands.map((b) => clamp(b[1], options.clip)),
    reps,
    confidence,
  };
}

/** How per-seed values are summarized: rliable's interquartile mean, or the mean. */
export type SeedStatistic = "iqm" | "mean";

/** A point estimate and its interval. */
export interface SeedEstimate {
  point: number;
  lo: number;
  hi: number;
}

/** Bootstrap replications of `seedEstimate`: ample for the handful of seeds a table has. */
export const SEED_BOOTSTRAP_REPS = 10_000;

/**
 * The common case of one task: per-seed values summarized by their IQM (or
 * mean) with its 95% stratified percentile bootstrap interval, drawn from
 * `rng`. Every resample's statistic averages some of the values, so the
 * point and the interval stay within the values' range. NaN without values
 * or with a non-finite one.
 */
export function seedEstimate(values: readonly number[], statistic: SeedStatistic, rng: Rng, options: Pick<BootstrapOptions, "reps" | "confidence"> = {}): SeedEstimate {
  if (values.length === 0 || values.some((v) => !Number.isFinite(v))) return { point: NaN, lo: NaN, hi: NaN };
  const e = intervalEstimate(values.map((v) => [v]), statistic, rng, { reps: options.reps ?? SEED_BOOTSTRAP_REPS, confidence: options.confidence });
  return { point: e.point, lo: e.lo, hi: e.hi };
}

// ---------------------------------------------------------------------------
// Wording

/**
 * The wording rule: "A better than B" only when the interval of P(A > B)
 * lies wholly above 0.5, "B better than A" when wholly below, otherwise
 * "no clear difference".
 */
export function verdict(interval: { lo: number; hi: number }): Verdict {
  if (interval.lo > 0.5) return "A better than B";
  if (interval.hi < 0.5) return "B better than A";
  return "no clear difference";
}

/** Compares design A with design B by P(A > B) and its interval, and words the result. */
export function comparePair(
  a: ScoreMatrix,
  b: ScoreMatrix,
  rng: Rng,
  options: Omit<BootstrapOptions, "taskBootstrap" | "clip"> & { names?: readonly [string, string] } = {},
): Comparison {
  const poi = probabilityOfImprovementInterval(a, b, rng, options);
  const v = verdict(poi);
  const [na, nb] = options.names ?? ["A", "B"];
  const text = v === "A better than B" ? `${na} better than ${nb}` : v === "B better than A" ? `${nb} better than ${na}` : "no clear difference";
  return { verdict: v, text, poi };
}
