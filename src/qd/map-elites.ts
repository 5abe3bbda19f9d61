/**
 * MAP-Elites (Mouret & Clune 2015): a grid over the behaviour descriptor
 * keeps, in each cell, the best policy that ended there. Each generation
 * mutates elites drawn uniformly from the filled cells (evolution-strategies
 * perturbation θ + σ·ε) and offers the children to their cells. Elites in
 * cells along the way are the stepping stones a deceptive task needs.
 *
 * `mode: "objective"` is the baseline it is compared with: one archive
 * cell, so only the best policy by the objective survives.
 *
 * `emitters` add SERENE's alternation (Paolo et al. 2021, "Sparse Reward
 * Exploration via Novelty Search and Emitters"): phases of exploration (the
 * loop above) alternate with phases of exploitation, where an emitter (a
 * small (μ, λ) evolution strategy) starts from the best rewarding elite not
 * yet exploited and climbs the reward, its children still offered to the
 * archive, until it stops improving for `patience` generations. Same budget
 * per generation either way.
 */
import { z } from "zod";
import { Rng } from "../core/rng.js";
import type { Env } from "../envs/env.js";
import { mutate, randomParameters, rollout, type Outcome, type PolicyShape } from "./policy.js";

export const MapElitesConfig = z
  .object({
    batch: z.number().int().min(1).default(32).describe("children per generation"),
    generations: z.number().int().positive().default(200),
    initial: z.number().int().min(1).default(64).describe("random policies to start the archive"),
    sigma: z.number().positive().default(0.5).describe("mutation scale σ"),
    mode: z.enum(["map-elites", "objective"]).default("map-elites"),
    emitters: z
      .object({
        explore: z.number().int().min(1).default(10).describe("generations of each exploration phase"),
        exploit: z.number().int().min(1).default(10).describe("generations of each exploitation phase"),
        patience: z.number().int().min(1).default(3).describe("generations an emitter may go without improving"),
        sigma: z.number().positive().optional().describe("an emitter's mutation scale (default: σ / 2)"),
      })
      .strict()
      .optional()
      .describe("SERENE-style emitters that exploit rewarding elites"),
  })
  .strict();
export type MapElitesConfig = z.output<typeof MapElitesConfig>;

export interface Elite {
  theta: Float64Array;
  outcome: Outcome;
  score: number;
}

export interface MapElitesResult {
  /** Filled cells by key (the descriptor, rounded and joined). */
  archive: Map<string, Elite>;
  best: Elite;
  /** Generation at which a policy first succeeded, or null. */
  solvedAt: number | null;
  /** Filled cells after each generation. */
  coverage: number[];
  /** Policies evaluated, and how many of them succeeded. */
  evaluations: number;
  successes: number;
}

export interface MapElitesOptions extends Partial<z.input<typeof MapElitesConfig>> {
  descriptor: readonly string[];
  /** The score an elite is kept for (default: the primary return). */
  objective?: (o: Outcome) => number;
  seed?: number;
  envSeed?: number;
  /** Called after each generation with the number of filled cells. */
  onGeneration?(generation: number, cells: number, best: Elite): void;
}

export function mapElites(env: Env, shape: PolicyShape, options: MapElitesOptions): MapElitesResult {
  const { descriptor, objective = (o: Outcome) => o.fitness, seed = 0, envSeed = 0, onGeneration, ...config } = options;
  const c = MapElitesConfig.parse(config);
  const rng = new Rng(seed);
  const archive = new Map<string, Elite>();
  const cellOf = (o: Outcome) => (c.mode === "objective" ? "all" : o.descriptor.map((v) => Math.round(v)).join(","));
  let best: Elite | undefined;
  let solvedAt: number | null = null;
  const coverage: number[] = [];
  let evaluations = 0;
  let successes = 0;
  const offer = (theta: Float64Array, generation: number): Elite => {
    const outcome = rollout(env, shape, theta, envSeed, descriptor);
    const elite = { theta, outcome, score: objective(outcome) };
    evaluations++;
    if (outcome.success) successes++;
    if (outcome.success && solvedAt === null) solvedAt = generation;
    if (!best || elite.score > best.score) best = elite;
    const key = cellOf(outcome);
    const current = archive.get(key);
    if (!current || elite.score > current.score) archive.set(key, elite);
    return elite;
  };
  for (let i = 0; i < c.initial; i++) offer(randomParameters(shape, rng), 0);
  const e = c.emitters;
  const exploited = new Set<Elite>();
  let emitter: Emitter | undefined;
  for (let gen = 1; gen <= c.generations; gen++) {
    const exploiting = e !== undefined && (gen - 1) % (e.explore + e.exploit) >= e.explore;
    if (exploiting && !emitter) {
      // The best rewarding elite not yet exploited seeds the next emitter.
      const start = [...archive.values()].filter((x) => (x.outcome.fitness > 0 || x.outcome.success) && !exploited.has(x)).sort((a, b) => b.score - a.score)[0];
      if (start) {
        exploited.add(start);
        emitter = { mean: start.theta, best: start.score, stalled: 0 };
      }
    }
    if (exploiting && emitter) {
      const children = Array.from({ length: c.batch }, () => offer(mutate(emitter!.mean, e!.sigma ?? c.sigma / 2, rng), gen));
      emitter = stepEmitter(emitter, children, e!.patience);
    } else {
      const elites = [...archive.values()];
      for (let b = 0; b < c.batch; b++) offer(mutate(elites[rng.int(elites.length)].theta, c.sigma, rng), gen);
    }
    if (!exploiting) emitter = undefined;
    coverage.push(archive.size);
    onGeneration?.(gen, archive.size, best!);
  }
  return { archive, best: best!, solvedAt, coverage, evaluations, successes };
}

/** An emitter's search distribution: its mean, the best score it has reached, generations since that improved. */
interface Emitter {
  mean: Float64Array;
  best: number;
  stalled: number;
}

/** (μ, λ) step: the mean moves to the average of the better half of the children; undefined once the emitter has stalled. */
function stepEmitter(em: Emitter, children: Elite[], patience: number): Emitter | undefined {
  const ranked = [...children].sort((a, b) => b.score - a.score);
  const mu = Math.max(1, ranked.length >> 1);
  const mean = new Float64Array(em.mean.length);
  for (let k = 0; k < mu; k++) for (let j = 0; j < mean.length; j++) mean[j] += ranked[k].theta[j] / mu;
  const improved = ranked[0].score > em.best;
  const next = { mean, best: Math.max(em.best, ranked[0].score), stalled: improved ? 0 : em.stalled + 1 };
  return next.stalled >= patience ? undefined : next;
}
