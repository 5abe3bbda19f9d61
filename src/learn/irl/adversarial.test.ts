import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { Rng } from "../../core/rng.js";
import { makeRewarded } from "../../rewards/make.js";
import { appendDemonstration, demonstrationTransitions, plannerDemonstrations, readDemonstrations } from "../demos/demos.js";
import { featureSize, writeTransition } from "../transition.js";
import type { adversarialReward } from "./adversarial.js";

function demosFile(): string {
  const file = join(mkdtempSync(join(tmpdir(), "rewardlab-demos-")), "doorkey.jsonl");
  for (const d of plannerDemonstrations("DoorKey-5x5", {}, 20, 0)) appendDemonstration(file, d);
  return file;
}

/** Trains the module for `iterations` rollouts of random actions; returns its discriminator and the last random transitions. */
function train(file: string, penalty: number, iterations: number) {
  const env = makeRewarded("DoorKey-5x5", 8, { terms: [{ kind: "task" }, { kind: "intrinsic", module: "adversarial", options: { demonstrations: file, penalty, minibatch: 64, learningRate: 1e-3, epochs: 2 } }] });
  const module = env.program.intrinsicModules[0] as ReturnType<typeof adversarialReward>;
  const rng = new Rng(0);
  env.reset(0);
  for (let it = 0; it < iterations; it++) {
    for (let t = 0; t < 32; t++) env.step(Int32Array.from({ length: 8 }, () => rng.int(7)));
    module.update!();
  }
  return module;
}

test("planner demonstrations replay as winning episodes and stored as JSONL", () => {
  const file = demosFile();
  const demos = readDemonstrations(file);
  expect(demos).toHaveLength(20);
  expect(demos[0].by).toBe("planner");
  const { rows } = demonstrationTransitions(demos, { obsSize: 147, actionCount: 7 });
  expect(rows).toBe(demos.reduce((n, d) => n + d.actions.length, 0));
});

test("the adversarial reward learns to score expert transitions above a random policy's; the Lipschitz penalty keeps it smooth", () => {
  const file = demosFile();
  const layout = { obsSize: 147, actionCount: 7 };
  const expert = demonstrationTransitions(readDemonstrations(file), layout);
  const rng = new Rng(5);
  const probe = (module: ReturnType<typeof adversarialReward>) => {
    const fe = module.discriminator(expert.x, expert.rows);
    const mean = (a: Float32Array) => a.reduce((s, v) => s + v, 0) / a.length;
    // A random policy's transitions, as feature rows.
    const size = featureSize(layout);
    const random = new Float32Array(64 * size);
    const r2 = new Rng(9);
    const vec = makeRewarded("DoorKey-5x5", 1, { terms: [{ kind: "task" }] });
    vec.reset(11);
    for (let k = 0; k < 64; k++) {
      const s = Float32Array.from(vec.obs);
      const a = r2.int(7);
      vec.step([a]);
      writeTransition(layout, s, 0, a, vec.vec.terminated[0] || vec.vec.truncated[0] ? vec.vec.finalObs : vec.obs, 0, random, k * size);
    }
    // Sensitivity: mean |f(x + δ) − f(x)| for small δ on expert rows.
    const jitter = Float32Array.from(expert.x, (v) => v + 0.05 * rng.normal());
    const fj = module.discriminator(jitter, expert.rows);
    const sensitivity = fe.reduce((s, v, i) => s + Math.abs(v - fj[i]), 0) / fe.length;
    return { expert: mean(fe), random: mean(module.discriminator(random, 64)), sensitivity };
  };
  const plain = probe(train(file, 0, 12));
  const penalized = probe(train(file, 10, 12));
  expect(plain.expert).toBeGreaterThan(plain.random + 1);
  expect(penalized.expert).toBeGreaterThan(penalized.random);
  expect(penalized.sensitivity).toBeLessThan(plain.sensitivity);
}, 120_000);

test("a missing demonstrations file is a one-line error naming it", () => {
  expect(() => makeRewarded("DoorKey-5x5", 1, { terms: [{ kind: "task" }, { kind: "intrinsic", module: "adversarial", options: { demonstrations: "/nope.jsonl" } }] })).toThrow("/nope.jsonl: no such file");
});
