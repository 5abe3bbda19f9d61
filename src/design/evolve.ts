/**
 * The model-free designer: evolutionary search over reward specs (REvolve,
 * Hazra et al. 2024, with the population and elitism of a plain genetic
 * algorithm), the baseline every model-driven designer is compared with on
 * the same budget.
 *
 * Iteration 0 is the task's own reward alone plus random specs; each later
 * iteration keeps the `elite` best candidates so far (they are not trained
 * again) and fills the rest of the population with their children: a
 * mutation, or a crossover of two elites. The loop (loop.ts) screens,
 * trains and scores them.
 */
import { Rng } from "../core/rng.js";
import { makeRewarded } from "../rewards/make.js";
import type { RunConfig } from "../runs/config.js";
import { designRewards, ranked, type Candidate, type Designer, type DesignHooks, type DesignResult, type LoopOptions, type Proposal } from "./loop.js";
import { crossover, mutate, randomSpec, SCALE_ENVS, SCALE_STEPS, sparseSpec, vocabularyOf, type CandidateSpec, type GenomeOptions, type Vocabulary } from "./genome.js";

export interface EvolutionOptions {
  /** Candidates per iteration (K), elites included. */
  population: number;
  /** Best candidates carried into the next iteration unchanged. */
  elite: number;
  /** At most this many auxiliary terms in a spec. */
  maxTerms: number;
  /** The designer's own random stream. */
  seed: number;
}

export function evolutionDesigner(vocab: Vocabulary, genome: GenomeOptions, options: EvolutionOptions): Designer {
  const rng = new Rng(options.seed);
  return {
    name: "evolution",
    async propose(iteration: number, history: readonly Candidate[]): Promise<Proposal[]> {
      if (iteration === 0) {
        const out: Proposal[] = [{ spec: sparseSpec(), origin: "sparse", parents: [] }];
        while (out.length < options.population) out.push({ spec: randomSpec(vocab, rng, genome), origin: "random", parents: [] });
        return out;
      }
      // The best trained candidates so far (a rejected one only when too few were trained).
      const elites = ranked(history).slice(0, Math.max(1, options.elite));
      const out: Proposal[] = [];
      for (let k = elites.length; k < options.population; k++) {
        const a = elites[rng.int(elites.length)];
        const b = elites[rng.int(elites.length)];
        const cross = elites.length > 1 && a !== b && rng.float() < 0.3;
        const spec = cross ? crossover(a.spec as CandidateSpec, b.spec as CandidateSpec, rng, genome) : mutate(a.spec as CandidateSpec, vocab, rng, genome);
        out.push({ spec, origin: cross ? "crossover" : "mutation", parents: cross ? [a.id, b.id] : [a.id] });
      }
      return out;
    },
  };
}

export type EvolveOptions = EvolutionOptions & Omit<LoopOptions, "seed">;

/** The model-free designer in the loop: `rewardlab design` without a model. */
export function evolveRewards(config: RunConfig, options: EvolveOptions, hooks: DesignHooks = {}): Promise<DesignResult> {
  const { id, kwargs } = config.env;
  const vocab = vocabularyOf(makeRewarded(id, SCALE_ENVS, sparseSpec(), { kwargs }).vec, SCALE_STEPS, options.seed);
  const genome: GenomeOptions = { gamma: (config.learner as { gamma?: number }).gamma ?? 0.99, maxTerms: options.maxTerms };
  return designRewards(config, evolutionDesigner(vocab, genome, options), options, hooks);
}

export { checkFinalSeeds } from "./loop.js";
export type { Candidate, DesignResult } from "./loop.js";
