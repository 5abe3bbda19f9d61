/**
 * The rules of `checkReward`, one function each: they read the sample's
 * statistics (and the program) and return findings.
 */
import type { UserError } from "../core/errors.js";
import { formatNumber, formatRatio } from "./format.js";
import { KINDS } from "./kinds/index.js";
import { checkMachine } from "./machines/index.js";
import type { RewardProgram, TermInfo } from "./program.js";
import type { RewardedVector } from "./rewarded.js";

export type Severity = "error" | "warning" | "info";
export type FindingCode = "non-finite" | "failed" | "dwarfs-primary" | "primary-silent" | "not-potential" | "potential" | "never-fires" | "no-episodes" | "machine-unreachable" | "machine-dead-end" | "machine-never-reached" | "machine-accepted" | (string & {});

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

/** What was sampled. */
export interface Sample {
  /** Sampled transitions (steps × environments). */
  count: number;
  steps: number;
  n: number;
  episodes: number;
  env: string;
  /** The sample was stopped early by a non-finite value. */
  cut: boolean;
}

/** The program's own message (term, environment, step), plus the environment id and the features of s and s′ there; `failed` for a term that could not compute at all (a sandboxed function that threw). */
export function nonFinite(e: UserError, rv: RewardedVector, step: number, steps: number): Finding {
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
    code: m ? "non-finite" : "failed",
    term: m ? JSON.parse(`"${m[1]}"`) : undefined,
    message: `${e.message} on ${rv.vec.id}${where}${cut}`,
    data: { path: e.path, env: i >= 0 ? i : null, step, value: m ? m[2] : null },
  };
}

export function magnitudeFindings(terms: readonly TermStats[], primary: TermStats, s: Sample, ratio: number): Finding[] {
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

export function shapingFindings(program: RewardProgram): Finding[] {
  return program.terms.flatMap((t, k): Finding[] => {
    if (t.role !== "auxiliary") return [];
    if (t.potentialBased) {
      const term = program.spec.terms[k];
      const note = KINDS.get(term.kind)?.shapingNote?.(term) ?? "";
      return [{ severity: "info", code: "potential", term: t.name, message: `term "${t.name}" is potential-based shaping${note}: it keeps the optimal policy provided γ is the learner's discount` }];
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

export function silenceFindings(terms: readonly TermStats[], primary: TermStats, s: Sample, program: RewardProgram): Finding[] {
  if (s.count === 0) return [];
  const primarySilentReported = primary.nonZero === 0 && terms.some((t) => t.role === "auxiliary" && t.nonZero > 0);
  const before = s.cut ? " before the error" : "";
  return terms.flatMap((t, k): Finding[] => {
    if (t.nonZero > 0 || (t.role === "primary" && primarySilentReported)) return [];
    const term = program.spec.terms[k];
    const why =
      t.weight === 0
        ? "its weight is 0"
        : (KINDS.get(term.kind)?.silentBecause?.(term) ?? "under a random policy it never pays; check its condition, or expect it to pay only on states a random policy does not reach");
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

/** The machine's structural issues (legal, almost surely mistakes), and how often a random policy completed it. */
export function machineFindings(program: RewardProgram, s: Sample, accepted: number | null): Finding[] {
  const machine = program.spec.machine;
  if (machine === undefined) return [];
  const out: Finding[] = checkMachine(machine as Parameters<typeof checkMachine>[0], "reward.machine").map((issue) => ({
    severity: "warning" as const,
    code: `machine-${issue.code.replace(/_/g, "-")}`,
    message: `${issue.path}: ${issue.message}`,
    data: { state: issue.state, path: issue.path },
  }));
  if (accepted !== null && s.count > 0) {
    out.push({
      severity: "info",
      code: "machine-accepted",
      message: `the reward machine reached a terminal state ${accepted} time${accepted === 1 ? "" : "s"} in ${s.count} sampled steps (${episodeCount(s.episodes)}) under a random policy`,
      data: { accepted, steps: s.count },
    });
  }
  return out;
}

function describeMagnitude(t: TermStats): string {
  const ep = t.episodeMeanAbs !== null ? `mean |episode sum| ${formatNumber(t.episodeMeanAbs)}, ` : "";
  return `${ep}per step ${formatNumber(t.stepMeanAbs)}`;
}

function episodeCount(k: number): string {
  return `${k} episode${k === 1 ? "" : "s"} ended`;
}
