/**
 * MAPPO (Yu et al. 2022, "The Surprising Effectiveness of PPO in
 * Cooperative Multi-Agent Games"): PPO with one actor shared by every agent
 * (each acting on its own observation; with the seats' `agentIds`, told
 * which agent it is) and a centralized critic V(s) that sees the whole
 * table: every agent's observation, in seat order, and which agent's value
 * it gives (a one-hot index), the paper's agent-specific global state built
 * from observations. The critic has its own networks and Adam, its
 * gradient clipped on its own, as in the paper's implementation; the rest
 * is ppo.ts.
 *
 * Only training uses the critic: acting, evaluation and `play` run the
 * actor alone, exactly as a `ppo` policy shared by all agents.
 */
import { z } from "zod";
import { UserError } from "../core/errors.js";
import { AgentSeat } from "../envs/multi/seats.js";
import type { RewardedVector } from "../rewards/rewarded.js";
import { defineLearner } from "./learner.js";
import { Ppo, PpoConfig, ppoLearner, type CriticInput } from "./ppo.js";

/**
 * The centralized critic's input for rows of seats (row i·m + j is agent j
 * of table i): the table's m observations, then a one-hot of j.
 */
export function tableState(n: number, m: number, obsSize: number): CriticInput {
  return {
    width: m * obsSize + m,
    fromRollout(obs, obsPad, k, into, at) {
      const i = k % n;
      const first = k - i + (i - (i % m)); // row t·n + table·m
      for (let a = 0; a < m; a++) into.set(obs.subarray((first + a) * obsPad, (first + a) * obsPad + obsSize), at + a * obsSize);
      into[at + m * obsSize + (i % m)] = 1;
    },
    fromEnv(obs, size, i, into, at) {
      const first = i - (i % m);
      for (let a = 0; a < m; a++) into.set(obs.subarray((first + a) * size, (first + a + 1) * size), at + a * size);
      into[at + m * size + (i % m)] = 1;
    },
  };
}

export class Mappo extends Ppo {
  override readonly algo: string = "mappo";

  constructor(env: RewardedVector, config: Partial<PpoConfig> = {}, seed = 0) {
    const seats = env.vec.cores;
    if (!seats.every((c) => c instanceof AgentSeat)) throw new UserError("learner.algo", `mappo's critic sees every agent of a multi-agent environment; ${env.vec.id} has one agent`);
    super(env, config, seed, tableState(env.vec.n, (seats[0] as AgentSeat).core.numAgents, env.vec.obsSize));
  }
}

export const mappoLearner = defineLearner({
  algo: "mappo",
  schema: PpoConfig.extend({ algo: z.literal("mappo") }).strict(),
  description: "MAPPO: one actor shared by all agents, a centralized critic over every agent's observation (Yu et al. 2022)",
  create: (env, { algo: _algo, ...config }, seed) => new Mappo(env, config, seed),
  rollout: (config, shape) => ppoLearner.rollout!({ ...config, algo: "ppo" } as never, shape),
});
