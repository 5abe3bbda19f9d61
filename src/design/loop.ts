/**
 * The design loop every designer shares (Eureka's outer loop): a designer
 * proposes candidate reward specs; each meets the critic (and may be
 * repaired by its designer, once per allowed repair), then the pre-screen;
 * the survivors of an iteration train together (in worker threads when
 * `workers` > 1), once per training seed, and are scored by the mean
 * primary return of their runs' final evaluations (held-out episodes, the
 * task's own reward): a designer never judges a reward by itself. After the
 * last iteration the best few are trained again on seeds none of them was
 * judged on, and the best of that re-check wins.
 *
 * What a designer is told about a trained candidate is in `stats`: each
 * term's mean episode return, its success rate, and how its failed and
 * successful evaluation episodes differed (the trajectory analyzer's input).
 */
import { UserError } from "../core/errors.js";
import { compareDesigns } from "../runs/compare.js";
import type { RunConfig } from "../runs/config.js";
import type { OutcomeProfile, Outcomes } from "../runs/evaluate.js";
import type { RunSummary } from "../runs/train.js";
import { critique, type Verdict } from "./critic.js";
import { preferenceAccuracy, recordEpisodes, type RecordedEpisode } from "./prescreen.js";

export type Origin = "sparse" | "random" | "mutation" | "crossover" | "model" | "parameters";

/** What a designer proposes: a spec (perhaps invalid) and where it came from. */
export interface Proposal {
  /** The spec as written; the critic decides whether it is one. */
  spec: unknown;
  origin: Origin;
  /** The candidates it came from. */
  parents: string[];
  /** Why there is no spec to check (a reply with no spec in it): rejected before the critic. */
  error?: string;
  /** What the designer was asked and answered (a model's exchange ids), for the lineage. */
  calls?: number[];
  /** A second attempt after a rejection (a model's repair); absent: no second chance. */
  repair?(errors: string[]): Promise<Proposal>;
}

export interface Designer {
  /** `evolution`, or the model's name. */
  readonly name: string;
  /** The proposals of iteration `iteration`, knowing every candidate before it. */
  propose(iteration: number, history: readonly Candidate[]): Promise<Proposal[]>;
}

/** A trained candidate's statistics: what reflection is told. */
export interface CandidateStats {
  /** Each term's mean episode return (training's last window), averaged over seeds. */
  termReturns: Record<string, number>;
  /** Final evaluation success rate, averaged over seeds (NaN without success). */
  success: number;
  /** The final evaluations' failed and successful episodes, pooled over seeds (tasks with success). */
  outcomes?: Outcomes;
}

export interface Candidate {
  /** `i2-5`: the 5th candidate of iteration 2. */
  id: string;
  iteration: number;
  origin: Origin;
  parents: string[];
  /** The spec that was judged (after repairs). */
  spec: unknown;
  verdict: Verdict;
  /** Earlier attempts the critic rejected, each repaired by the designer. */
  attempts?: { spec: unknown; errors: string[] }[];
  /** The designer's calls behind it (exchange ids). */
  calls?: number[];
  /** What rejected it, when something did: before training (the critic, the pre-screen) or its training failing. */
  rejectedBy?: "critic" | "prescreen" | "training";
  /** Final primary return (evaluation) of each training seed's run; absent when it was rejected. */
  scores?: number[];
  /** Their mean: what the designer maximizes. */
  score?: number;
  stats?: CandidateStats;
  /** A finalist's mean final primary return on the final seeds. */
  finalScore?: number;
  /** With the pre-screen: P(a recorded success earns more than a recorded failure) under this reward (NaN without both kinds). */
  preference?: number;
}

export interface LoopOptions {
  /** Iterations (N). */
  iterations: number;
  /** Each candidate is trained once per seed. */
  seeds: readonly number[];
  /** Steps of the critic's random-policy check. */
  checkSteps: number;
  /** Seed of the critic's check and the pre-screen's episodes. */
  seed: number;
  /** Repairs a rejected candidate may get from its designer (default 1). */
  repairs?: number;
  /** The best distinct candidates re-checked on `finalSeeds` (default 3). */
  finalists?: number;
  finalSeeds?: readonly number[];
  /**
   * CARD's pre-screen: episodes of known outcome (`episodes` of a random
   * policy, and `demonstrations` replayed), and a candidate that ranks
   * their successes above their failures less often than `threshold` is
   * dropped before training (prescreen.ts).
   */
  prescreen?: { episodes: number; threshold: number; demonstrations?: readonly RecordedEpisode[] };
  /** Trainings at once, in worker threads (default 1). */
  workers?: number;
  /** Every candidate's runs in the run store at this path, under comparison `comparisonId`. */
  persist?: { dbPath: string; comparisonId: string };
}

export interface DesignHooks {
  /** Each candidate, once judged (rejected or trained). */
  onCandidate?(c: Candidate): void;
  /** Each iteration's end, with every candidate so far. */
  onIteration?(iteration: number, candidates: readonly Candidate[]): void;
}

export interface DesignResult {
  /** The best trained candidate: by its final score when there were final seeds, else by its score. */
  best: Candidate;
  /** The candidates re-checked on the final seeds, best of the search first. */
  finalists: Candidate[];
  /** Every candidate, in the order made: the lineage. */
  candidates: Candidate[];
  /** Training runs spent (a spec seen before is not trained again), and runs the critic and the pre-screen saved (rejected candidates × seeds). */
  runs: number;
  saved: number;
  /** Candidates rejected by the critic (after repairs), by the pre-screen, and whose training failed (a term that failed mid-run). */
  rejected: { critic: number; prescreen: number; training: number };
}

export async function designRewards(config: RunConfig, designer: Designer, options: LoopOptions, hooks: DesignHooks = {}): Promise<DesignResult> {
  checkFinalSeeds(options.seeds, options.finalSeeds ?? []);
  const { id, kwargs } = config.env;
  const candidates: Candidate[] = [];
  /** Scores by spec: the same spec on the same seeds trains the same runs (runs are deterministic), so it is not trained twice. */
  const known = new Map<string, RunSummary[] | string>();
  const rejected = { critic: 0, prescreen: 0, training: 0 };
  let runs = 0;
  let saved = 0;
  const recorded = options.prescreen ? [...recordEpisodes(id, kwargs, options.prescreen.episodes, options.seed), ...(options.prescreen.demonstrations ?? [])] : [];

  /** The critic, with the designer's repairs, then the pre-screen. */
  const screen = async (first: Proposal, cid: string, iteration: number): Promise<Candidate> => {
    const attempts: { spec: unknown; errors: string[] }[] = [];
    const calls: number[] = [];
    let p = first;
    let verdict: Verdict;
    for (let k = 0; ; k++) {
      calls.push(...(p.calls ?? []));
      verdict = p.error !== undefined ? { ok: false, errors: [p.error], warnings: [] } : critique(id, kwargs, p.spec, { steps: options.checkSteps, seed: options.seed });
      if (verdict.ok || !p.repair || k >= (options.repairs ?? 1)) break;
      attempts.push({ spec: p.spec, errors: verdict.errors });
      p = await p.repair(verdict.errors);
    }
    const c: Candidate = { id: cid, iteration, origin: first.origin, parents: first.parents, spec: p.spec, verdict, ...(attempts.length ? { attempts } : {}), ...(calls.length ? { calls } : {}) };
    if (!verdict.ok) c.rejectedBy = "critic";
    else if (options.prescreen) {
      const pref = preferenceAccuracy(id, kwargs, c.spec, recorded);
      c.preference = pref;
      if (pref < options.prescreen.threshold) {
        const wins = recorded.filter((e) => e.success).length;
        c.verdict = { ...verdict, ok: false, errors: [`prescreen: prefers failures (P(success > failure) = ${pref.toFixed(3)} over ${wins} × ${recorded.length - wins} recorded episodes, below ${options.prescreen.threshold})`] };
        c.rejectedBy = "prescreen";
      }
    }
    return c;
  };

  /**
   * Trains every spec not seen before, together, on `seeds`; returns each
   * spec's runs, or why its training failed (a term that failed mid-run).
   */
  const train = async (specs: readonly unknown[], seeds: readonly number[], tag: string): Promise<(RunSummary[] | string)[]> => {
    const fresh = [...new Set(specs.map((s) => JSON.stringify(s)))].filter((key) => !known.has(key + tag));
    const base = { ...config, seeds: [...seeds] } as RunConfig;
    const persist = options.persist ? { persist: { dbPath: options.persist.dbPath, comparisonId: options.persist.comparisonId } } : {};
    const trainAll = (keys: string[]) => compareDesigns(base, keys.map((key, k) => ({ name: `${tag || "candidate"} ${k}`, reward: JSON.parse(key) as RunConfig["reward"] })), { workers: options.workers ?? 1, ...persist });
    if (fresh.length > 0) {
      runs += fresh.length * seeds.length;
      try {
        (await trainAll(fresh)).forEach((s, k) => known.set(fresh[k] + tag, s.runs));
      } catch (e) {
        if (!(e instanceof UserError)) throw e;
        // One spec's failure stops the batch: train them one by one, so each is judged on its own.
        for (const key of fresh) {
          try {
            known.set(key + tag, (await trainAll([key]))[0].runs);
          } catch (err) {
            if (!(err instanceof UserError)) throw err;
            known.set(key + tag, `training: ${err.message}`);
          }
        }
      }
    }
    return specs.map((s) => known.get(JSON.stringify(s) + tag)!);
  };

  for (let it = 0; it < options.iterations; it++) {
    const proposals = await designer.propose(it, candidates);
    const screened = await Promise.all(proposals.map((p, k) => screen(p, `i${it}-${k}`, it)));
    const passing = screened.filter((c) => c.verdict.ok);
    const trained = await train(passing.map((c) => c.spec), options.seeds, "");
    passing.forEach((c, k) => {
      const runs = trained[k];
      if (typeof runs === "string") {
        c.verdict = { ...c.verdict, ok: false, errors: [runs] };
        c.rejectedBy = "training";
        return;
      }
      c.scores = runs.map((r) => r.finalPrimary);
      c.score = mean(c.scores);
      c.stats = statsOf(runs);
    });
    for (const c of screened) {
      if (c.rejectedBy) rejected[c.rejectedBy]++;
      // Rejected before training: the runs it would have cost were saved.
      if (c.rejectedBy === "critic" || c.rejectedBy === "prescreen") saved += options.seeds.length;
      candidates.push(c);
      hooks.onCandidate?.(c);
    }
    hooks.onIteration?.(it, candidates);
  }
  const best = ranked(candidates)[0];
  if (!best || best.score === undefined) throw new UserError("design", `no candidate passed the critic in ${options.iterations} iteration${options.iterations === 1 ? "" : "s"} (${candidates.length} rejected); see their errors`);
  const finalSeeds = options.finalSeeds ?? [];
  if (finalSeeds.length === 0 || (options.finalists ?? 3) === 0) return { best, finalists: [], candidates, runs, saved, rejected };
  const finalists: Candidate[] = [];
  for (const c of ranked(candidates)) {
    if (finalists.length >= (options.finalists ?? 3) || c.score === undefined) break;
    if (!finalists.some((f) => JSON.stringify(f.spec) === JSON.stringify(c.spec))) finalists.push(c);
  }
  const rechecked = await train(finalists.map((c) => c.spec), finalSeeds, " final");
  // A finalist trained on its seeds before; one that fails on the final seeds scores −∞ there.
  finalists.forEach((c, k) => {
    const runs = rechecked[k];
    c.finalScore = typeof runs === "string" ? -Infinity : mean(runs.map((r) => r.finalPrimary));
  });
  return { best: finalists.reduce((a, b) => (b.finalScore! > a.finalScore! ? b : a)), finalists, candidates, runs, saved, rejected };
}

/** Throws a `UserError` at `path` when a final seed is also a training seed: the re-check must use seeds no candidate was judged on. */
export function checkFinalSeeds(seeds: readonly number[], finalSeeds: readonly number[], path = "finalSeeds"): void {
  const overlap = finalSeeds.filter((s) => seeds.includes(s));
  if (overlap.length > 0) throw new UserError(path, `expected seeds no candidate is judged on; ${overlap.join(", ")} ${overlap.length > 1 ? "are" : "is"} also a training seed`);
}

/** Trained candidates, best first (ties: the earlier one); rejected ones last. */
export function ranked(cs: readonly Candidate[]): Candidate[] {
  const score = (c: Candidate) => c.score ?? -Infinity;
  return [...cs].sort((a, b) => score(b) - score(a) || cs.indexOf(a) - cs.indexOf(b));
}

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Per-term returns and success averaged over a candidate's runs; outcome profiles pooled over their final evaluations. */
function statsOf(runs: readonly RunSummary[]): CandidateStats {
  const termReturns: Record<string, number> = {};
  for (const name of Object.keys(runs[0].termReturns)) termReturns[name] = mean(runs.map((r) => r.termReturns[name]));
  const stats: CandidateStats = { termReturns, success: mean(runs.map((r) => r.finalSuccess)) };
  const last = runs.map((r) => finalOutcomes(r)).filter((o): o is Outcomes => o !== undefined);
  if (last.length > 0) stats.outcomes = { success: pool(last.map((o) => o.success)), failure: pool(last.map((o) => o.failure)) };
  return stats;
}

/** The outcome profiles of a run's result: its last evaluation of the policy it reports. */
function finalOutcomes(run: RunSummary): Outcomes | undefined {
  if (run.resultFrom === "training") return undefined;
  return run.evaluations.findLast((e) => e.policy === run.resultFrom)?.outcomes;
}

function pool(ps: readonly OutcomeProfile[]): OutcomeProfile {
  const episodes = ps.reduce((a, p) => a + p.episodes, 0);
  const weighted = (f: (p: OutcomeProfile) => number) => (episodes === 0 ? NaN : ps.reduce((a, p) => a + (p.episodes ? p.episodes * f(p) : 0), 0) / episodes);
  const events: Record<string, number> = {};
  for (const name of Object.keys(ps[0].events)) events[name] = episodes === 0 ? 0 : weighted((p) => p.events[name]);
  return { episodes, length: weighted((p) => p.length), truncated: episodes === 0 ? 0 : weighted((p) => p.truncated), events };
}
