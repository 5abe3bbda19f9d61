/**
 * Resuming is exact for every learner and every kind of stateful reward
 * module: training N iterations straight gives what M iterations, a
 * checkpoint through JSON, a fresh process's objects and N − M more give,
 * bit for bit (episodes, metrics, learner and environment state).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { readConfigFile } from "../core/config.js";
import { packageFile } from "../core/paths.js";
import { appendDemonstration, plannerDemonstrations } from "../learn/demos/demos.js";
import { makeRewarded } from "../rewards/make.js";
import { TrainingLoop } from "../runs/loop.js";
import { expectExactResume, trainFor } from "../test-utils/resume.js";
import { createLearner, LearnerConfig } from "./index.js";

const demos = (() => {
  const file = join(mkdtempSync(join(tmpdir(), "rewardlab-resume-")), "doorkey.jsonl");
  for (const d of plannerDemonstrations("DoorKey-5x5", {}, 4, 0)) appendDemonstration(file, d);
  return file;
})();

// Each spec is stateful on purpose: once-per-episode events, a potential, a running normalization, and modules that learn.
const SPECS: Record<string, unknown> = {
  "task, event, potential, normalize": {
    terms: [
      { kind: "task", name: "goal" },
      { kind: "event", event: "pickup:key", weight: 0.2, once: true, name: "key" },
      { kind: "potential", phi: "-goal.distance", gamma: 0.99, name: "progress" },
    ],
    transforms: [{ type: "normalize", gamma: 0.99 }],
  },
  "a reward machine": readConfigFile(packageFile("examples/rewards/doorkey-machine.yaml")),
  "episodic novelty": { terms: [{ kind: "task" }, { kind: "intrinsic", module: "episodic-novelty", weight: 0.01 }] },
  "count and episodic count": { terms: [{ kind: "task" }, { kind: "intrinsic", module: "count", weight: 0.01 }, { kind: "intrinsic", module: "episodic-count", weight: 0.01 }] },
  rnd: { terms: [{ kind: "task" }, { kind: "intrinsic", module: "rnd", weight: 0.01 }] },
  "learned e3b": { terms: [{ kind: "task" }, { kind: "intrinsic", module: "e3b", weight: 0.01, options: { embedding: "inverse-dynamics", features: 8 } }] },
  "progress (SPA, learned from outcomes)": { terms: [{ kind: "task" }, { kind: "intrinsic", module: "progress", weight: 0.1, options: { every: 1, sample: 4, minibatch: 2, epochs: 1 } }] },
  "adversarial (a learned reward)": { terms: [{ kind: "task" }, { kind: "intrinsic", module: "adversarial", weight: 0.1, options: { demonstrations: demos, minibatch: 32, epochs: 1 } }] },
};
const LEARNER_CONFIGS = { ppo: { algo: "ppo", numSteps: 16 }, reinforce: { algo: "reinforce", groupSize: 2 }, "q-learning": { algo: "q-learning" } } as const;

const build = (learner: keyof typeof LEARNER_CONFIGS, spec: unknown) =>
  new TrainingLoop(createLearner(LearnerConfig.parse(LEARNER_CONFIGS[learner]), makeRewarded("DoorKey-5x5", 4, spec, { kwargs: { maxSteps: 24 } }), 11));

for (const learner of Object.keys(LEARNER_CONFIGS) as (keyof typeof LEARNER_CONFIGS)[]) {
  for (const [name, spec] of Object.entries(SPECS)) {
    test(`${learner} with ${name}: a resumed run continues exactly as an uninterrupted one`, () => {
      expectExactResume(() => build(learner, spec));
    }, 60_000);
  }
}

test("a checkpoint holds state, not what the constructor rebuilds", () => {
  const loop = build("ppo", SPECS.rnd);
  trainFor(loop, 1, []);
  const size = JSON.stringify(loop.state()).length;
  // The learner's parameters dominate (two 64-64 MLPs over 148 inputs, ~30k floats); RND adds its predictor.
  expect(size).toBeLessThan(4_000_000);
});
