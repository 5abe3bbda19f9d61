/**
 * `checkReward`: a lint for reward specs. It compiles the spec against an
 * environment, samples a uniformly random policy on a vector, and returns
 * findings, each with a severity:
 *
 * - error `failed`: a term could not compute (a sandboxed function threw or
 *   ran past its limits), with its reason; sampling stops there;
 * - error `non-finite`: a term produced NaN or ±∞ (with term, environment,
 *   step and the features of s and s′);
 * - warning `dwarfs-primary` / `primary-silent`: auxiliary terms whose
 *   magnitude swamps the true objective, with the numbers;
 * - warning `not-potential`: auxiliary shaping that may change the optimal
 *   policy; info `potential` for shaping that provably does not;
 * - warning `never-fires`: terms that were zero on every sampled step;
 * - for a spec with a reward machine: warnings from `checkMachine`
 *   (`machine-unreachable`, `machine-dead-end`, `machine-never-reached`) and
 *   info `machine-accepted`, how often a random policy completed it.
 *
 * The findings are data; `rewardlab reward check` prints them.
 *
 * @example
 * const report = checkReward(new RewardedVector(makeVector("DoorKey-8x8", 16), spec), { steps: 2000, seed: 0 });
 * report.findings.filter((f) => f.severity === "error");
 */
import { UserError } from "../core/errors.js";
import { machineFindings, magnitudeFindings, nonFinite, shapingFindings, silenceFindings, type Finding, type Sample, type Severity, type TermStats } from "./check-findings.js";
import { ACCEPT_EVENT } from "./machines/index.js";
import { randomPolicy } from "./random-policy.js";
import type { RewardedVector } from "./rewarded.js";

// ── 1. OPTIONS AND REPORT ─────────────────────────────────────────────────

export type { Finding, FindingCode, Severity, TermStats } from "./check-findings.js";

export interface CheckOptions {
  /** Steps of each environment of the vector (default 2000). */
  steps?: number;
  seed?: number;
  /** An auxiliary term "dwarfs" the primary beyond this ratio of magnitudes (default 10). */
  dwarfRatio?: number;
  /** Called every 100 steps with the steps taken so far. */
  onProgress?: (steps: number) => void;
}

export interface CheckReport {
  readonly env: string;
  readonly numEnvs: number;
  /** Steps each environment took (fewer than asked when a non-finite value stopped the sample). */
  readonly steps: number;
  readonly seed: number;
  readonly episodes: number;
  readonly terminated: number;
  readonly truncated: number;
  readonly meanEpisodeLength: number | null;
  readonly terms: readonly TermStats[];
  readonly primary: TermStats;
  /** Errors first, then warnings, then info. */
  readonly findings: readonly Finding[];
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

// ── 2. SAMPLE ─────────────────────────────────────────────────────────────

/** Running moments of one column: per-step magnitudes and range, per-episode sums. */
class Tally {
  sumAbs = 0;
  min = Infinity;
  max = -Infinity;
  nonZero = 0;
  episodeSumAbs = 0;
  step(v: number): void {
    this.sumAbs += Math.abs(v);
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
    if (v !== 0) this.nonZero++;
  }
  stats(info: Omit<TermStats, "stepMeanAbs" | "stepMin" | "stepMax" | "nonZero" | "episodeMeanAbs">, count: number, episodes: number): TermStats {
    return {
      ...info,
      stepMeanAbs: count ? this.sumAbs / count : 0,
      stepMin: count ? this.min : 0,
      stepMax: count ? this.max : 0,
      nonZero: this.nonZero,
      episodeMeanAbs: episodes ? this.episodeSumAbs / episodes : null,
    };
  }
}

/**
 * Samples `rv` (reset here) with a random policy and returns the findings.
 * Build it with `new RewardedVector(vec, spec)`, or `makeRewarded` for specs
 * with a reward machine: a spec that does not compile fails there, as a `UserError`.
 */
export function checkReward(rv: RewardedVector, options: CheckOptions = {}): CheckReport {
  const steps = options.steps ?? 2000;
  const seed = options.seed ?? 0;
  const ratio = options.dwarfRatio ?? 10;
  const { reward, program, vec } = rv;
  const n = vec.n;
  const tallies = program.terms.map(() => new Tally());
  const primary = new Tally();
  const act = randomPolicy(vec, seed);
  const findings: Finding[] = [];
  let episodes = 0;
  let terminated = 0;
  let truncated = 0;
  let length = 0;
  let accepted = 0;
  const acceptBit = vec.eventNames.includes(ACCEPT_EVENT) ? vec.eventMask(ACCEPT_EVENT) : 0;
  let t = 0;

  rv.reset(seed);
  for (; t < steps; t++) {
    try {
      rv.step(act());
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      findings.push(nonFinite(e, rv, t + 1, steps));
      break;
    }
    for (let k = 0; k < tallies.length; k++) {
      const col = reward.terms[k];
      const tally = tallies[k];
      for (let i = 0; i < n; i++) tally.step(col[i]);
    }
    if ((t + 1) % 100 === 0) options.onProgress?.(t + 1);
    for (let i = 0; i < n; i++) {
      primary.step(reward.primary[i]);
      if (vec.events[i] & acceptBit) accepted++;
      if (!vec.terminated[i] && !vec.truncated[i]) continue;
      episodes++;
      if (vec.terminated[i]) terminated++;
      else truncated++;
      length += vec.episodeLength[i];
      for (let k = 0; k < tallies.length; k++) tallies[k].episodeSumAbs += Math.abs(reward.finishedTerms[k][i]);
      primary.episodeSumAbs += Math.abs(reward.finishedPrimary[i]);
    }
  }

  const count = t * n;
  const terms = program.terms.map((info, k) => tallies[k].stats({ name: info.name, kind: info.kind, role: info.role, weight: info.weight, potentialBased: info.potentialBased }, count, episodes));
  const primaryStats = primary.stats({ name: "primary", kind: "primary", role: "primary", weight: 1, potentialBased: false }, count, episodes);
  const sample: Sample = { count, steps: t, n, episodes, env: vec.id, cut: t < steps };
  findings.push(
    ...magnitudeFindings(terms, primaryStats, sample, ratio),
    ...shapingFindings(program),
    ...silenceFindings(terms, primaryStats, sample, program),
    ...machineFindings(program, sample, acceptBit ? accepted : null),
  );
  findings.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  return {
    env: vec.id,
    numEnvs: n,
    steps: t,
    seed,
    episodes,
    terminated,
    truncated,
    meanEpisodeLength: episodes ? length / episodes : null,
    terms,
    primary: primaryStats,
    findings,
  };
}
