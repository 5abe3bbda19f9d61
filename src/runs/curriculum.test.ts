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
  installCurriculum({ kind: "plr", beta: 0.1, staleness: 0.1, replayProb: "proportionate", score: "success" }, env.vec.cores, "ppo");
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

for (const curriculum of [{ kind: "filter", low: 0.1, high: 0.9, tries: 10, rate: 0.3 }, { kind: "plr", beta: 0.1, staleness: 0.1, replayProb: "proportionate", score: "value-loss" }] as const) {
  test(`a resumed ${curriculum.kind} run continues exactly (trials awaiting the learner's score included)`, () => {
    const build = () => {
      const env = makeRewarded("Universe-R1-9x9", 4, { terms: [{ kind: "task" }] }, { kwargs: KWARGS });
      installCurriculum(curriculum, env.vec.cores, "ppo");
      return new TrainingLoop(createLearner(LearnerConfig.parse({ algo: "ppo", numSteps: 16 }), env, 2));
    };
    expectExactResume(build, 6, 3);
  }, 60_000);
}

test("PLR's value-loss score of each trial is the mean of max(Â_t, 0) over its steps, from the learner's own advantages", () => {
  const env = makeRewarded("Universe-R1-9x9", 3, { terms: [{ kind: "task" }] }, { kwargs: { ...KWARGS, maxSteps: 12 } });
  installCurriculum({ kind: "plr", beta: 0.1, staleness: 0.1, replayProb: "proportionate", score: "value-loss" }, env.vec.cores, "ppo");
  const cores = env.vec.cores as UniverseEnv[];
  const plr = cores[0].chooser as unknown as Plr;
  const recorded: [number, number][] = [];
  const record = plr.record.bind(plr);
  plr.record = (task, outcome) => (recorded.push([task, outcome.score!]), record(task, outcome));
  // Independently: each row's episodes (a trial is one episode here) and their steps' advantages, read off the learner after each rollout.
  const learner = createLearner(LearnerConfig.parse({ algo: "ppo", numSteps: 16 }), env, 4);
  const n = env.vec.n;
  const open = Array.from({ length: n }, () => ({ task: -1, steps: [] as number[] }));
  const expected: { task: number; score: number }[] = [];
  learner.start();
  for (let i = 0; i < n; i++) open[i].task = cores[i].taskIndex;
  const ends: { row: number; t: number; next: number }[] = [];
  for (let rollout = 0; rollout < 12; rollout++) {
    for (let t = 0; t < 16; t++) {
      env.step(learner.actions());
      learner.observe();
      for (let i = 0; i < n; i++) if (env.vec.terminated[i] || env.vec.truncated[i]) ends.push({ row: i, t, next: cores[i].taskIndex });
    }
    learner.update();
    const advantages = (learner as unknown as { advantages: Float32Array }).advantages;
    for (let i = 0; i < n; i++) {
      for (let t = 0; t < 16; t++) {
        open[i].steps.push(Math.max(advantages[t * n + i], 0));
        const end = ends.find((e) => e.row === i && e.t === t);
        if (!end) continue;
        expected.push({ task: open[i].task, score: open[i].steps.reduce((a, b) => a + b, 0) / open[i].steps.length });
        open[i] = { task: end.next, steps: [] };
      }
    }
    ends.length = 0;
  }
  // The ledger reports after each rollout, in the order the trials began: compare as sets.
  const key = ([task, score]: [number, number]) => `${task}:${score.toPrecision(10)}`;
  expect(recorded.length).toBe(expected.length);
  expect(expected.length).toBeGreaterThan(30);
  expect(recorded.map(key).sort()).toEqual(expected.map((e) => key([e.task, e.score])).sort());
  // Scores vary with the learner's advantages: not a success rate in disguise.
  expect(new Set(recorded.map(([, s]) => s.toFixed(6))).size).toBeGreaterThan(10);
});

test("PLR by value loss with a learner that has no advantages is one line naming the field", () => {
  const reinforce = RunConfig.parse({ env: { id: "Universe-R1-9x9", kwargs: KWARGS }, learner: { algo: "reinforce" }, curriculum: { kind: "plr" }, steps: 64 });
  expect(() => runTraining(reinforce, 0)).toThrow(/^curriculum\.score: value-loss needs a learner that computes advantages \(ppo, rppo\), got reinforce; use score: success$/);
});

test("a curriculum on an environment without tasks to choose is one line naming it", () => {
  expect(() => runTraining(RunConfig.parse({ env: { id: "DoorKey-5x5" }, curriculum: { kind: "uniform" }, steps: 64 }), 0)).toThrow(/^curriculum: chooses the tasks of a universe environment/);
  expect(() => RunConfig.parse({ env: { id: "DoorKey-5x5" }, curriculum: { kind: "plr", beta: -1 } })).toThrow();
});
