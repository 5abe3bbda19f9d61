import { expect, test } from "vitest";
import { UserError } from "../../core/errors.js";
import { make, makeVector } from "../registry.js";
import type { MountainCarContinuous } from "./mountaincar-continuous.js";

// ── Reference: Gymnasium's continuous mountain car, written independently of
// mountaincar-continuous.ts. Returns the next state and the reward.
function continuousStep([x, v]: number[], a: number): { s: number[]; r: number } {
  const f = Math.min(1, Math.max(-1, a));
  v = Math.min(0.07, Math.max(-0.07, v + 0.0015 * f - 0.0025 * Math.cos(3 * x)));
  x = Math.min(0.6, Math.max(-1.2, x + v));
  if (x === -1.2 && v < 0) v = 0;
  const done = x >= 0.45 && v >= 0;
  return { s: [x, v], r: (done ? 100 : 0) - 0.1 * a ** 2 };
}

function car(kwargs?: Record<string, unknown>) {
  const env = make("MountainCarContinuous-v0", { kwargs });
  env.reset(0);
  return { env, core: env.core as MountainCarContinuous };
}

function userErrorOf(fn: () => unknown): UserError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return e as UserError;
  }
  throw new Error("expected a UserError");
}

test("ten steps from a fixed state match the published update, rewards included", () => {
  const { env, core } = car();
  let s = [-0.48, -0.012];
  core.setState(s);
  for (const a of [1, 0.5, -0.25, -1, 0, 1.7, -3, 0.9, 0.1, 1]) {
    const step = env.step([a]);
    const ref = continuousStep(s, a);
    s = ref.s;
    const got = core.getState();
    expect(got[0]).toBeCloseTo(s[0], 14);
    expect(got[1]).toBeCloseTo(s[1], 14);
    expect(Array.from(step.obs)).toEqual(got.map(Math.fround));
    expect(step.reward).toBeCloseTo(ref.r, 14);
    expect(step.terminated).toBe(false);
  }
});

test("an action beyond ±1 drives with force ±1 but pays the penalty on the action as given", () => {
  const { env, core } = car();
  core.setState([-0.5, 0]);
  const big = env.step([2.5]);
  expect(env.readFeatures(["force"])).toEqual({ force: 1 });
  expect(big.reward).toBeCloseTo(-0.1 * 2.5 * 2.5, 15);
  const afterBig = core.getState();
  core.setState([-0.5, 0]);
  env.step([1]);
  expect(core.getState()).toEqual(afterBig);
  env.reset();
  expect(env.readFeatures(["force"])).toEqual({ force: 0 });
});

test("reaching x ≥ 0.45 with v ≥ 0 terminates with 100 − 0.1·a² and reach:goal", () => {
  const { env, core } = car();
  core.setState([0.44, 0.03]);
  const step = env.step([0.5]);
  expect(core.position).toBeGreaterThanOrEqual(0.45);
  expect(step.reward).toBeCloseTo(100 - 0.025, 12);
  expect(step).toMatchObject({ terminated: true, truncated: false, info: { events: ["reach:goal"] } });
});

test("the left wall stops the car and raises hit:wall", () => {
  const { env, core } = car();
  core.setState([-1.18, -0.06]);
  expect(env.step([-1]).info.events).toEqual(["hit:wall"]);
  expect(core.getState()).toEqual([-1.2, 0]);
});

test("doing nothing is truncated at step 999", () => {
  const env = make("MountainCarContinuous-v0");
  env.reset(1);
  for (let t = 1; t <= 999; t++) {
    const step = env.step([0]);
    expect(step.reward).toBe(0);
    expect(step.terminated).toBe(false);
    expect(step.truncated).toBe(t === 999);
  }
});

test("a NaN action is a UserError naming the action, through Env and through VectorEnv", () => {
  const { env } = car();
  expect(userErrorOf(() => env.step([NaN])).path).toMatch(/^action/);
  expect(userErrorOf(() => env.step(Infinity)).path).toMatch(/^action/);
  expect(userErrorOf(() => env.step([0, 0])).path).toBe("action");

  const vec = makeVector("MountainCarContinuous-v0", 2);
  vec.reset(0);
  expect(userErrorOf(() => vec.step(Float32Array.of(0, NaN))).path).toBe("actions[1]");
});

test("a NaN action leaves the core untouched", () => {
  const { core } = car();
  const obs = new Float32Array(2);
  core.setState([-0.5, 0.01]);
  expect(() => core.step(Float64Array.of(NaN), 0, obs, 0)).toThrow(UserError);
  expect(core.stepCount).toBe(0);
  expect(core.getState()).toEqual([-0.5, 0.01]);
});

test("render shows the state and the last force on one line", () => {
  const { env, core } = car();
  core.setState([-0.5, 0]);
  env.step([-0.5]);
  expect(env.render()).toMatch(/^MountainCarContinuous x=-0\.\d{4} v=-0\.\d{4} force=-0\.50 goal=0\.45 t=1\/999$/);
});
