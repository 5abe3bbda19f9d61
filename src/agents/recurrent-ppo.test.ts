import { expect, test } from "vitest";
import { Rng } from "../core/rng.js";
import { makeVector } from "../envs/registry.js";
import { makeRewarded } from "../rewards/make.js";
import { TrainingLoop } from "../runs/loop.js";
import { expectExactResume } from "../test-utils/resume.js";
import { createLearner, LearnerConfig, type Learner } from "./index.js";

const TASK = { terms: [{ kind: "task" }] };

function learner(config: Record<string, unknown>, seed: number, delay = 5, id = "CueRecall-v0", kwargs: Record<string, unknown> = { delay }): Learner {
  return createLearner(LearnerConfig.parse(config), makeRewarded(id, 8, TASK, { kwargs }), seed);
}

/** The greedy policy on fresh environments with held-out seeds: the share of right answers. */
function recall(agent: Learner, delay: number): number {
  const vec = makeVector("CueRecall-v0", 16, { kwargs: { delay } });
  vec.reset(1_000_000);
  let right = 0;
  let answered = 0;
  while (answered < 64) {
    vec.step(agent.act(vec.obs, new Rng(5), { greedy: true, env: vec }));
    for (let i = 0; i < vec.n; i++)
      if (vec.terminated[i]) {
        right += vec.rewards[i];
        answered++;
      }
  }
  return right / answered;
}

const RPPO = { algo: "rppo", numSteps: 32, numMinibatches: 2, learningRate: 0.001 };
const PPO = { algo: "ppo", numSteps: 32, numMinibatches: 2, learningRate: 0.001 };

test("with a memory, recurrent PPO recalls a cue 5 blank steps later; feed-forward PPO cannot (20,480 steps, seeds 1–3)", () => {
  for (const seed of [1, 2, 3]) {
    const rppo = learner(RPPO, seed);
    new TrainingLoop(rppo).run(20_480);
    expect(recall(rppo, 5), `rppo seed ${seed}`).toBeGreaterThanOrEqual(0.95);
    const ppo = learner(PPO, seed);
    new TrainingLoop(ppo).run(20_480);
    // Without memory the question looks the same whatever the cue: half right, up to sampling luck of the cues.
    expect(recall(ppo, 5), `ppo seed ${seed}`).toBeLessThanOrEqual(0.7);
  }
}, 120_000);

test("the same seed trains the same policy, bit for bit", () => {
  const a = learner(RPPO, 4);
  const b = learner(RPPO, 4);
  new TrainingLoop(a).run(2048);
  new TrainingLoop(b).run(2048);
  expect(a.state()).toEqual(b.state());
});

test("a resumed run continues exactly as an uninterrupted one, memory included (RL² inputs, trials of a universe task)", () => {
  const build = () => new TrainingLoop(learner({ ...RPPO, numSteps: 16, prevAction: true, prevReward: true, memory: 16 }, 7, 0, "Universe-R1-9x9", { benchmark: "small", count: 50, trial: 2, maxSteps: 20 }));
  expectExactResume(build, 4, 2);
}, 60_000);

test("numMinibatches must divide numEnvs: one line naming the field", () => {
  expect(() => learner({ ...RPPO, numMinibatches: 3 }, 1)).toThrow(/learner\.numMinibatches: must divide numEnvs \(8\)/);
});
