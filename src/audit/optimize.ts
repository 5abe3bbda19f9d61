/**
 * Learning how to blend heuristics with the task's reward, bi-level, after
 * BARFI ("Behavior Alignment via Reward Function Optimization", Gupta et al.
 * 2023). The inner learner trains on
 *
 *   r_φ = r_primary + Σ_i φ_i · w_i · r_aux,i      (and optionally γ_φ)
 *
 * and the outer loop maximizes J(φ): the inner learner's primary return
 * at the end of its training (its final policy on the run config's
 * evaluation episodes), whatever r_φ says. The designer's weights and the
 * learned ones are then compared on fresh training seeds and on other
 * evaluation episodes, FINAL_EPISODES_OFFSET above the search's.
 *
 * BARFI differentiates J through the inner updates with implicit gradients;
 * that needs a differentiable inner learner, and ours (PPO with clipping and
 * minibatches, tabular Q-learning) are not cheaply so. We use an honest
 * zeroth-order method instead: evolution strategies with antithetic pairs
 * and common random numbers (every candidate trains with the same seeds,
 * so J(φ + σε) against J(φ − σε) measures the effect of ε, not of the
 * seeds), with fitness shaping by centered ranks u ∈ [−½, ½] (Salimans et
 * al. 2017), which bounds each step whatever the scale of J, and J has
 * cliffs here (a reversed heuristic can drop it to 0 at once):
 *
 *   g = 1/P · Σ_j (u(φ + σε_j) − u(φ − σε_j)) · ε_j,   φ ← φ + α·g
 *
 * φ starts at 1 (the designer's weights). A multiplier can go to 0
 * (ignore the heuristic) or below (reverse it). With `discount`, one more
 * coordinate ψ sets the learner's γ_φ = 1 − (1 − γ)·e^ψ.
 */
import { z } from "zod";
import { intervalEstimate, SEED_BOOTSTRAP_REPS, type SeedEstimate } from "../core/rliable-bootstrap.js";
import { Rng } from "../core/rng.js";
import { mean } from "../core/stats.js";
import { UserError } from "../core/errors.js";
import { makeVector } from "../envs/registry.js";
import { compileReward } from "../rewards/program.js";
import { envInfoOf } from "../rewards/rewarded.js";
import { RewardSpec } from "../rewards/spec.js";
import { compareDesigns, type DesignSummary } from "../runs/compare.js";
import { RunConfig } from "../runs/config.js";

export const SearchConfig = z
  .object({
    generations: z.number().int().min(1).default(8),
    pairs: z.number().int().min(1).default(4).describe("antithetic pairs of candidates per generation"),
    sigma: z.number().positive().default(0.25).describe("perturbation scale of φ"),
    learningRate: z.number().positive().default(0.5).describe("step size α of the ascent on J(φ), in units of φ"),
    discount: z.boolean().default(false).describe("also learn the learner's discount γ_φ"),
  })
  .strict();

export const OptimizeConfig = RunConfig.extend({
  search: SearchConfig.prefault({}),
  evaluate: z
    .object({
      seeds: z
        .union([z.number().int().min(1), z.array(z.number().int().nonnegative()).min(1)])
        .default(5)
        .refine((v) => typeof v === "number" || new Set(v).size === v.length, { message: "expected distinct seeds" })
        .describe("fresh seeds on which fixed and learned weights are compared at the end: a count n (seeds 1,000,000 … 1,000,000 + n − 1) or the seeds themselves, none of them a training seed"),
    })
    .strict()
    .prefault({}),
}).strict();
export type OptimizeConfig = z.output<typeof OptimizeConfig>;

export interface Generation {
  generation: number;
  /** φ at the start of the generation (multipliers, then ψ with `discount`). */
  phi: number[];
  /** Mean J over the generation's candidates, and the best candidate's. */
  mean: number;
  best: number;
  /**
   * IQM of the primary return over every run of the generation (candidates ×
   * seeds) with its 95% stratified-bootstrap interval, the seeds as strata;
   * inside the runs' range.
   */
  iqm: SeedEstimate;
  /** Each seed's primary return, mean over the generation's candidates. */
  perSeed: number[];
  /** The best candidate's primary return on each seed. */
  bestPerSeed: number[];
  /** The seeds every candidate of the generation trained with. */
  seeds: number[];
}

export interface OptimizeResult {
  /** The auxiliary terms φ weighs, in order. */
  terms: string[];
  phi: number[];
  gamma?: number;
  history: Generation[];
  /** The blended reward spec (weights multiplied by φ). */
  spec: RewardSpec;
  /** The designer's weights and the learned ones, on fresh seeds. */
  fixed: DesignSummary;
  learned: DesignSummary;
  /** The seeds trained on during the search and those of the final comparison. */
  seeds: OptimizeSeeds;
}

/** Which seeds an optimization trains and evaluates on. */
export interface OptimizeSeeds {
  /** The config's seeds, common to every candidate of a generation. */
  search: number[];
  /** The seeds generation g trains every candidate with: each search seed + 1000·g. */
  generations: number[][];
  /** Every seed trained on during the search, sorted. */
  training: number[];
  /** The fresh seeds on which fixed and learned weights are compared. */
  evaluation: number[];
  /**
   * The evaluation episodes' first seeds (episode k resets with first + k):
   * the search scores candidates on `search`'s, the final comparison plays
   * `final`'s, far from them, so its verdict is on episodes the search never
   * selected for.
   */
  episodes: { search: number; final: number; count: number };
}

/** First seed of `evaluate.seeds` given as a count. */
export const FIRST_EVALUATION_SEED = 1_000_000;

/** How far above the search's evaluation episodes (config `evaluation.seed`) the final comparison's start: more than any evaluation plays. */
export const FINAL_EPISODES_OFFSET = 1_000_000_000;

/** The seeds episode k = 0 … count − 1 of an evaluation starting at `first` resets with. */
export function episodeSeeds(first: number, count: number): number[] {
  return Array.from({ length: count }, (_, k) => first + k);
}

/**
 * The seeds an optimization uses; a one-line error (naming `evaluationName`)
 * when an evaluation seed is also trained on during the search.
 */
export function optimizeSeeds(config: OptimizeConfig, evaluationName = "evaluate.seeds"): OptimizeSeeds {
  const e = config.evaluate.seeds;
  const evaluation = typeof e === "number" ? Array.from({ length: e }, (_, k) => FIRST_EVALUATION_SEED + k) : [...e];
  const generations = Array.from({ length: config.search.generations }, (_, g) => config.seeds.map((seed) => seed + 1000 * (g + 1)));
  const training = [...new Set(generations.flat())].sort((a, b) => a - b);
  const trained = new Set(training);
  const shared = evaluation.filter((s) => trained.has(s));
  if (shared.length > 0) {
    const g = generations.findIndex((seeds) => seeds.includes(shared[0]!)) + 1;
    throw new UserError(
      evaluationName,
      `seed${shared.length > 1 ? "s" : ""} ${shared.slice(0, 5).join(", ")}${shared.length > 5 ? ", …" : ""} ${shared.length > 1 ? "are" : "is"} also trained on (generation ${g} trains on the seeds [${config.seeds.join(", ")}] + ${1000 * g}); training and evaluation seeds must be disjoint`,
    );
  }
  const episodes = { search: config.evaluation.seed, final: config.evaluation.seed + FINAL_EPISODES_OFFSET, count: config.evaluation.episodes };
  return { search: [...config.seeds], generations, training, evaluation, episodes };
}

export interface OptimizeHooks {
  onGeneration?(g: Generation): void;
  workers?: number;
}

export async function optimizeBlend(config: OptimizeConfig, hooks: OptimizeHooks = {}): Promise<OptimizeResult> {
  const spec = RewardSpec.parse(typeof config.reward === "string" ? undefined : config.reward);
  const program = compileReward(spec, envInfoOf(makeVector(config.env.id, 1, { kwargs: config.env.kwargs })));
  const auxiliary = program.terms.map((t, i) => [t, i] as const).filter(([t]) => t.role === "auxiliary" && t.optimize);
  if (auxiliary.length === 0) throw new UserError("reward.terms", "no auxiliary terms to blend: add the heuristics to optimize next to the task's reward");
  const baseGamma = "gamma" in config.learner ? (config.learner.gamma as number) : 0.99;
  const s = config.search;
  const dims = auxiliary.length + (s.discount ? 1 : 0);
  const rng = new Rng(config.seeds[0]);
  const used = optimizeSeeds(config);

  const specFor = (phi: readonly number[]): RewardSpec => ({
    ...spec,
    terms: spec.terms.map((term, i) => {
      const k = auxiliary.findIndex(([, j]) => j === i);
      return k < 0 ? term : { ...term, weight: (term.weight ?? 1) * phi[k] };
    }),
  });
  const gammaFor = (phi: readonly number[]) => (s.discount ? Math.min(0.9999, Math.max(0, 1 - (1 - baseGamma) * Math.exp(phi[dims - 1]))) : baseGamma);
  const designFor = (name: string, phi: readonly number[]) => ({ name, reward: specFor(phi), learner: s.discount ? { ...config.learner, gamma: gammaFor(phi) } : config.learner });
  // Each candidate's primary return on each seed; J is their mean over seeds.
  const returns = async (candidates: number[][], seeds: number[]) => {
    const summaries = await compareDesigns({ ...config, seeds }, candidates.map((phi, k) => designFor(`candidate-${k}`, phi)), { workers: hooks.workers ?? 1 });
    return summaries.map((d) => d.runs.map((r) => r.finalPrimary));
  };

  let phi: number[] = Array.from({ length: dims }, (_, k) => (k < auxiliary.length ? 1 : 0));
  const history: Generation[] = [];
  for (let generation = 1; generation <= s.generations; generation++) {
    const eps = Array.from({ length: s.pairs }, () => Array.from({ length: dims }, () => rng.normal()));
    const candidates = eps.flatMap((e) => [phi.map((p, k) => p + s.sigma * e[k]), phi.map((p, k) => p - s.sigma * e[k])]);
    // Common random numbers: every candidate of a generation trains with the same seeds, new ones each generation.
    const seeds = used.generations[generation - 1]!;
    const perRun = await returns(candidates, seeds);
    const f = perRun.map((xs) => mean(xs));
    const u = centeredRanks(f);
    const g = new Array<number>(dims).fill(0);
    eps.forEach((e, j) => e.forEach((v, k) => (g[k] += ((u[2 * j] - u[2 * j + 1]) * v) / s.pairs)));
    const report: Generation = { generation, phi: [...phi], mean: f.reduce((a, b) => a + b, 0) / f.length, best: Math.max(...f), ...generationSpread(perRun, f, generation), seeds: [...seeds] };
    history.push(report);
    hooks.onGeneration?.(report);
    phi = phi.map((p, k) => p + s.learningRate * g[k]);
  }
  // Held-out episodes: J picked φ on the search's evaluation episodes, so the verdict is read on others.
  const final = { ...config, seeds: used.evaluation, evaluation: { ...config.evaluation, seed: used.episodes.final } };
  const [fixed, learned] = await compareDesigns(final, [designFor("fixed weights", auxiliary.map(() => 1).concat(s.discount ? [0] : [])), designFor("learned blend", phi)], { workers: hooks.workers ?? 1 });
  return { terms: auxiliary.map(([t]) => t.name), phi, gamma: s.discount ? gammaFor(phi) : undefined, history, spec: specFor(phi), fixed, learned, seeds: used };
}

/**
 * A generation's returns beyond mean and best: their IQM over candidates ×
 * seeds with a bootstrap interval (candidates resampled within each seed,
 * from a stream of the generation number, so the search's own draws are
 * untouched), each seed's mean, and the best candidate's values.
 */
function generationSpread(perRun: readonly (readonly number[])[], f: readonly number[], generation: number): Pick<Generation, "iqm" | "perSeed" | "bestPerSeed"> {
  const finite = perRun.every((xs) => xs.every(Number.isFinite));
  const best = f.indexOf(Math.max(...f));
  const e = finite ? intervalEstimate(perRun, "iqm", new Rng(generation), { reps: SEED_BOOTSTRAP_REPS }) : undefined;
  return {
    iqm: e ? { point: e.point, lo: e.lo, hi: e.hi } : { point: NaN, lo: NaN, hi: NaN },
    perSeed: perRun[0].map((_, j) => mean(perRun.map((xs) => xs[j]))),
    bestPerSeed: best >= 0 ? [...perRun[best]] : [],
  };
}

/** Centered ranks: the lowest value −½, the highest +½, ties sharing their mean rank. */
export function centeredRanks(f: readonly number[]): number[] {
  const order = f.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(f.length);
  for (let a = 0; a < order.length; ) {
    let b = a;
    while (b + 1 < order.length && order[b + 1][0] === order[a][0]) b++;
    for (let k = a; k <= b; k++) ranks[order[k][1]] = (a + b) / 2;
    a = b + 1;
  }
  return ranks.map((r) => (f.length > 1 ? r / (f.length - 1) - 0.5 : 0));
}
