/**
 * Cultural evolution in the Donor Game, as Vallinder & Hughes 2024 ("Cultural
 * Evolution of Cooperation among LLM Agents") run it: a population of N
 * strategies plays the game for a generation; the better half by final
 * resources survives into the next; the other half is replaced by new
 * strategies made from the survivors' (a rule copied with a mutation, a
 * learned policy's parameters copied over, an LLM's strategy rewritten from
 * the survivors' advice and scores). Over generations, what spreads is what
 * earned resources.
 *
 * The population's members play agents 0 … N − 1 of `DonorGame` (or
 * `DonorGame-Punish`); who meets whom is the game's random matching.
 */
import { Rng } from "../../core/rng.js";
import type { DonorGame } from "../../envs/social/donor.js";
import { makeParallel } from "../../envs/multi/registry.js";

/** Where the Donor Game observation keeps each quantity (see envs/social/donor.ts). */
export const DONOR_OBS = { ownResources: 0, recipientResources: 1, image: 2, round: 3, punishedLast: 4, standing: 5, history: 6 } as const;

/** What the game tells a population about itself. */
export interface DonorSetup {
  players: number;
  /** Discrete levels of giving: action a < levels gives a/(levels − 1). */
  levels: number;
  memory: number;
  punishment: boolean;
  rounds: number;
  endowment: number;
  multiplier: number;
}

/** A population of strategies: how each member acts, and how the next generation is made. */
export interface DonorPopulation {
  /** Each member's strategy in words (the table prints them). */
  describe(j: number): string;
  /** Before each generation's games (a learned population trains here). */
  beforeGeneration?(generation: number): Promise<void>;
  /** Every member's action for its observation this round (obs[j] is member j's). */
  decide(obs: readonly Float32Array[], rng: Rng): Promise<number[]>;
  /** Replaces the members `replaced` by new strategies made from the survivors (by rank, best first) and their scores. */
  reproduce(survivors: readonly number[], replaced: readonly number[], scores: readonly number[], rng: Rng): Promise<void>;
  /** Decisions that could not be made (an LLM's unreadable answer); they gave nothing. */
  failures?(): number;
}

export interface GenerationRecord {
  generation: number;
  /** Each member's final resources, averaged over the generation's games. */
  scores: number[];
  /** The mean over members: the paper's measure. */
  meanResources: number;
  /** Mean fraction given per donation (punishments count as 0). */
  cooperation: number;
  /** Share of donations that were punishments. */
  punishRate: number;
  strategies: string[];
}

export interface EvolutionOptions {
  envId: "DonorGame" | "DonorGame-Punish";
  kwargs: Record<string, unknown>;
  generations: number;
  /** Games per generation (fresh resources each, other matchings). */
  games: number;
  seed: number;
  onGeneration?: (record: GenerationRecord) => void;
}

/** The game's settings for a population to read. */
export function donorSetup(envId: EvolutionOptions["envId"], kwargs: Record<string, unknown>): DonorSetup {
  const core = makeParallel(envId, { kwargs }).core as DonorGame;
  const { players, levels, memory, punishment, rounds, endowment, multiplier } = core.options;
  return { players, levels, memory, punishment, rounds, endowment, multiplier };
}

/** Runs `generations` generations of `population`; returns one record per generation. */
export async function evolve(population: DonorPopulation, o: EvolutionOptions): Promise<GenerationRecord[]> {
  const env = makeParallel(o.envId, { kwargs: o.kwargs });
  const core = env.core as DonorGame;
  const N = core.numAgents;
  const { levels } = core.options;
  const rng = new Rng(o.seed);
  const records: GenerationRecord[] = [];
  for (let g = 1; g <= o.generations; g++) {
    await population.beforeGeneration?.(g);
    const scores = new Array<number>(N).fill(0);
    let given = 0;
    let donations = 0;
    let punishments = 0;
    for (let game = 0; game < o.games; game++) {
      let { observations } = env.reset(rng.int(2 ** 31));
      for (let t = 0; t < core.options.rounds; t++) {
        const obs = env.agents.map((a) => observations[a]);
        const actions = await population.decide(obs, rng);
        for (const a of actions) {
          donations++;
          if (a === levels) punishments++;
          else given += a / (levels - 1);
        }
        observations = env.step(Object.fromEntries(env.agents.map((a, j) => [a, actions[j]]))).observations;
      }
      for (let j = 0; j < N; j++) scores[j] += core.resources[j] / o.games;
    }
    const record: GenerationRecord = {
      generation: g,
      scores,
      meanResources: scores.reduce((a, b) => a + b, 0) / N,
      cooperation: given / donations,
      punishRate: punishments / donations,
      strategies: Array.from({ length: N }, (_, j) => population.describe(j)),
    };
    records.push(record);
    o.onGeneration?.(record);
    if (g === o.generations) break;
    // The better half survives (ties: the lower index, so a seed fixes the order); the rest is replaced.
    const ranked = Array.from({ length: N }, (_, j) => j).sort((a, b) => scores[b] - scores[a] || a - b);
    const half = Math.ceil(N / 2);
    await population.reproduce(ranked.slice(0, half), ranked.slice(half), scores, rng);
  }
  return records;
}

/** The action that gives `fraction` of one's resources (the nearest level). */
export function giveAction(fraction: number, levels: number): number {
  return Math.round(Math.min(Math.max(fraction, 0), 1) * (levels - 1));
}
