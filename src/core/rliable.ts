/**
 * Aggregate statistics over runs × tasks as rliable computes them (Agarwal et
 * al. 2021, "Deep Reinforcement Learning at the Edge of the Statistical
 * Precipice"; google-research/rliable at commit
 * 3ccd9f4dea577a04d3d2b557f259aac08badbd81, rliable/metrics.py and
 * rliable/library.py).
 *
 * A score matrix is `scores[run][task]`, rliable's (num_runs × num_tasks).
 * Everything here is a pure function of plain arrays; every random draw comes
 * from the `Rng` passed in.
 *
 * What matches the published code, and how closely (fixtures/rliable/, made by
 * running rliable's own metrics.py with numpy and scipy):
 * - aggregate mean, median, optimality gap and probability of improvement:
 *   bit for bit. The sums are numpy's: pairwise summation (8 accumulators,
 *   blocks of 128) along a contiguous axis, a plain running sum down the runs
 *   of a matrix with more than one task, as `np.mean(scores, axis=0)` does.
 *   P(X > Y) per task is the Mann–Whitney U of X over n·m (ties count 1/2),
 *   counted exactly, which is what scipy's rank sums give.
 * - IQM: scipy.stats.trim_mean(scores, 0.25, axis=None) over the flattened
 *   matrix. It cuts int(0.25·n) values, rounded down, from each end: with 10
 *   values it drops 2 and 2 and averages 6; with 3 or fewer it drops none and
 *   is the plain mean. scipy sums the kept values in the order np.partition
 *   leaves them, which depends on numpy's introselect; here they are summed
 *   sorted, so the two agree to a few units in the last place (the fixture
 *   test allows 1e-12 relative), not always bit for bit.
 * - Percentile intervals: arch's `conf_int(method="percentile")`, which
 *   rliable's `get_interval_estimates` calls: α = (1 − size)/2 and
 *   `np.percentile(replicates, [100α, 100(1 − α)])` with numpy's linear
 *   interpolation (its two-sided lerp), bit for bit given the same replicates.
 * - Resampling: rliable's StratifiedBootstrap resamples the runs of each task
 *   independently (an index drawn per cell, in row-major order; with
 *   `taskBootstrap` the tasks too), StratifiedIndependentBootstrap resamples X
 *   and Y independently for P(X > Y). Same scheme here, but the draws come from
 *   rewardlab's xoshiro128** `Rng`, not numpy's global Mersenne Twister
 *   (rliable calls `np.random.choice` and ignores its `random_state`), so the
 *   intervals differ from a run of rliable by Monte Carlo noise only; the
 *   tests check their coverage, determinism and range instead. IQM and
 *   P(X > Y) replicates sort each resample by counting how often each score
 *   was drawn (no comparison sort per replicate); that gives the same sorted
 *   array, so the same replicate, as the plain statistic on the resample.
 *   50 000 replicates of four aggregates on 100 runs × 26 tasks take about
 *   10 s.
 *
 * Ranges: a percentile interval is made of values of the statistic (two
 * neighbouring replicates and a point between them), so it never leaves the
 * range the statistic can take; a success rate's interval stays in [0, 1].
 * Floating point can still put the statistic itself an ulp outside the data:
 * the float mean of [0.1, 0.1, 0.1] is 0.10000000000000002. `clip` clamps the
 * point and the interval to a declared range for bounded metrics; rliable has
 * no such option and never needs more than that ulp.
 */
import type { Rng } from "./rng.js";

/** Scores as `scores[run][task]` (rliable's num_runs × num_tasks). */
export type ScoreMatrix = readonly (readonly number[])[];

/** A custom aggregate: a number from a (resampled) score matrix. */
export type Statistic = (scores: number[][]) => number;

export type AggregateName = "iqm" | "mean" | "median" | "optimalityGap";

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

/** A validated matrix, row-major. */
interface Flat {
  data: Float64Array;
  runs: number;
  tasks: number;
}

// ---------------------------------------------------------------------------
// numpy's summation

/** numpy's pairwise sum of xs[start, start + n) (its float64 `add.reduce` along a contiguous axis). */
export function pairwiseSum(xs: ArrayLike<number>, start = 0, n = xs.length - start): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += xs[start + i];
    return res;
  }
  if (n <= 128) {
    let r0 = xs[start], r1 = xs[start + 1], r2 = xs[start + 2], r3 = xs[start + 3];
    let r4 = xs[start + 4], r5 = xs[start + 5], r6 = xs[start + 6], r7 = xs[start + 7];
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      const k = start + i;
      r0 += xs[k]; r1 += xs[k + 1]; r2 += xs[k + 2]; r3 += xs[k + 3];
      r4 += xs[k + 4]; r5 += xs[k + 5]; r6 += xs[k + 6]; r7 += xs[k + 7];
    }
    let res = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7));
    for (; i < n; i++) res += xs[start + i];
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(xs, start, n2) + pairwiseSum(xs, start + n2, n - n2);
}

/** `np.mean` of a 1-D array. */
function npMean(xs: ArrayLike<number>, start = 0, n = xs.length - start): number {
  return pairwiseSum(xs, start, n) / n;
}

/** `np.mean(scores, axis=0)`: a running sum down the runs, pairwise when there is one task (a contiguous column). */
function taskMeans(m: Flat): Float64Array {
  const out = new Float64Array(m.tasks);
  if (m.tasks === 1) {
    out[0] = npMean(m.data);
    return out;
  }
  for (let j = 0; j < m.tasks; j++) {
    let s = 0;
    for (let i = 0; i < m.runs; i++) s += m.data[i * m.tasks + j];
    out[j] = s / m.runs;
  }
  return out;
}

/** `np.mean(scores, axis=1)`: each run's mean over tasks. */
function runMeans(m: Flat): number[] {
  return Array.from({ length: m.runs }, (_, i) => npMean(m.data, i * m.tasks, m.tasks));
}

// ---------------------------------------------------------------------------
// Validation

function flatten(scores: ScoreMatrix, name = "scores"): Flat {
  const runs = scores.length;
  if (runs === 0) throw new RangeError(`${name}: expected at least one run`);
  const tasks = scores[0].length;
  if (tasks === 0) throw new RangeError(`${name}: expected at least one task`);
  const data = new Float64Array(runs * tasks);
  for (let i = 0; i < runs; i++) {
    const row = scores[i];
    if (row.length !== tasks) throw new RangeError(`${name}: run ${i} has ${row.length} tasks, run 0 has ${tasks}`);
    for (let j = 0; j < tasks; j++) {
      const x = row[j];
      if (typeof x !== "number" || Number.isNaN(x)) throw new RangeError(`${name}[${i}][${j}]: expected a number, got ${x}`);
      data[i * tasks + j] = x;
    }
  }
  return { data, runs, tasks };
}

function toMatrix(m: Flat): number[][] {
  return Array.from({ length: m.runs }, (_, i) => Array.from(m.data.subarray(i * m.tasks, (i + 1) * m.tasks)));
}

function isMatrix(scores: readonly number[] | ScoreMatrix): scores is ScoreMatrix {
  return scores.length > 0 && Array.isArray(scores[0]);
}

// ---------------------------------------------------------------------------
// Point estimates (rliable/metrics.py)

/**
 * scipy.stats.trim_mean: the mean after cutting int(proportion · n) values,
 * rounded down, from each end of the sorted values. NaN for no values.
 */
export function trimMean(xs: ArrayLike<number>, proportionToCut: number): number {
  const n = xs.length;
  if (n === 0) return NaN;
  const cut = Math.trunc(proportionToCut * n);
  if (cut > n - cut) throw new RangeError(`trimMean: proportion ${proportionToCut} too big`);
  const sorted = Float64Array.from(xs).sort();
  return npMean(sorted, cut, n - 2 * cut);
}

/**
 * Interquartile mean: the 25% trimmed mean of all the values (rliable's
 * `aggregate_iqm` over the flattened runs × tasks matrix, or over a flat list).
 */
export function iqm(scores: readonly number[] | ScoreMatrix): number {
  if (isMatrix(scores)) return iqmFlat(flatten(scores));
  if (scores.some((x) => Number.isNaN(x))) throw new RangeError("iqm: NaN score");
  return trimMean(scores, 0.25);
}

/** Mean over tasks of each task's mean over runs (rliable's `aggregate_mean`). */
export function aggregateMean(scores: ScoreMatrix): number {
  return meanFlat(flatten(scores));
}

/** Median over tasks of each task's mean over runs (rliable's `aggregate_median`). */
export function aggregateMedian(scores: ScoreMatrix): number {
  return medianFlat(flatten(scores));
}

/** γ − mean(min(score, γ)) over all runs and tasks (rliable's `aggregate_optimality_gap`). */
export function optimalityGap(scores: ScoreMatrix, gamma = 1): number {
  return optimalityGapFlat(flatten(scores), gamma);
}

/** P(X > Y) on each task: Mann–Whitney U of X over n·m, ties counting 1/2. */
export function improvementProbabilities(x: ScoreMatrix, y: ScoreMatrix): number[] {
  const [fx, fy] = pairOf(x, y);
  return Array.from(poiPerTask(fx, fy));
}

/** P(X > Y) averaged over tasks (rliable's `probability_of_improvement`). */
export function probabilityOfImprovement(x: ScoreMatrix, y: ScoreMatrix): number {
  const [fx, fy] = pairOf(x, y);
  return poiFlat(fx, fy);
}

/** Fraction of all runs × tasks scores strictly above each τ (rliable's `score_distributions`). */
export function scoreDistribution(scores: ScoreMatrix, taus: readonly number[]): number[] {
  return profileFlat(flatten(scores), taus, false);
}

/** Fraction of task means (over runs) strictly above each τ (rliable's `average_score_distributions`). */
export function averageScoreDistribution(scores: ScoreMatrix, taus: readonly number[]): number[] {
  return profileFlat(flatten(scores), taus, true);
}

function iqmFlat(m: Flat): number {
  return trimMean(m.data, 0.25);
}

function meanFlat(m: Flat): number {
  return npMean(taskMeans(m));
}

function medianFlat(m: Flat): number {
  const t = taskMeans(m).sort();
  const n = t.length;
  const h = n >> 1;
  return n % 2 === 1 ? t[h] : (0 + t[h - 1] + t[h]) / 2;
}

function optimalityGapFlat(m: Flat, gamma: number): number {
  const clipped = m.data.map((x) => (x < gamma ? x : gamma));
  return gamma - npMean(clipped);
}

function pairOf(x: ScoreMatrix, y: ScoreMatrix): [Flat, Flat] {
  const fx = flatten(x, "x");
  const fy = flatten(y, "y");
  if (fx.tasks !== fy.tasks) throw new RangeError(`probability of improvement: x has ${fx.tasks} tasks, y has ${fy.tasks}`);
  return [fx, fy];
}

function column(m: Flat, j: number): Float64Array {
  const c = new Float64Array(m.runs);
  for (let i = 0; i < m.runs; i++) c[i] = m.data[i * m.tasks + j];
  return c;
}

function poiPerTask(x: Flat, y: Flat): Float64Array {
  const out = new Float64Array(x.tasks);
  for (let j = 0; j < x.tasks; j++) {
    const cx = column(x, j);
    const cy = column(y, j);
    if (cx.length === cy.length && cx.every((v, i) => v === cy[i])) {
      out[j] = 0.5; // rliable's np.array_equal shortcut (U gives 0.5 here too)
      continue;
    }
    out[j] = twiceU(cx.sort(), cy.sort()) / 2 / (x.runs * y.runs);
  }
  return out;
}

/** 2·U for sorted samples: pairs with x > y count 2, ties 1 (an exact integer). */
function twiceU(sx: Float64Array, sy: Float64Array): number {
  let below = 0; // ys < current x
  let upTo = 0; // ys ≤ current x
  let twice = 0;
  for (let i = 0; i < sx.length; i++) {
    const v = sx[i];
    while (below < sy.length && sy[below] < v) below++;
    if (upTo < below) upTo = below;
    while (upTo < sy.length && sy[upTo] <= v) upTo++;
    twice += 2 * below + (upTo - below);
  }
  return twice;
}

function poiFlat(x: Flat, y: Flat): number {
  return npMean(poiPerTask(x, y));
}

function profileFlat(m: Flat, taus: readonly number[], average: boolean): number[] {
  const values = average ? taskMeans(m) : m.data;
  return taus.map((tau) => {
    let above = 0;
    for (const v of values) if (v > tau) above++;
    return above / values.length;
  });
}

const AGGREGATES: Record<AggregateName, (m: Flat) => number> = {
  iqm: iqmFlat,
  mean: meanFlat,
  median: medianFlat,
  optimalityGap: (m) => optimalityGapFlat(m, 1),
};

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
