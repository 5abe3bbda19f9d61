import { expect, test } from "vitest";
import { makeRewarded } from "../rewards/make.js";
import { TrainingLoop } from "../runs/loop.js";
import { expectExactResume } from "../test-utils/resume.js";
import { RunConfig } from "../runs/config.js";
import { runTraining } from "../runs/train.js";
import { createLearner, LearnerConfig } from "./index.js";
import { IndependentPpo } from "./independent-ppo.js";

const team = { terms: [{ kind: "task", optimize: false }, { name: "team", kind: "expression", expr: "team.reward" }] };

test("one PPO learner per agent, each trained on its own rows: separate networks that end up different", () => {
  const env = makeRewarded("Chicken", 4, { terms: [{ kind: "task" }] }, { kwargs: { rounds: 5 } });
  const learner = createLearner(LearnerConfig.parse({ algo: "ippo", numSteps: 16 }), env, 3) as IndependentPpo;
  expect(learner.agents).toHaveLength(2);
  // Each agent's rollout holds its 4 tables' rows only.
  expect(learner.agents.map((a) => a.batchSize)).toEqual([64, 64]);
  new TrainingLoop(learner).run(64 * 2 * 3);
  expect(learner.globalStep).toBe(64 * 2 * 3);
  const [a, b] = learner.agents.map((p) => JSON.stringify(p.state().params));
  expect(a).not.toBe(b);
});

test("independent learners on the team's reward beat a random population in the Stag Hunt (seeded)", () => {
  const config = RunConfig.parse({ env: { id: "StagHunt", kwargs: { rounds: 10 } }, numEnvs: 4, steps: 40_960, reward: team, learner: { algo: "ippo", numSteps: 64, learningRate: 0.003 }, evaluation: { episodes: 16, policies: ["sampled"] } });
  const run = runTraining(config, 1);
  // A random population earns 2.5 per player per round; mutual stag hunting 4.
  expect(run.evaluations.at(-1)!.social!.perCapita).toBeGreaterThan(2.5 * 10);
});

test("the same seed trains the same independent learners, and a saved run resumes exactly", () => {
  const build = () => new TrainingLoop(createLearner(LearnerConfig.parse({ algo: "ippo", numSteps: 16 }), makeRewarded("PublicGoods", 2, team, { kwargs: { rounds: 4, players: 3 } }), 5));
  expectExactResume(build);
});

test("ippo on a single-agent environment is a one-line error", () => {
  expect(() => createLearner(LearnerConfig.parse({ algo: "ippo" }), makeRewarded("CartPole-v1", 2, { terms: [{ kind: "task" }] }), 0)).toThrow(/^learner\.algo: ippo trains one learner per agent of a multi-agent environment; CartPole-v1 has one agent$/);
});
