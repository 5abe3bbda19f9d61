import { expect, test } from "vitest";
import { makeRewarded } from "../rewards/make.js";
import { TrainingLoop } from "../runs/loop.js";
import { expectExactResume } from "../test-utils/resume.js";
import { RunConfig } from "../runs/config.js";
import { runTraining } from "../runs/train.js";
import { createLearner, LearnerConfig } from "./index.js";
import { Mappo, tableState } from "./mappo.js";

const team = { terms: [{ kind: "task", optimize: false }, { name: "team", kind: "expression", expr: "team.reward" }] };

test("the centralized state of a seat is its table's observations in seat order, then its agent's one-hot", () => {
  // 2 tables × 3 agents, observations of 2 floats, padded to 4 in the rollout; two steps (n = 6 rows each).
  const s = tableState(6, 3, 2);
  expect(s.width).toBe(9);
  const rollout = new Float32Array(12 * 4);
  for (let k = 0; k < 12; k++) rollout.set([k, -k], k * 4);
  const into = new Float32Array(9);
  s.fromRollout(rollout, 4, 10, into, 0); // step 1, table 1, agent 1
  expect(Array.from(into)).toEqual([9, -9, 10, -10, 11, -11, 0, 1, 0]);
  const env = Float32Array.from({ length: 12 }, (_, i) => i);
  into.fill(0);
  s.fromEnv(env, 2, 3, into, 0); // table 1, agent 0
  expect(Array.from(into)).toEqual([6, 7, 8, 9, 10, 11, 1, 0, 0]);
});

test("the critic sees the other agents: its value changes with another agent's observation, the actor's output does not", () => {
  const env = makeRewarded("PublicGoods", 1, team, { kwargs: { rounds: 4, players: 3 } });
  const learner = createLearner(LearnerConfig.parse({ algo: "mappo", numSteps: 8 }), env, 2) as Mappo;
  expect(learner.algo).toBe("mappo");
  expect(learner.criticNets).not.toBe(learner.nets);
  const size = env.vec.obsSize;
  const obs = Float32Array.from({ length: 3 * size }, (_, k) => Math.sin(k));
  const value = (o: Float32Array) => {
    const c = learner.criticNets;
    c.input.fill(0);
    tableState(3, 3, size).fromEnv(o, size, 0, c.input, 0);
    c.forward(0, 1);
    return c.output(0)[0];
  };
  const other = obs.slice();
  other[2 * size] += 1; // agent 2's observation
  expect(value(other)).not.toBe(value(obs));
  expect(Array.from(learner.actorOutputs(other.subarray(0, size)))).toEqual(Array.from(learner.actorOutputs(obs.subarray(0, size))));
});

test("MAPPO on the team's reward beats a random population in the Stag Hunt (seeded)", () => {
  const config = RunConfig.parse({ env: { id: "StagHunt", kwargs: { rounds: 10 } }, numEnvs: 4, steps: 40_960, reward: team, learner: { algo: "mappo", numSteps: 64, learningRate: 0.003 }, evaluation: { episodes: 16, policies: ["sampled"] } });
  const run = runTraining(config, 1);
  // A random population earns 2.5 per player per round; mutual stag hunting 4.
  expect(run.evaluations.at(-1)!.social!.perCapita).toBeGreaterThan(0.9 * 4 * 10);
}, 60_000);

test("the same seed trains the same MAPPO, and a saved run (critic and its optimizer included) resumes exactly", () => {
  const build = () => new TrainingLoop(createLearner(LearnerConfig.parse({ algo: "mappo", numSteps: 16 }), makeRewarded("PublicGoods", 2, team, { kwargs: { rounds: 4, players: 3 } }), 5));
  expectExactResume(build);
});

test("mappo on a single-agent environment is a one-line error", () => {
  expect(() => createLearner(LearnerConfig.parse({ algo: "mappo" }), makeRewarded("CartPole-v1", 2, { terms: [{ kind: "task" }] }), 0)).toThrow(/^learner\.algo: mappo's critic sees every agent of a multi-agent environment; CartPole-v1 has one agent$/);
});
