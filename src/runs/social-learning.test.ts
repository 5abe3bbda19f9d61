/**
 * Learners beat a random population on each social dilemma's collective
 * return within a seeded budget: PPO with one shared policy, each agent
 * learning from the team's reward (its own payoff measured, not
 * optimized), against a population choosing uniformly at random, measured
 * here on the same environments by stepping them directly.
 * (The matrix games' cases are in envs/multi/seats.test.ts.)
 */
import { expect, test } from "vitest";
import { Rng } from "../core/rng.js";
import type { Discrete } from "../core/spaces.js";
import { makeParallel } from "../envs/multi/registry.js";
import { RunConfig } from "./config.js";
import { runTraining } from "./train.js";

/** Mean collective return (every agent's return summed) per episode of a population acting uniformly at random. */
function randomCollective(id: string, kwargs: Record<string, unknown>, episodes: number, seed: number): number {
  const env = makeParallel(id, { kwargs });
  const rng = new Rng(seed);
  let total = 0;
  for (let e = 0; e < episodes; e++) {
    env.reset(rng.int(2 ** 31));
    while (env.agents.length > 0) {
      const step = env.step(Object.fromEntries(env.agents.map((a) => [a, rng.int((env.actionSpace(a) as Discrete).n)])));
      for (const r of Object.values(step.rewards)) total += r;
    }
  }
  return total / episodes;
}

test.each([
  // [id, kwargs, how many times a random population's collective return the learners must reach]
  ["CommonsHarvest", { players: 2, maxSteps: 200, zap: false }, 3],
  ["CleanUp", { players: 2, maxSteps: 200 }, 3],
  // Random players cooperate half the time; full cooperation pays less than twice that.
  ["Society", { players: 4, rounds: 10 }, 1.5],
  ["DonorGame", { players: 4, rounds: 6 }, 3],
] as const)("%s: a population learning from the team's reward beats a random one's collective return (seeded)", (id, kwargs, factor) => {
  const config = RunConfig.parse({
    env: { id, kwargs },
    numEnvs: 4,
    steps: 60_000,
    reward: { terms: [{ kind: "task", optimize: false }, { name: "team", kind: "expression", expr: "team.reward" }] },
    learner: { algo: "ppo", numSteps: 64, learningRate: 0.002 },
    evaluation: { episodes: 16, policies: ["sampled"] },
  });
  const learned = runTraining(config, 1).evaluations.at(-1)!.social!.collective;
  const random = randomCollective(id, kwargs, 16, 7);
  expect(learned).toBeGreaterThan(factor * random);
}, 60_000);
