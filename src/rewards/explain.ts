/**
 * `explainReward`: where a reward's return comes from. It plays whole
 * episodes with a policy (uniformly random for now) and reports, per term:
 *
 * - share: mean episode sum / Σ_k |mean episode sum_k| (signed; the |shares| sum to 1);
 * - mean, min and max contribution per step;
 * - mean episode sum (undiscounted);
 * - Pearson's r between the term's episode sum and the primary return
 *   (null when either is constant over the episodes).
 *
 * Episodes are not biased towards short ones: with n environments, each
 * contributes a fixed quota of its first episodes, whatever their lengths.
 *
 * @example
 * const report = explainReward(new RewardedVector(makeVector("DoorKey-5x5", 16), spec), { episodes: 20, seed: 0 });
 * report.rows.map((r) => [r.name, r.share]);
 */
import { UserError } from "../core/errors.js";
import type { TermInfo } from "./program.js";
import { checkPolicy, randomPolicy } from "./random-policy.js";
import type { RewardedVector } from "./rewarded.js";

export interface ExplainOptions {
  /** Episodes to play (default 20). */
  episodes?: number;
  seed?: number;
  policy?: string;
  /** Called with the number of episodes finished so far. */
  onProgress?: (done: number) => void;
}

export interface ExplainRow {
  readonly name: string;
  readonly kind: TermInfo["kind"];
  readonly role: TermInfo["role"];
  /** Signed share of the return; null when every term's mean episode sum is 0. */
  readonly share: number | null;
  readonly stepMean: number;
  readonly stepMin: number;
  readonly stepMax: number;
  readonly episodeMean: number;
  /** Pearson's r with the primary return; null when undefined. */
  readonly correlation: number | null;
}

export interface ExplainReport {
  readonly env: string;
  readonly policy: string;
  readonly seed: number;
  readonly episodes: number;
  readonly meanLength: number;
  /** Mean and standard deviation of the primary (true) return. */
  readonly primaryReturn: { readonly mean: number; readonly std: number };
  /** Mean episode sum of all terms (the total before the spec's own transforms). */
  readonly termsReturn: number;
  readonly rows: readonly ExplainRow[];
  /** Episode sums, one row per episode: each term's, then the primary return's. */
  readonly episodeSums: readonly (readonly number[])[];
}

/** Plays `rv` (reset here) for `episodes` episodes: at most that many environments, each a fixed quota. */
export function explainReward(rv: RewardedVector, options: ExplainOptions = {}): ExplainReport {
  const episodes = options.episodes ?? 20;
  const seed = options.seed ?? 0;
  const policy = options.policy ?? "random";
  checkPolicy(policy);
  const { reward, program, vec } = rv;
  if (!Number.isInteger(episodes) || episodes < 1) throw new UserError("--episodes", `expected an integer ≥ 1, got ${episodes}`);
  if (vec.n > episodes) throw new UserError("n", `expected at most ${episodes} environments for ${episodes} episodes, got ${vec.n}`);
  const n = vec.n;
  const K = program.terms.length;
  const act = randomPolicy(vec, seed);

  // Environment i plays exactly quota[i] episodes, so long episodes are not under-counted.
  const quota = Array.from({ length: n }, (_, i) => Math.floor(episodes / n) + (i < episodes % n ? 1 : 0));
  const stepSum = new Float64Array(K);
  const stepMin = new Float64Array(K).fill(Infinity);
  const stepMax = new Float64Array(K).fill(-Infinity);
  let stepCount = 0;
  let length = 0;
  const sums: number[][] = [];

  rv.reset(seed);
  while (sums.length < episodes) {
    rv.step(act());
    for (let i = 0; i < n; i++) {
      if (quota[i] === 0) continue;
      stepCount++;
      for (let k = 0; k < K; k++) {
        const v = reward.terms[k][i];
        stepSum[k] += v;
        if (v < stepMin[k]) stepMin[k] = v;
        if (v > stepMax[k]) stepMax[k] = v;
      }
      if (!vec.terminated[i] && !vec.truncated[i]) continue;
      quota[i]--;
      length += vec.episodeLength[i];
      sums.push([...reward.finishedTerms.map((col) => col[i]), reward.finishedPrimary[i]]);
      options.onProgress?.(sums.length);
    }
  }

  const table = summarize(sums, K);
  return {
    env: vec.id,
    policy,
    seed,
    episodes,
    meanLength: length / episodes,
    primaryReturn: table.primary,
    termsReturn: table.means.reduce((a, b) => a + b, 0),
    rows: program.terms.map((t, k) => ({
      name: t.name,
      kind: t.kind,
      role: t.role,
      share: table.shares[k],
      stepMean: stepSum[k] / stepCount,
      stepMin: stepMin[k],
      stepMax: stepMax[k],
      episodeMean: table.means[k],
      correlation: table.correlations[k],
    })),
    episodeSums: sums,
  };
}

/**
 * Shares and correlations from episode sums: `sums[e]` holds episode e's
 * sum of each of the K terms, then its primary return.
 */
export function summarize(sums: readonly (readonly number[])[], K: number) {
  const column = (k: number) => sums.map((row) => row[k]);
  const means = Array.from({ length: K }, (_, k) => mean(column(k)));
  const scale = means.reduce((a, m) => a + Math.abs(m), 0);
  const primary = column(K);
  return {
    means,
    shares: means.map((m) => (scale > 0 ? m / scale : null)),
    correlations: Array.from({ length: K }, (_, k) => pearson(column(k), primary)),
    primary: { mean: mean(primary), std: std(primary) },
  };
}

/** Pearson's r = cov(x, y) / (σx·σy); null when fewer than 2 points or either is constant. */
export function pearson(x: readonly number[], y: readonly number[]): number | null {
  if (x.length !== y.length) throw new Error(`pearson: lengths differ (${x.length} vs ${y.length})`);
  if (x.length < 2) return null;
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    const dx = x[i] - mx;
    const dy = y[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  // Relative tolerance: sums of float32 rewards that "are" constant differ in the last bits.
  const tiny = (v: number, m: number) => v <= 1e-20 * Math.max(1, m * m * x.length);
  if (tiny(sxx, mx) || tiny(syy, my)) return null;
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

function mean(x: readonly number[]): number {
  return x.length ? x.reduce((a, b) => a + b, 0) / x.length : 0;
}

/** Sample standard deviation (n − 1); 0 for one value. */
function std(x: readonly number[]): number {
  if (x.length < 2) return 0;
  const m = mean(x);
  return Math.sqrt(x.reduce((a, v) => a + (v - m) ** 2, 0) / (x.length - 1));
}
