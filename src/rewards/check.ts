/**
 * `checkReward`: a lint for reward specs. It compiles the spec against an
 * environment, samples a uniformly random policy on a vector, and returns
 * findings, each with a severity:
 *
 * - error `non-finite`: a term produced NaN or ±∞ (with term, environment,
 *   step and the features of s and s′);
 * - warning `dwarfs-primary` / `primary-silent`: auxiliary terms whose
 *   magnitude swamps the true objective, with the numbers;
 * - warning `not-potential`: auxiliary shaping that may change the optimal
 *   policy; info `potential` for shaping that provably does not;
 * - warning `never-fires`: terms that were zero on every sampled step.
 *
 * The findings are data; `rewardlab reward check` prints them.
 *
 * @example
 * const report = checkReward(new RewardedVector(makeVector("DoorKey-8x8", 16), spec), { steps: 2000, seed: 0 });
 * report.findings.filter((f) => f.severity === "error");
 */
import { UserError } from "../core/errors.js";
import { formatNumber, formatRatio } from "./format.js";
import type { RewardProgram, TermInfo } from "./program.js";
import { randomPolicy } from "./random-policy.js";
import type { RewardedVector } from "./rewarded.js";

// ── 1. OPTIONS AND REPORT ─────────────────────────────────────────────────

export interface CheckOptions {
  /** Steps of each environment of the vector (default 2000). */
  steps?: number;
  seed?: number;
  /** An auxiliary term "dwarfs" the primary beyond this ratio of magnitudes (default 10). */
  dwarfRatio?: number;
  /** Called every 100 steps with the steps taken so far. */
  onProgress?: (steps: number) => void;
}

export type Severity = "error" | "warning" | "info";
export type FindingCode = "non-finite" | "dwarfs-primary" | "primary-silent" | "not-potential" | "potential" | "never-fires" | "no-episodes" | (string & {});

export interface Finding {
  readonly severity: Severity;
  readonly code: FindingCode;
  /** The term the finding is about, if one. */
  readonly term?: string;
  /** One line: what was found, with the numbers. */
  readonly message: string;
  /** The numbers behind the message, for `--json`. */
  readonly data?: Readonly<Record<string, number | string | null>>;
}

/** What one term (or the primary reward, the sum of the primary terms) paid in the sample. */
export interface TermStats {
  readonly name: string;
  readonly kind: TermInfo["kind"] | "primary";
  readonly role: TermInfo["role"];
  readonly weight: number;
  readonly potentialBased: boolean;
  /** Mean |contribution| per step, over every sampled step of every environment. */
  readonly stepMeanAbs: number;
  readonly stepMin: number;
  readonly stepMax: number;
  /** Sampled steps on which the contribution was non-zero. */
  readonly nonZero: number;
  /** Mean |sum over an episode| over finished episodes (null when none finished). */
  readonly episodeMeanAbs: number | null;
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
  findings.push(...magnitudeFindings(terms, primaryStats, sample, ratio), ...shapingFindings(program), ...silenceFindings(terms, primaryStats, sample, program));
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

interface Sample {
  /** Sampled transitions (steps × environments). */
  count: number;
  steps: number;
  n: number;
  episodes: number;
  env: string;
  /** The sample was stopped early by a non-finite value. */
  cut: boolean;
}

// ── 3. FINDINGS ───────────────────────────────────────────────────────────

/** The program's own message (term, environment, step), plus the environment id and the features of s and s′ there. */
function nonFinite(e: UserError, rv: RewardedVector, step: number, steps: number): Finding {
  const m = /term "((?:[^"\\]|\\.)*)" produced (\S+) in environment (\d+)/.exec(e.problem);
  const i = m ? Number(m[3]) : -1;
  const features = rv.program.features.slice(0, 8);
  const where =
    i >= 0 && i < rv.n && features.length
      ? `; features of s → s′ there: ${features.map((f, j) => `${f} ${formatNumber(rv.batch.prev[j][i])} → ${formatNumber(rv.batch.next[j][i])}`).join(", ")}`
      : "";
  const cut = step < steps ? `; sampling stopped at step ${step} of ${steps}, so the figures below cover ${step - 1} step${step === 2 ? "" : "s"}` : "";
  return {
    severity: "error",
    code: "non-finite",
    term: m ? JSON.parse(`"${m[1]}"`) : undefined,
    message: `${e.message} on ${rv.vec.id}${where}${cut}`,
    data: { path: e.path, env: i >= 0 ? i : null, step, value: m ? m[2] : null },
  };
}

function magnitudeFindings(terms: readonly TermStats[], primary: TermStats, s: Sample, ratio: number): Finding[] {
  if (s.count === 0) return [];
  const out: Finding[] = [];
  const aux = terms.filter((t) => t.role === "auxiliary" && t.nonZero > 0);
  const scope = `${s.count} sampled steps (${s.n} environments × ${s.steps})`;
  if (primary.nonZero === 0) {
    if (aux.length === 0) return out;
    const list = aux.map((t) => `"${t.name}" (${describeMagnitude(t)})`).join(", ");
    out.push({
      severity: "warning",
      code: "primary-silent",
      message: `the primary reward paid nothing in ${scope}, ${episodeCount(s.episodes)}, while auxiliary terms did: ${list}; under a random policy they are all a learner sees at first, so they decide what it learns`,
      data: { steps: s.count, episodes: s.episodes },
    });
    return out;
  }
  if (s.episodes === 0) {
    out.push({ severity: "info", code: "no-episodes", message: `no episode ended in ${scope} on ${s.env}: magnitudes are compared per step only; raise --steps to compare episode sums` });
  }
  for (const t of aux) {
    // Episode sums are the fair comparison (a potential telescopes, a sparse task pays once); per step when no episode ended.
    const perEpisode = s.episodes > 0;
    const mine = perEpisode ? t.episodeMeanAbs! : t.stepMeanAbs;
    const theirs = perEpisode ? primary.episodeMeanAbs! : primary.stepMeanAbs;
    if (!(mine > ratio * theirs)) continue;
    const times = theirs > 0 ? mine / theirs : Infinity;
    const measure = perEpisode ? "mean |episode sum|" : "mean |contribution| per step";
    const rest = perEpisode ? `; per step mean |contribution| ${formatNumber(t.stepMeanAbs)} vs ${formatNumber(primary.stepMeanAbs)}` : "";
    const caveat = t.potentialBased
      ? "; it is potential-based, so the optimal policy is unchanged, but at this scale it dominates what is learned early"
      : `; the learner will mostly optimise this term (scale it down, or check its weight ${formatNumber(t.weight)})`;
    out.push({
      severity: t.potentialBased ? "info" : "warning",
      code: "dwarfs-primary",
      term: t.name,
      message: `term "${t.name}" dwarfs the primary reward: ${measure} ${formatNumber(mine)} vs ${formatNumber(theirs)} for the primary (${formatRatio(times)})${rest}${caveat}`,
      data: { ratio: Number.isFinite(times) ? times : null, episodeMeanAbs: t.episodeMeanAbs, primaryEpisodeMeanAbs: primary.episodeMeanAbs, stepMeanAbs: t.stepMeanAbs, primaryStepMeanAbs: primary.stepMeanAbs },
    });
  }
  return out;
}

function shapingFindings(program: RewardProgram): Finding[] {
  return program.terms.flatMap((t, k): Finding[] => {
    if (t.role !== "auxiliary") return [];
    if (t.potentialBased) {
      const term = program.spec.terms[k];
      const gamma = term.kind === "potential" ? ` (γ = ${term.gamma})` : "";
      return [{ severity: "info", code: "potential", term: t.name, message: `term "${t.name}" is potential-based shaping${gamma}: it keeps the optimal policy provided γ is the learner's discount` }];
    }
    return [
      {
        severity: "warning",
        code: "not-potential",
        term: t.name,
        message: `auxiliary term "${t.name}" (${t.kind}) is not potential-based shaping and may change the optimal policy (a learner can come to prefer it to the task); if it encodes progress, write it as a potential (kind: potential, phi: …), and if it is part of what you want, give it role: primary`,
      },
    ];
  });
}

function silenceFindings(terms: readonly TermStats[], primary: TermStats, s: Sample, program: RewardProgram): Finding[] {
  if (s.count === 0) return [];
  const primarySilentReported = primary.nonZero === 0 && terms.some((t) => t.role === "auxiliary" && t.nonZero > 0);
  const before = s.cut ? " before the error" : "";
  return terms.flatMap((t, k): Finding[] => {
    if (t.nonZero > 0 || (t.role === "primary" && primarySilentReported)) return [];
    const term = program.spec.terms[k];
    const why =
      t.weight === 0
        ? "its weight is 0"
        : term.kind === "event"
          ? `event "${term.event}" never fired under a random policy`
          : "under a random policy it never pays; check its condition, or expect it to pay only on states a random policy does not reach";
    return [
      {
        severity: "warning",
        code: "never-fires",
        term: t.name,
        message: `term "${t.name}" was 0 on all ${s.count} sampled steps${before} (${s.n} environments × ${s.steps}, ${episodeCount(s.episodes)}): ${why}`,
        data: { steps: s.count },
      },
    ];
  });
}

function describeMagnitude(t: TermStats): string {
  const ep = t.episodeMeanAbs !== null ? `mean |episode sum| ${formatNumber(t.episodeMeanAbs)}, ` : "";
  return `${ep}per step ${formatNumber(t.stepMeanAbs)}`;
}

function episodeCount(k: number): string {
  return `${k} episode${k === 1 ? "" : "s"} ended`;
}
