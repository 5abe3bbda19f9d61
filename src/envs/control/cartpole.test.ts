import { expect, test } from "vitest";
import { UserError } from "../../core/errors.js";
import { make } from "../registry.js";
import type { CartPole } from "./cartpole.js";

// ── Reference: Florian (2007), "Correct equations for the dynamics of the
// cart-pole system", eqs. (21)–(22) with μc = μp = 0, and explicit Euler.
// Written independently of cartpole.ts, in the paper's arrangement.
const g = 9.8;
const mc = 1.0;
const mp = 0.1;
const l = 0.5; // half-length
const tau = 0.02;

function florianStep([x, xDot, th, thDot]: number[], action: number): number[] {
  const F = action === 1 ? 10 : -10;
  const thAcc =
    (g * Math.sin(th) + Math.cos(th) * ((-F - mp * l * thDot ** 2 * Math.sin(th)) / (mc + mp))) /
    (l * (4 / 3 - (mp * Math.cos(th) ** 2) / (mc + mp)));
  const xAcc = (F + mp * l * (thDot ** 2 * Math.sin(th) - thAcc * Math.cos(th))) / (mc + mp);
  return [x + tau * xDot, xDot + tau * xAcc, th + tau * thDot, thDot + tau * thAcc];
}

const THETA_LIMIT = (12 * 2 * Math.PI) / 360;

function cartPole(kwargs?: Record<string, unknown>) {
  const env = make("CartPole-v1", { kwargs });
  env.reset(0);
  return { env, core: env.core as CartPole };
}

test("eight steps from a fixed state match Florian's equations integrated by hand", () => {
  const { env, core } = cartPole();
  let s = [0.3, -0.4, 0.05, 0.6];
  core.setState(s);
  for (const a of [1, 0, 0, 1, 1, 1, 0, 1]) {
    const { obs, reward, terminated } = env.step(a);
    s = florianStep(s, a);
    const got = core.getState();
    for (let i = 0; i < 4; i++) expect(got[i]).toBeCloseTo(s[i], 12);
    expect(Array.from(obs)).toEqual(got.map(Math.fround));
    expect(reward).toBe(1);
    expect(terminated).toBe(false);
  }
});

test("the first step from rest pushes the cart the right way and tips the pole the other way", () => {
  const { env, core } = cartPole();
  core.setState([0, 0, 0, 0]);
  env.step(1);
  env.step(1);
  const [x, xDot, th, thDot] = core.getState();
  expect(x).toBeGreaterThan(0);
  expect(xDot).toBeGreaterThan(0);
  expect(th).toBeLessThan(0);
  expect(thDot).toBeLessThan(0);
});

test("a pole exactly at 12° is still up; one step past it falls with reward 1 and fall:angle", () => {
  const { env, core } = cartPole();
  core.setState([0, 0, THETA_LIMIT, 0]);
  // Pushing left tips the pole further right.
  const first = env.step(0);
  expect(core.theta).toBe(THETA_LIMIT); // θ += τ·θ̇ with θ̇ = 0
  expect(first.terminated).toBe(false);
  expect(first.info.events).toEqual([]);
  const second = env.step(0);
  expect(core.theta).toBeGreaterThan(THETA_LIMIT);
  expect(second).toMatchObject({ reward: 1, terminated: true, truncated: false, info: { events: ["fall:angle"] } });
});

test("the pole falls on the negative side too", () => {
  const { env, core } = cartPole();
  core.setState([0, 0, -THETA_LIMIT - 1e-9, 0]);
  expect(env.step(0)).toMatchObject({ terminated: true, info: { events: ["fall:angle"] } });
});

test("the cart exactly at ±2.4 is still in; moving past it ends the episode with fall:position", () => {
  for (const [edge, action] of [
    [2.4, 1],
    [-2.4, 0],
  ]) {
    const { env, core } = cartPole();
    core.setState([edge, 0, 0, 0]);
    expect(env.step(action).terminated).toBe(false);
    expect(core.x).toBe(edge);
    const end = env.step(action);
    expect(Math.abs(core.x)).toBeGreaterThan(2.4);
    expect(end).toMatchObject({ reward: 1, terminated: true, info: { events: ["fall:position"] } });
  }
});

test("falling by angle and position in the same step raises both events", () => {
  const { env, core } = cartPole();
  core.setState([2.4, 1, 0.2, 1]);
  expect(env.step(1).info.events).toEqual(["fall:angle", "fall:position"]);
});

test("suttonBartoReward gives 0 per step and −1 on the fall", () => {
  const { env, core } = cartPole({ suttonBartoReward: true });
  core.setState([0, 0, 0, 0]);
  expect(env.step(1).reward).toBe(0);
  core.setState([0, 0, 0.3, 0]);
  expect(env.step(1)).toMatchObject({ reward: -1, terminated: true });
});

// A linear balancing policy; it holds the pole for a full episode from these seeds.
const balance = (obs: Float32Array) => (obs[2] + 0.5 * obs[3] + 0.01 * obs[0] + 0.05 * obs[1] > 0 ? 1 : 0);

test("a balanced pole is truncated at step 500, not terminated", () => {
  const env = make("CartPole-v1");
  let { obs } = env.reset(0);
  for (let t = 1; t <= 500; t++) {
    const step = env.step(balance(obs));
    obs = step.obs;
    expect(step.terminated).toBe(false);
    expect(step.truncated).toBe(t === 500);
  }
  expect(() => env.step(0)).toThrow(UserError);
});

test("maxSteps overrides the time limit", () => {
  const env = make("CartPole-v1", { kwargs: { maxSteps: 7 } });
  expect(env.maxSteps).toBe(7);
  let { obs } = env.reset(3);
  const flags: boolean[] = [];
  for (let t = 0; t < 7; t++) {
    const step = env.step(balance(obs));
    obs = step.obs;
    flags.push(step.truncated);
  }
  expect(flags).toEqual([false, false, false, false, false, false, true]);
});

test("the reset state is uniform in [−0.05, 0.05]⁴, every entry drawn", () => {
  const env = make("CartPole-v1");
  const resets = Array.from({ length: 40 }, (_, seed) => (env.reset(seed), (env.core as CartPole).getState()));
  for (let i = 0; i < 4; i++) {
    const column = resets.map((s) => s[i]);
    for (const v of column) expect(Math.abs(v)).toBeLessThanOrEqual(0.05);
    expect(Math.min(...column)).toBeLessThan(-0.03);
    expect(Math.max(...column)).toBeGreaterThan(0.03);
  }
});

test("an action outside {0, 1} is a UserError naming the action", () => {
  const { env } = cartPole();
  for (const bad of [2, -1, 0.5, NaN]) {
    expect(() => env.step(bad)).toThrow(UserError);
    expect(() => env.step(bad)).toThrow(/^action: expected an integer in \[0, 1\]/);
  }
});

test("setState rejects a wrong length or a non-finite value", () => {
  const { core } = cartPole();
  expect(() => core.setState([0, 0, 0])).toThrow(/^state: expected 4 numbers/);
  expect(() => core.setState([0, NaN, 0, 0])).toThrow(/^state\[1\]: expected a finite number for xDot/);
});

test("render shows the state on one line", () => {
  const { env, core } = cartPole();
  core.setState([0.1, -0.2, THETA_LIMIT, 0.3]);
  expect(env.render()).toBe("CartPole x=+0.100 ẋ=-0.200 θ=+12.00° θ̇=+0.300 t=0/500");
});
