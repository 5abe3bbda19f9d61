/**
 * Novelty search (Lehman & Stanley 2011): select policies for how different
 * their behaviour is from what has been seen, not for their reward. The
 * novelty of a behaviour descriptor b is its mean distance to the k nearest
 * descriptors of the archive and the current population; the most novel of
 * each generation join the archive. Mutation is an evolution-strategies
 * perturbation θ + σ·ε; each generation keeps the μ best parents.
 *
 * With `score: "objective"` the same loop is plain objective search, the
 * baseline novelty search is compared with.
 *
 * `behaviour: learned` is TAXONS' learned behaviour space: instead of the
 * hand-named descriptor features, novelty is measured between the codes an
 * autoencoder gives the episodes' final observations. The autoencoder
 * retrains every `retrainEvery` generations on the archive and population,
 * and the archive's codes are recomputed with it.
 */
import { z } from "zod";
import { Rng } from "../core/rng.js";
import type { Env } from "../envs/env.js";
import { Autoencoder } from "./autoencoder.js";
import { mutate, randomParameters, rollout, type Outcome, type PolicyShape } from "./policy.js";

export const NoveltySearchConfig = z
  .object({
    population: z.number().int().min(2).default(40),
    parents: z.number().int().min(1).default(10).describe("μ: policies kept each generation"),
    generations: z.number().int().positive().default(100),
    sigma: z.number().positive().default(0.5).describe("mutation scale σ"),
    k: z.number().int().positive().default(10).describe("neighbours for novelty"),
    archivePerGeneration: z.number().int().nonnegative().default(3).describe("most novel descriptors archived each generation"),
    score: z.enum(["novelty", "objective"]).default("novelty"),
    behaviour: z.enum(["descriptor", "learned"]).default("descriptor").describe("novelty between the descriptor features, or in a learned space of final observations"),
    latent: z.number().int().min(1).max(32).default(2).describe("learned: size of the autoencoder's code"),
    retrainEvery: z.number().int().min(1).default(5).describe("learned: generations between autoencoder trainings"),
    trainSteps: z.number().int().min(1).default(200).describe("learned: Adam steps per training"),
  })
  .strict();
export type NoveltySearchConfig = z.output<typeof NoveltySearchConfig>;

export interface Individual {
  theta: Float64Array;
  outcome: Outcome;
  novelty: number;
  score: number;
  /** Where novelty is measured: the descriptor, or the learned code of the final observation. */
  behaviour: number[];
}

export interface NoveltySearchResult {
  /** The archived descriptors (the hand-named features, whatever space novelty used). */
  archive: number[][];
  /** The autoencoder's reconstruction loss at each training (learned behaviour only). */
  reconstruction: number[];
  best: Individual;
  solvedAt: number | null;
  /** Distinct descriptors (rounded) seen after each generation. */
  coverage: number[];
}

export interface NoveltySearchOptions extends Partial<z.input<typeof NoveltySearchConfig>> {
  descriptor: readonly string[];
  objective?: (o: Outcome) => number;
  seed?: number;
  envSeed?: number;
  /** Called after each generation with the distinct descriptors seen so far. */
  onGeneration?(generation: number, cells: number, best: Individual): void;
}

function distance(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s);
}

/** Mean distance from `b` to its k nearest among `others`; Infinity with no others. */
export function novelty(b: readonly number[], others: readonly (readonly number[])[], k: number): number {
  const d = others.map((o) => distance(b, o)).sort((x, y) => x - y).slice(0, k);
  return d.length ? d.reduce((s, v) => s + v, 0) / d.length : Infinity;
}

export function noveltySearch(env: Env, shape: PolicyShape, options: NoveltySearchOptions): NoveltySearchResult {
  const { descriptor, objective = (o: Outcome) => o.fitness, seed = 0, envSeed = 0, onGeneration, ...config } = options;
  const c = NoveltySearchConfig.parse(config);
  const rng = new Rng(seed);
  const evaluate = (theta: Float64Array): Individual => {
    const outcome = rollout(env, shape, theta, envSeed, descriptor);
    return { theta, outcome, novelty: 0, score: objective(outcome), behaviour: outcome.descriptor };
  };
  let population = Array.from({ length: c.population }, () => evaluate(randomParameters(shape, rng)));
  const archived: Individual[] = [];
  const seen = new Set<string>();
  const coverage: number[] = [];
  const reconstruction: number[] = [];
  let best = population[0];
  let solvedAt: number | null = null;
  const d = population[0].outcome.finalObs.length;
  const ae = c.behaviour === "learned" ? new Autoencoder(d, c.latent, 64, 1e-3, rng.split()) : undefined;
  /** Codes every individual (archive and population) with the autoencoder, after training it on their final observations every few generations. */
  const encode = (gen: number) => {
    if (!ae) return;
    const all = [...archived, ...population];
    const data = new Float32Array(all.length * d);
    all.forEach((p, r) => data.set(p.outcome.finalObs, r * d));
    if (gen % c.retrainEvery === 0) reconstruction.push(ae.train(data, all.length, c.trainSteps));
    ae.encode(data, all.length).forEach((z, r) => (all[r].behaviour = z));
  };
  for (let gen = 0; gen < c.generations; gen++) {
    encode(gen);
    for (const p of population) {
      const others = [...archived.map((q) => q.behaviour), ...population.filter((q) => q !== p).map((q) => q.behaviour)];
      p.novelty = novelty(p.behaviour, others, c.k);
      if (p.score > best.score) best = p;
      if (p.outcome.success && solvedAt === null) solvedAt = gen;
      seen.add(p.outcome.descriptor.map(Math.round).join(","));
    }
    coverage.push(seen.size);
    onGeneration?.(gen + 1, seen.size, best);
    archived.push(...[...population].sort((a, b) => b.novelty - a.novelty).slice(0, c.archivePerGeneration));
    const key = (p: Individual) => (c.score === "novelty" ? p.novelty : p.score);
    const parents = [...population].sort((a, b) => key(b) - key(a)).slice(0, c.parents);
    population = Array.from({ length: c.population }, (_, i) => evaluate(mutate(parents[i % parents.length].theta, c.sigma, rng)));
  }
  return { archive: archived.map((p) => p.outcome.descriptor), reconstruction, best, solvedAt, coverage };
}
