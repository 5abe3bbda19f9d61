/**
 * Strategies as learned policies: one PPO learner per member (independent
 * PPO on the game's seats), each trained on its own payoff. Every generation
 * the population first trains together for `steps` agent-steps; the better
 * half then survives, and each replaced member takes a random survivor's
 * parameters and optimizer state (keeping its own random stream), so what
 * spreads between generations is a policy that earned resources, as in
 * population-based training's exploit step.
 */
import type { Rng } from "../../core/rng.js";
import { IndependentPpo } from "../../agents/independent-ppo.js";
import type { Ppo, PpoConfig } from "../../agents/ppo.js";
import { makeVector } from "../../envs/registry.js";
import { RewardedVector } from "../../rewards/rewarded.js";
import { TrainingLoop } from "../loop.js";
import type { DonorPopulation, DonorSetup } from "./evolution.js";

export interface LearnedPopulationOptions {
  envId: string;
  kwargs: Record<string, unknown>;
  /** Agent-steps of training per generation (all members together). */
  steps: number;
  /** Tables trained on at once. */
  tables?: number;
  ppo?: Partial<PpoConfig>;
  seed: number;
}

/** Member `to` takes member `from`'s parameters and Adam state; its random stream stays its own. */
function inherit(to: Ppo, from: Ppo): void {
  const own = to.rng.getState();
  to.load(from.state());
  to.rng.setState(own);
}

export function learnedPopulation(setup: DonorSetup, o: LearnedPopulationOptions): DonorPopulation & { learner: IndependentPpo } {
  const env = new RewardedVector(makeVector(o.envId, o.tables ?? 4, { kwargs: o.kwargs }), { terms: [{ kind: "task" }] });
  // No annealing: the population keeps learning generation after generation.
  const learner = new IndependentPpo(env, { numSteps: 64, annealLr: false, ...o.ppo }, o.seed);
  const loop = new TrainingLoop(learner);
  const origin = Array.from({ length: setup.players }, (_, j) => j);
  return {
    learner,
    describe: (j) => `policy ${j}${origin[j] === j ? "" : ` (from policy ${origin[j]})`}, ${learner.agents[j].globalStep} steps`,
    async beforeGeneration() {
      loop.run(learner.globalStep + o.steps);
    },
    decide: async (obs, rng: Rng) => obs.map((x, j) => learner.agents[j].policyActions(x, false, rng)[0]),
    async reproduce(survivors, replaced, _scores, rng) {
      for (const j of replaced) {
        const from = survivors[rng.int(survivors.length)];
        inherit(learner.agents[j], learner.agents[from]);
        origin[j] = origin[from];
      }
    },
  };
}
