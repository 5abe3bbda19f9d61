/**
 * A small text policy trained in-process: PPO over hashed words learns a
 * gridworld it only reads about, within a step budget; runs repeat bit for
 * bit; dense and sparse turn rewards are what the world's spec pays.
 */
import { expect, test } from "vitest";
import { ACTION_NAMES } from "../../envs/grid/objects.js";
import { gridTextEnv } from "./grid-text.js";
import { hashWords } from "./text-core.js";
import { evaluateTextPolicy, textVector, trainTextPolicy } from "./text-policy.js";

const CORE = { actions: ACTION_NAMES.slice(0, 6), maxSteps: 100 };
const empty = () => gridTextEnv("Empty-5x5");

test("PPO over hashed words learns Empty-5x5 from its text: success from about a half (untrained) to every held-out episode in 30k steps; the same seed, the same policy", () => {
  const untrained = evaluateTextPolicy(trainTextPolicy(empty, CORE, { learner: { algo: "ppo", numSteps: 64 } as never, rewards: "sparse", steps: 512, seed: 1 }), empty, CORE, 64, 12345);
  const trained = trainTextPolicy(empty, CORE, { learner: { algo: "ppo", numSteps: 64 } as never, rewards: "sparse", steps: 30_000, seed: 1 });
  const e = evaluateTextPolicy(trained, empty, CORE, 64, 12345);
  expect(untrained.success).toBeLessThan(0.8);
  expect(e.success).toBe(1);
  expect(e.primaryReturn).toBeGreaterThan(0.9);
  const again = trainTextPolicy(empty, CORE, { learner: { algo: "ppo", numSteps: 64 } as never, rewards: "sparse", steps: 30_000, seed: 1 });
  expect(evaluateTextPolicy(again, empty, CORE, 64, 12345)).toEqual(e);
}, 60_000);

test("dense turn rewards are the world's spec beyond the task; sparse pays the task alone; both are judged on the task", () => {
  // A constant per-turn term: the dense reward's shaping is known exactly.
  const spec = { terms: [{ kind: "task" }, { name: "turn", kind: "expression", expr: "0.01" }] };
  const world = () => gridTextEnv("DoorKey-5x5", { reward: spec });
  for (const rewards of ["dense", "sparse"] as const) {
    const env = textVector(world, 1, CORE, rewards);
    env.reset(0);
    let shaped = 0;
    for (let t = 0; t < 400; t++) {
      env.step(Int32Array.of([2, 0, 3, 2, 1, 5][t % 6]));
      shaped += env.rewards[0] - env.reward.primary[0];
    }
    if (rewards === "sparse") expect(shaped).toBe(0);
    else expect(shaped).toBeCloseTo(0.01 * 400, 4);
  }
});

test("hashed words: the same text, the same vector; word order matters through word pairs", () => {
  const a = new Float32Array(64);
  const b = new Float32Array(64);
  hashWords("a yellow key 2 ahead", a, 0, 64);
  hashWords("a yellow key 2 ahead", b, 0, 64);
  expect(b).toEqual(a);
  hashWords("ahead 2 key yellow a", b, 0, 64);
  expect(b).not.toEqual(a);
});
