import { expect, test } from "vitest";
import { Rng } from "../../core/rng.js";
import { GridEnv } from "../../envs/grid/engine.js";
import { renderGrid } from "../../envs/grid/render.js";
import { make } from "../../envs/registry.js";
import { makeRewarded } from "../../rewards/make.js";
import { RunConfig } from "../config.js";
import { runTraining } from "../train.js";
import { Recorder } from "./record.js";

const TASK = { terms: [{ kind: "task" }] };

test("the heatmap counts the cells a scripted agent stood on, episode ends included", () => {
  const kwargs = { maxSteps: 9 };
  const script = [2, 2, 1, 2, 2, 0, 2, 2, 2, 1, 2, 2, 0, 0, 2, 2, 1, 2, 2, 2, 3, 5, 2];
  const env = makeRewarded("DoorKey-5x5", 1, TASK, { kwargs });
  const recorder = Recorder.attach(env, script.length, { visitFraction: 1, evalEpisodes: 0 })!;
  env.reset(7);
  for (const a of script) env.step([a]);
  const visits = recorder.finish({ act: () => [0] }, 0).visits;

  // The same actions on a single environment: count the cell acted from, and the last cell of each episode.
  const single = make("DoorKey-5x5", { kwargs });
  const core = single.core as GridEnv;
  const expected = new Array<number>(25).fill(0);
  single.reset(7);
  let episodes = 0;
  for (const a of script) {
    expected[core.agentY * 5 + core.agentX]++;
    const { terminated, truncated } = single.step(a);
    if (terminated || truncated) {
      expected[core.agentY * 5 + core.agentX]++;
      single.reset();
      episodes++;
    }
  }
  expect(episodes).toBe(2);
  expect(visits).toMatchObject({ width: 5, height: 5, fromStep: 0, steps: script.length });
  expect(visits.counts).toEqual(expected);
  expect(visits.counts.reduce((a, b) => a + b, 0)).toBe(script.length + episodes);
});

test("cells are counted only over the last part of training", () => {
  const env = makeRewarded("Empty-5x5", 2, TASK);
  const recorder = Recorder.attach(env, 100, { visitFraction: 0.3, evalEpisodes: 0 })!;
  env.reset(0);
  for (let t = 0; t < 50; t++) env.step([2, 2]);
  const { counts, fromStep, steps } = recorder.visits;
  expect(fromStep).toBe(70);
  expect(steps).toBe(30);
  // 15 steps of 2 environments from step 70 on, and episode ends are counted on top.
  expect(counts.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(30);
});

test("the best and worst evaluation replays are the episodes of highest and lowest primary return", () => {
  const env = makeRewarded("Empty-5x5", 4, TASK);
  const recorder = Recorder.attach(env, 1000, { evalEpisodes: 12 })!;
  const rng = new Rng(3);
  // A random policy: some episodes reach the goal early, some late, some never.
  const evaluation = recorder.finish({ act: () => Int32Array.from({ length: 4 }, () => rng.int(3)) }, 40)!.evaluation!;
  const { primaries, best, worst } = evaluation;
  expect(primaries).toHaveLength(12);
  expect(best.primary).toBe(Math.max(...primaries));
  expect(worst.primary).toBe(Math.min(...primaries));
  expect(best.primary).toBeGreaterThan(worst.primary);
  for (const replay of [best, worst]) {
    expect(replay.frames).toHaveLength(replay.length + 1);
    expect(replay.actions).toHaveLength(replay.length);
    expect(replay.primaryRewards.reduce((a, b) => a + b, 0)).toBeCloseTo(replay.primary, 6);
    expect(replay.terms.task.reduce((a, b) => a + b, 0)).toBeCloseTo(replay.return, 6);
  }
  expect(best.events.flat()).toContain("success");
  // A first episode starts where a fresh environment reset with its seed starts.
  const first = [best, worst].find((r) => r.seed !== null);
  if (first) {
    const single = make("Empty-5x5");
    single.reset(first.seed!);
    expect(first.frames[0]).toBe(renderGrid(single.core as GridEnv));
  }
});

test("a recorded gridworld run carries its visits and replays, and curves carry term returns", () => {
  const config = RunConfig.parse({ env: { id: "Empty-5x5" }, numEnvs: 4, steps: 4096, learner: { algo: "q-learning" }, window: 10 });
  const summary = runTraining(config, 0, {}, { visitFraction: 0.5, evalEpisodes: 4 });
  expect(summary.recording?.visits.counts).toHaveLength(25);
  expect(summary.recording?.visits.steps).toBe(2048);
  expect(summary.recording?.evaluation?.primaries).toHaveLength(4);
  expect(Object.keys(summary.curve.at(-1)!.terms!)).toEqual(["task"]);
  // Plain data: it survives structured cloning (the worker-thread boundary).
  expect(structuredClone(summary)).toEqual(summary);
  expect(runTraining(config, 0).recording).toBeUndefined();
});

test("when every evaluation episode ties, the best and the worst replays are still different episodes", () => {
  const env = makeRewarded("Empty-5x5", 2, TASK, { kwargs: { maxSteps: 12 } });
  const recorder = Recorder.attach(env, 1000, { evalEpisodes: 2 })!;
  // Turning in place never reaches the goal: every episode returns 0 after 12 steps.
  const { best, worst, primaries } = recorder.finish({ act: () => [0, 0] }, 5).evaluation!;
  expect(primaries).toEqual([0, 0]);
  expect([best.seed, worst.seed]).toEqual([5, 6]);
  expect(best.length).toBe(12);
});
