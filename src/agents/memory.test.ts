import { expect, test } from "vitest";
import { UserError } from "../core/errors.js";
import { makeRewarded } from "../rewards/make.js";
import { checkLearnerMemory as checkRolloutMemory, createLearner, LearnerConfig, rolloutBytes } from "./index.js";
import { formatBytes, MAX_ROLLOUT_BYTES } from "./memory.js";

const TASK = { terms: [{ kind: "task" }] };
const ppo = (numSteps: number) => LearnerConfig.parse({ algo: "ppo", numSteps });

test("a PPO rollout is numEnvs × numSteps rows, each with an observation padded to 4 floats", () => {
  const env = makeRewarded("DoorKey-5x5", 2, TASK);
  const need = rolloutBytes(ppo(10), env.vec)!;
  expect(need.rows).toBe(20);
  expect(need.values).toBe(Math.ceil(env.vec.observationSpace.size / 4) * 4);
  // Doubling the steps doubles the bytes.
  expect(rolloutBytes(ppo(20), env.vec)!.bytes).toBe(2 * need.bytes);
  expect(rolloutBytes(LearnerConfig.parse({ algo: "q-learning" }), env.vec)).toBeUndefined();
});

test("numEnvs 4096 with numSteps 1e9 is a one-line error naming both fields, before any allocation", () => {
  const env = makeRewarded("DoorKey-8x8", 1, TASK);
  const shape = { observationSpace: env.vec.observationSpace, actionSpace: env.vec.actionSpace, maxSteps: env.vec.maxSteps, n: 4096 };
  let error: unknown;
  try {
    checkRolloutMemory(ppo(1e9), shape);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(UserError);
  const e = error as UserError;
  expect(e.path).toBe("learner.numSteps");
  expect(e.problem).toMatch(/^numEnvs × learner\.numSteps = 4096 × 1000000000 rollout rows of \d+ observation values need about [\d.]+ PiB; at most 2 GiB fits: lower numEnvs or learner\.numSteps$/);
  expect(e.message.includes("\n")).toBe(false);
});

test("createLearner refuses a rollout over the limit and accepts one just under it", () => {
  const env = makeRewarded("CartPole-v1", 1, TASK);
  const perStep = rolloutBytes(ppo(1), env.vec)!.bytes;
  const under = Math.floor(MAX_ROLLOUT_BYTES / perStep);
  expect(() => checkRolloutMemory(ppo(under), env.vec)).not.toThrow();
  expect(() => createLearner(ppo(under + 1), env, 0)).toThrow(/^learner\.numSteps: numEnvs × learner\.numSteps = 1 × \d+ rollout rows/);
});

test("REINFORCE's rollout is bounded by numEnvs × the episode limit", () => {
  const env = makeRewarded("DoorKey-8x8", 1, TASK, { kwargs: { maxSteps: 1_000_000 } });
  expect(() => checkRolloutMemory(LearnerConfig.parse({ algo: "reinforce" }), { observationSpace: env.vec.observationSpace, actionSpace: env.vec.actionSpace, maxSteps: env.vec.maxSteps, n: 4096 })).toThrow(
    /^numEnvs: numEnvs × the episode limit = 4096 × 1000000 rollout rows .* lower numEnvs$/,
  );
});

test("sizes read in binary units", () => {
  expect(formatBytes(MAX_ROLLOUT_BYTES)).toBe("2 GiB");
  expect(formatBytes(1536)).toBe("1.5 KiB");
  expect(formatBytes(12)).toBe("12 B");
});

test("a learner given as {algo: ppo} (a run config's default) is sized with PPO's default numSteps", () => {
  const env = makeRewarded("DoorKey-5x5", 8, TASK);
  const given = { algo: "ppo" } as LearnerConfig;
  expect(rolloutBytes(given, env.vec)!.rows).toBe(8 * 128);
  expect(() => checkRolloutMemory({ algo: "ppo", numSteps: 1e9 } as LearnerConfig, env.vec)).toThrow(/^learner\.numSteps: numEnvs × learner\.numSteps = 8 × 1000000000 rollout rows/);
});
