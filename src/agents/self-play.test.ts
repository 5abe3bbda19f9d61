import { expect, test } from "vitest";
import { Rng } from "../core/rng.js";
import type { Discrete } from "../core/spaces.js";
import { makeParallel } from "../envs/multi/registry.js";
import { makeRewarded } from "../rewards/make.js";
import { TrainingLoop } from "../runs/loop.js";
import { expectExactResume } from "../test-utils/resume.js";
import { createLearner, LearnerConfig } from "./index.js";
import { SelfPlay } from "./self-play.js";

const selfish = { terms: [{ kind: "task" }] };
// Captures are rare at first: potential shaping toward the enemy flag, and holding it, keeps the optimal policy and speeds learning.
const shaped = { terms: [{ kind: "task" }, { name: "toward.flag", kind: "potential", phi: "0.5 * carrying - 0.05 * enemy.flag.distance", gamma: 0.99 }] };
const CTF = { perTeam: 1, width: 8, height: 5, maxSteps: 60 };

/** Red's mean score per episode (captures minus conceded) with red played by `red` and blue at random. */
function redScore(red: ((obs: Float32Array, rng: Rng) => number) | undefined, episodes: number, seed: number): number {
  const env = makeParallel("CaptureTheFlag", { kwargs: CTF });
  const rng = new Rng(seed);
  let total = 0;
  for (let e = 0; e < episodes; e++) {
    let { observations } = env.reset(rng.int(2 ** 31));
    while (env.agents.length > 0) {
      const n = (env.actionSpace("red_0") as Discrete).n;
      const step = env.step({ red_0: red ? red(observations.red_0, rng) : rng.int(n), blue_0: rng.int(n) });
      total += step.rewards.red_0;
      observations = step.observations;
    }
  }
  return total / episodes;
}

test("self-play in Capture the Flag: the policy learns against its past selves and beats a random opponent by more than random play does", () => {
  const env = makeRewarded("CaptureTheFlag", 8, shaped, { kwargs: CTF });
  const learner = createLearner(LearnerConfig.parse({ algo: "self-play", numSteps: 64, learningRate: 0.001, snapshotEvery: 5 }), env, 3) as SelfPlay;
  new TrainingLoop(learner).run(80_000);
  expect(learner.pool.length).toBeGreaterThan(1);
  const policy = (obs: Float32Array, rng: Rng) => learner.act(obs, rng)[0];
  const random = redScore(undefined, 200, 11);
  const trained = redScore(policy, 200, 11);
  expect(trained).toBeGreaterThan(random + 0.5);
}, 120_000);

test("the same seed gives the same self-play, and a saved run (pool and opponent included) resumes exactly", () => {
  const build = () => new TrainingLoop(createLearner(LearnerConfig.parse({ algo: "self-play", numSteps: 16, snapshotEvery: 1, poolSize: 2 }), makeRewarded("CaptureTheFlag", 2, selfish, { kwargs: CTF }), 5));
  const { straight } = expectExactResume(build, 6, 3);
  expect((straight.learner as SelfPlay).pool).toHaveLength(2);
});

test("self-play's bad settings are one-line errors", () => {
  const env = makeRewarded("CaptureTheFlag", 1, selfish, { kwargs: CTF });
  expect(() => createLearner(LearnerConfig.parse({ algo: "self-play", focal: [0, 1] }), env, 0)).toThrow(/^learner\.focal: expected distinct agent indices from 0 to 1, leaving at least one agent to the opponent, got \[0,1\]$/);
  expect(() => createLearner(LearnerConfig.parse({ algo: "self-play" }), makeRewarded("CartPole-v1", 1, selfish), 0)).toThrow(/^learner\.algo: self-play needs a multi-agent environment; CartPole-v1 has one agent$/);
});
