/**
 * Meta-RL trials in the record: every ended episode carries its place in
 * its trial, the run reports the return by place (does the agent improve
 * from episode 1 to k?), and a resumed run continues exactly.
 */
import { expect, test } from "vitest";
import { createLearner, LearnerConfig } from "../agents/index.js";
import { EpisodeLog } from "../agents/episodes.js";
import { Rng } from "../core/rng.js";
import { featureByName } from "../envs/env.js";
import { makeRewarded } from "../rewards/make.js";
import { expectExactResume } from "../test-utils/resume.js";
import { RunConfig } from "./config.js";
import { TrainingLoop } from "./loop.js";
import { runTraining } from "./train.js";

const KWARGS = { benchmark: "trivial", count: 100, trial: 3, maxSteps: 12 };

test("an ended episode's place in its trial is the environment's trial.episode when it ran, cycling 1st, 2nd, 3rd per row", () => {
  const env = makeRewarded("Universe-R1-9x9", 4, { terms: [{ kind: "task" }] }, { kwargs: KWARGS });
  env.reset(5);
  const log = new EpisodeLog(env);
  const place = featureByName(env.vec.cores[0], "trial.episode");
  const rng = new Rng(6);
  const expected: number[][] = [[], [], [], []];
  for (let t = 0; t < 200; t++) {
    const before = env.vec.cores.map((c) => place.read(c));
    env.step(Int32Array.from({ length: 4 }, () => rng.int(7)));
    log.record(t);
    for (let i = 0; i < 4; i++) if (env.vec.terminated[i] || env.vec.truncated[i]) expected[i].push(before[i]);
  }
  const records = log.drain();
  for (let i = 0; i < 4; i++) {
    const places = records.filter((e) => e.env === i).map((e) => e.trialEpisode);
    expect(places).toEqual(expected[i]);
    expect(places.length).toBeGreaterThanOrEqual(16);
    expect(places.slice(0, 6)).toEqual([0, 1, 2, 0, 1, 2]);
  }
});

test("a run on trials reports the return by place in the trial, per iteration and over its last episodes; a run without trials does not", () => {
  const config = (kwargs: object) => RunConfig.parse({ env: { id: "Universe-R1-9x9", kwargs }, numEnvs: 4, learner: { algo: "rppo", numSteps: 32 }, steps: 2048, evaluation: { episodes: 0 } });
  const metrics: Record<string, number>[] = [];
  const summary = runTraining(config(KWARGS), 1, { onIteration: (_step, m) => metrics.push({ ...m }) });
  expect(summary.trialPrimary).toHaveLength(3);
  expect(metrics.some((m) => "trial/return_3" in m)).toBe(true);
  const plain = runTraining(config({ ...KWARGS, trial: 1 }), 1);
  expect(plain.trialPrimary).toBeUndefined();
});

test("a resumed run on trials continues exactly (each row's place in its trial included)", () => {
  const build = () => new TrainingLoop(createLearner(LearnerConfig.parse({ algo: "rppo", numSteps: 16 }), makeRewarded("Universe-R1-9x9", 4, { terms: [{ kind: "task" }] }, { kwargs: KWARGS }), 2));
  expectExactResume(build, 6, 3);
}, 60_000);
