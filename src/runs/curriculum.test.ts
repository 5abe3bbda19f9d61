/**
 * A curriculum run from a config: the curriculum chooses every trial's task
 * from the training split and hears how trials went, evaluation plays the
 * held-out split, the run is the same for the same seed, and a checkpoint
 * resumes it exactly (the curriculum's state included).
 */
import { expect, test } from "vitest";
import { createLearner, LearnerConfig } from "../agents/index.js";
import type { Plr } from "../curricula/plr.js";
import type { UniverseEnv } from "../envs/universe/env.js";
import { makeRewarded } from "../rewards/make.js";
import { expectExactResume } from "../test-utils/resume.js";
import { RunConfig } from "./config.js";
import { TrainingLoop } from "./loop.js";
import { installCurriculum, runTraining } from "./train.js";

const KWARGS = { benchmark: "small", count: 200, maxSteps: 30 };

const config = (curriculum: unknown) =>
  RunConfig.parse({
    env: { id: "Universe-R1-9x9", kwargs: KWARGS },
    numEnvs: 4,
    learner: { algo: "ppo", numSteps: 16 },
    steps: 1024,
    curriculum,
    evaluation: { episodes: 8, kwargs: { split: "test" } },
  });

test("a PLR run completes from a config, the same for the same seed, with evaluation on the held-out split", () => {
  const a = runTraining(config({ kind: "plr" }), 3);
  const b = runTraining(config({ kind: "plr" }), 3);
  const { seconds: _a, ...ra } = a as unknown as Record<string, unknown>;
  const { seconds: _b, ...rb } = b as unknown as Record<string, unknown>;
  expect(ra).toEqual(rb);
  expect(a.steps).toBe(1024);
  expect(a.resultFrom).toBe("sampled");
});

test("the curriculum chooses trials' tasks from the training split and records each trial", () => {
  const env = makeRewarded("Universe-R1-9x9", 4, { terms: [{ kind: "task" }] }, { kwargs: KWARGS });
  installCurriculum({ kind: "plr", beta: 0.1, staleness: 0.1, replayProb: "proportionate" }, env.vec.cores);
  const loop = new TrainingLoop(createLearner(LearnerConfig.parse({ algo: "ppo", numSteps: 16 }), env, 1));
  loop.run(2048);
  const cores = env.vec.cores as UniverseEnv[];
  const plr = cores[0].chooser as unknown as Plr;
  expect(cores.every((c) => c.chooser === plr)).toBe(true);
  const { tasks, count } = plr.state();
  // 2048 steps of 30-step episodes on 4 environments: at least 64 trials, on tasks of the training split (0…179).
  expect(count).toBeGreaterThanOrEqual(64);
  expect(tasks.every((t) => t >= 0 && t < 180)).toBe(true);
});

test("a resumed curriculum run continues exactly", () => {
  const build = () => {
    const env = makeRewarded("Universe-R1-9x9", 4, { terms: [{ kind: "task" }] }, { kwargs: KWARGS });
    installCurriculum({ kind: "filter", low: 0.1, high: 0.9, tries: 10, rate: 0.3 }, env.vec.cores);
    return new TrainingLoop(createLearner(LearnerConfig.parse({ algo: "ppo", numSteps: 16 }), env, 2));
  };
  expectExactResume(build, 6, 3);
}, 60_000);

test("a curriculum on an environment without tasks to choose is one line naming it", () => {
  expect(() => runTraining(RunConfig.parse({ env: { id: "DoorKey-5x5" }, curriculum: { kind: "uniform" }, steps: 64 }), 0)).toThrow(/^curriculum: chooses the tasks of a universe environment/);
  expect(() => RunConfig.parse({ env: { id: "DoorKey-5x5" }, curriculum: { kind: "plr", beta: -1 } })).toThrow();
});
