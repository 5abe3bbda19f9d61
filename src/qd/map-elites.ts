/**
 * MAP-Elites (Mouret & Clune 2015): a grid over the behaviour descriptor
 * keeps, in each cell, the best policy that ended there. Each generation
 * mutates elites drawn uniformly from the filled cells (evolution-strategies
 * perturbation θ + σ·ε) and offers the children to their cells. Elites in
 * cells along the way are the stepping stones a deceptive task needs.
 *
 * `mode: "objective"` is the baseline it is compared with: one archive
 * cell, so only the best policy by the objective survives.
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
}

export interface MapElitesOptions extends Partial<MapElitesConfig> {
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
  const offer = (theta: Float64Array, generation: number) => {
    const outcome = rollout(env, shape, theta, envSeed, descriptor);
    const elite = { theta, outcome, score: objective(outcome) };
    if (outcome.success && solvedAt === null) solvedAt = generation;
    if (!best || elite.score > best.score) best = elite;
    const key = cellOf(outcome);
    const current = archive.get(key);
    if (!current || elite.score > current.score) archive.set(key, elite);
  };
  for (let i = 0; i < c.initial; i++) offer(randomParameters(shape, rng), 0);
  for (let gen = 1; gen <= c.generations; gen++) {
    const elites = [...archive.values()];
    for (let b = 0; b < c.batch; b++) offer(mutate(elites[rng.int(elites.length)].theta, c.sigma, rng), gen);
    coverage.push(archive.size);
    onGeneration?.(gen, archive.size, best!);
  }
  return { archive, best: best!, solvedAt, coverage };
}
