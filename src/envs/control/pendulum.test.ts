import { expect, test } from "vitest";
import { UserError } from "../../core/errors.js";
import { make, makeVector } from "../registry.js";
import type { Pendulum } from "./pendulum.js";

// ── Reference: Gymnasium's pendulum (a uniform rod about one end, I = m l²/3,
// so θ̈ = 3g/(2l)·sin θ + 3u/(m l²)), semi-implicit Euler; cost on the state
// before the step. Written independently of pendulum.ts.
function pendulumStep([th, w]: number[], u: number, g = 10): { s: number[]; r: number } {
  u = Math.max(-2, Math.min(2, u));
  let norm = th;
  while (norm >= Math.PI) norm -= 2 * Math.PI;
  while (norm < -Math.PI) norm += 2 * Math.PI;
  const r = -(norm ** 2 + 0.1 * w ** 2 + 0.001 * u ** 2);
  const alpha = 1.5 * g * Math.sin(th) + 3 * u;
  w = Math.max(-8, Math.min(8, w + 0.05 * alpha));
  return { s: [th + 0.05 * w, w], r };
}

function pendulum(kwargs?: Record<string, unknown>) {
  const env = make("Pendulum-v1", { kwargs });
  env.reset(0);
  return { env, core: env.core as Pendulum };
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

test("twelve steps from a fixed state match the published update and cost", () => {
  const { env, core } = pendulum();
  let s = [2.9, -0.7];
  core.setState(s);
  for (const u of [2, 2, -1.5, 0, 0.3, -2, 3.5, -7, 1, 1, 0.01, -0.5]) {
    const step = env.step([u]);
    const ref = pendulumStep(s, u);
    s = ref.s;
    const got = core.getState();
    expect(got[0]).toBeCloseTo(s[0], 13);
    expect(got[1]).toBeCloseTo(s[1], 13);
    expect(step.reward).toBeCloseTo(ref.r, 12);
    expect(Array.from(step.obs)).toEqual([Math.cos(got[0]), Math.sin(got[0]), got[1]].map(Math.fround));
    expect(step.terminated).toBe(false);
  }
});

test("the cost uses the angle normalized to [−π, π) however many turns θ has made", () => {
  const { env, core } = pendulum();
  const th = 0.25 + 6 * Math.PI;
  core.setState([th, 0]);
  const step = env.step([0]);
  expect(step.reward).toBeCloseTo(-(0.25 ** 2), 12);
  expect(core.theta).toBeGreaterThan(6 * Math.PI); // θ itself is never wrapped
  core.setState([-th, 0]);
  expect(env.step([0]).reward).toBeCloseTo(-(0.25 ** 2), 12);
  expect(env.readFeatures(["pole.angle"])["pole.angle"]).toBeLessThan(0);
});

test("the torque is clipped to ±2, in the dynamics and in the cost", () => {
  const { env, core } = pendulum();
  core.setState([0, 0]);
  const big = env.step([5]);
  expect(env.readFeatures(["torque"])).toEqual({ torque: 2 });
  expect(big.reward).toBeCloseTo(-0.001 * 4, 15);
  expect(core.thetaDot).toBeCloseTo(3 * 2 * 0.05, 15);
  env.reset();
  expect(env.readFeatures(["torque"])).toEqual({ torque: 0 });
});

test("the angular velocity is clipped to ±8", () => {
  const { env, core } = pendulum();
  core.setState([Math.PI / 2, 7.9]);
  env.step([2]);
  expect(core.thetaDot).toBe(8);
  core.setState([-Math.PI / 2, -7.9]);
  env.step([-2]);
  expect(core.thetaDot).toBe(-8);
});

test("the g kwarg changes gravity", () => {
  const { env, core } = pendulum({ g: 9.81 });
  core.setState([1, 0]);
  env.step([0]);
  expect(core.thetaDot).toBeCloseTo(pendulumStep([1, 0], 0, 9.81).s[1], 15);
});

test("it never terminates and is truncated at step 200", () => {
  const env = make("Pendulum-v1");
  env.reset(2);
  for (let t = 1; t <= 200; t++) {
    const step = env.step([t % 3 === 0 ? 2 : -2]);
    expect(step.terminated).toBe(false);
    expect(step.truncated).toBe(t === 200);
    expect(step.reward).toBeLessThanOrEqual(0);
    expect(step.reward).toBeGreaterThanOrEqual(-(Math.PI ** 2 + 6.4 + 0.004));
  }
});

test("the reset state is θ uniform in [−π, π] and θ̇ uniform in [−1, 1]", () => {
  const env = make("Pendulum-v1");
  const thetas: number[] = [];
  for (let seed = 0; seed < 50; seed++) {
    env.reset(seed);
    const [th, w] = (env.core as Pendulum).getState();
    expect(Math.abs(th)).toBeLessThanOrEqual(Math.PI);
    expect(Math.abs(w)).toBeLessThanOrEqual(1);
    thetas.push(th);
  }
  expect(Math.min(...thetas)).toBeLessThan(-2);
  expect(Math.max(...thetas)).toBeGreaterThan(2);
});

test("a NaN torque is a UserError naming the action, through Env, VectorEnv and the core", () => {
  const { env, core } = pendulum();
  expect(userErrorOf(() => env.step([NaN])).path).toMatch(/^action/);
  expect(userErrorOf(() => env.step(NaN)).path).toMatch(/^action/);
  const vec = makeVector("Pendulum-v1", 3);
  vec.reset(0);
  expect(userErrorOf(() => vec.step([0, 1, NaN])).path).toBe("actions[2]");
  core.setState([1, 1]);
  expect(() => core.step([NaN], 0, new Float32Array(3), 0)).toThrow(/^action: expected a finite number, got NaN/);
  expect(core.getState()).toEqual([1, 1]);
  expect(core.stepCount).toBe(0);
});

test("render shows the normalized angle, velocity and torque on one line", () => {
  const { env, core } = pendulum();
  core.setState([2 * Math.PI + 0.5, -1.25]);
  expect(env.render()).toBe("Pendulum θ=+0.500 θ̇=-1.250 u=+0.00 t=0/200");
});
