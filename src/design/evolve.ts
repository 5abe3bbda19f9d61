/**
 * The model-free designer: evolutionary search over reward specs (REvolve,
 * Hazra et al. 2024, with the population and elitism of a plain genetic
 * algorithm), the baseline every model-driven designer is compared with on
 * the same budget.
 *
 * Iteration 0 is the task's own reward alone plus random specs; each later
 * iteration keeps the `elite` best candidates so far and fills the rest of
 * the population with their children (a mutation, or a crossover of two
 * elites). Every new candidate goes through the critic first (and, when
 * asked, the pre-screen on recorded episodes); only those it passes are
 * trained, one run per training seed with the run config's
 * learner and budget, and scored by the mean primary return of the runs'
 * final evaluations (held-out episodes, the task's own reward): the
 * designer never judges a reward by itself.
 */
import { UserError } from "../core/errors.js";
import { Rng } from "../core/rng.js";
import { makeRewarded } from "../rewards/make.js";
import { parseRewardSpec } from "../rewards/spec.js";
import type { RunConfig } from "../runs/config.js";
import { runTraining } from "../runs/train.js";
import { critique, type Verdict } from "./critic.js";
import { preferenceAccuracy, recordEpisodes } from "./prescreen.js";
import { crossover, mutate, randomSpec, sparseSpec, vocabularyOf, type CandidateSpec, type GenomeOptions } from "./genome.js";

export interface EvolveOptions {
  /** Candidates per iteration (K). */
  population: number;
  /** Iterations (N). */
  iterations: number;
  /** Best candidates carried into the next iteration unchanged (and not retrained). */
  elite: number;
  /** Each candidate is trained once per seed. */
  seeds: readonly number[];
  /** Steps of the critic's random-policy check. */
  checkSteps: number;
  /** At most this many auxiliary terms in a spec. */
  maxTerms: number;
  /** The designer's own random stream. */
  seed: number;
  /**
   * After the last iteration, the `finalists` best distinct candidates are
   * trained again on `finalSeeds` (seeds no candidate was judged on) and
   * the best of that re-check wins: picking on few seeds finds luck.
   * Without final seeds, the best score of the search wins.
   */
  finalists?: number;
  finalSeeds?: readonly number[];
  /**
   * CARD's pre-screen: `episodes` random-policy episodes recorded once, and
   * a candidate that ranks their successes above their failures less often
   * than `threshold` is dropped before training (prescreen.ts).
   */
  prescreen?: { episodes: number; threshold: number };
}

export interface Candidate {
  /** `i2-5`: the 5th candidate of iteration 2. */
  id: string;
  iteration: number;
  origin: "sparse" | "random" | "mutation" | "crossover";
  /** The candidates it came from. */
  parents: string[];
  spec: CandidateSpec;
  verdict: Verdict;
  /** Final primary return (evaluation) of each training seed's run; absent when the critic rejected it. */
  scores?: number[];
  /** Their mean: what the designer maximizes. */
  score?: number;
  /** A finalist's mean final primary return on the final seeds. */
  finalScore?: number;
  /** With the pre-screen: P(a recorded success earns more than a recorded failure) under this reward (NaN without both kinds). */
  preference?: number;
}

export interface DesignResult {
  /** The best trained candidate: by its final score when there were final seeds, else by its score. */
  best: Candidate;
  /** The candidates re-checked on the final seeds, best of the search first. */
  finalists: Candidate[];
  /** Every candidate, in the order made: the lineage. */
  candidates: Candidate[];
  /** Training runs spent (a spec seen before is not trained again), and runs the critic saved (rejected candidates × seeds). */
  runs: number;
  saved: number;
}

export function evolveRewards(config: RunConfig, options: EvolveOptions, onCandidate?: (c: Candidate) => void): DesignResult {
  checkFinalSeeds(options.seeds, options.finalSeeds ?? []);
  const rng = new Rng(options.seed);
  const { id, kwargs } = config.env;
  const vocab = vocabularyOf(makeRewarded(id, 1, sparseSpec(), { kwargs }).vec);
  const genome: GenomeOptions = { gamma: (config.learner as { gamma?: number }).gamma ?? 0.99, maxTerms: options.maxTerms };
  const candidates: Candidate[] = [];
  /** Scores by spec: the same spec on the same seeds trains the same runs (runs are deterministic), so it is not trained twice. */
  const known = new Map<string, number[]>();
  let runs = 0;
  let saved = 0;

  const recorded = options.prescreen ? recordEpisodes(id, kwargs, options.prescreen.episodes, options.seed) : [];
  const evaluate = (c: Omit<Candidate, "verdict">): Candidate => {
    let verdict = critique(id, kwargs, c.spec, { steps: options.checkSteps, seed: options.seed });
    const candidate: Candidate = { ...c, verdict };
    if (verdict.ok && options.prescreen) {
      const p = preferenceAccuracy(id, kwargs, c.spec, recorded);
      candidate.preference = p;
      if (p < options.prescreen.threshold) {
        const wins = recorded.filter((e) => e.success).length;
        verdict = { ...verdict, ok: false, errors: [`prescreen: prefers failures (P(success > failure) = ${p.toFixed(3)} over ${wins} × ${recorded.length - wins} recorded episodes, below ${options.prescreen.threshold})`] };
        candidate.verdict = verdict;
      }
    }
    if (verdict.ok) {
      const key = JSON.stringify(c.spec);
      let scores = known.get(key);
      if (!scores) {
        const reward = parseRewardSpec(c.spec, `candidates.${c.id}`);
        scores = options.seeds.map((seed) => runTraining({ ...config, reward }, seed).finalPrimary);
        known.set(key, scores);
        runs += options.seeds.length;
      }
      candidate.scores = scores;
      candidate.score = scores.reduce((a, b) => a + b, 0) / scores.length;
    } else saved += options.seeds.length;
    candidates.push(candidate);
    onCandidate?.(candidate);
    return candidate;
  };

  let population: Candidate[] = [evaluate({ id: "i0-0", iteration: 0, origin: "sparse", parents: [], spec: sparseSpec() })];
  for (let k = 1; k < options.population; k++) population.push(evaluate({ id: `i0-${k}`, iteration: 0, origin: "random", parents: [], spec: randomSpec(vocab, rng, genome) }));
  for (let it = 1; it < options.iterations; it++) {
    // The best trained candidates (a rejected one only when too few were trained).
    const elites = ranked(population).slice(0, Math.max(1, options.elite));
    const next = [...elites];
    for (let k = elites.length; k < options.population; k++) {
      const a = elites[rng.int(elites.length)];
      const b = elites[rng.int(elites.length)];
      const cross = elites.length > 1 && a !== b && rng.float() < 0.3;
      const spec = cross ? crossover(a.spec, b.spec, rng, genome) : mutate(a.spec, vocab, rng, genome);
      next.push(evaluate({ id: `i${it}-${k}`, iteration: it, origin: cross ? "crossover" : "mutation", parents: cross ? [a.id, b.id] : [a.id], spec }));
    }
    population = next;
  }
  const finalSeeds = options.finalSeeds ?? [];
  if (finalSeeds.length === 0) return { best: ranked(candidates)[0], finalists: [], candidates, runs, saved };
  const finalists: Candidate[] = [];
  for (const c of ranked(candidates)) {
    if (finalists.length >= (options.finalists ?? 3) || c.score === undefined) break;
    if (finalists.some((f) => JSON.stringify(f.spec) === JSON.stringify(c.spec))) continue;
    const reward = parseRewardSpec(c.spec, `candidates.${c.id}`);
    const scores = finalSeeds.map((seed) => runTraining({ ...config, reward }, seed).finalPrimary);
    runs += finalSeeds.length;
    c.finalScore = scores.reduce((a, b) => a + b, 0) / scores.length;
    finalists.push(c);
  }
  const best = finalists.reduce((a, b) => (b.finalScore! > a.finalScore! ? b : a));
  return { best, finalists, candidates, runs, saved };
}

/** Throws a `UserError` at `path` when a final seed is also a training seed: the re-check must use seeds no candidate was judged on. */
export function checkFinalSeeds(seeds: readonly number[], finalSeeds: readonly number[], path = "finalSeeds"): void {
  const overlap = finalSeeds.filter((s) => seeds.includes(s));
  if (overlap.length > 0) throw new UserError(path, `expected seeds no candidate is judged on; ${overlap.join(", ")} ${overlap.length > 1 ? "are" : "is"} also a training seed`);
}

/** Trained candidates, best first (ties: the earlier one); rejected ones last. */
function ranked(cs: readonly Candidate[]): Candidate[] {
  const score = (c: Candidate) => c.score ?? -Infinity;
  return [...cs].sort((a, b) => score(b) - score(a) || cs.indexOf(a) - cs.indexOf(b));
}
