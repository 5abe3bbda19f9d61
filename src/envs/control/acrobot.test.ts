import { expect, test } from "vitest";
import { UserError } from "../../core/errors.js";
import { make } from "../registry.js";
import type { Acrobot } from "./acrobot.js";

// ── Reference: Sutton & Barto's acrobot (the book's equations of motion) with
// Gymnasium's constants plugged in (m = l = 1, lc = 0.5, I = 1, g = 9.8), so
// cos(x − π/2) is written sin x and the masses and lengths fold into numbers;
// integrated by a generic classic RK4 step. Written independently of acrobot.ts.
type Vec = number[];

function acrobotDerivs(torque: number) {
  return ([t1, t2, w1, w2]: Vec): Vec => {
    const d1 = 3.5 + Math.cos(t2); // 0.25 + (1 + 0.25 + cos θ2) + 1 + 1
    const d2 = 1.25 + 0.5 * Math.cos(t2); // (0.25 + 0.5 cos θ2) + 1
    const phi2 = 4.9 * Math.sin(t1 + t2);
    const phi1 = -0.5 * w2 * w2 * Math.sin(t2) - w2 * w1 * Math.sin(t2) + 14.7 * Math.sin(t1) + phi2;
    const a2 = (torque + (d2 / d1) * phi1 - 0.5 * w1 * w1 * Math.sin(t2) - phi2) / (1.25 - (d2 * d2) / d1);
    const a1 = -(d2 * a2 + phi1) / d1;
    return [w1, w2, a1, a2];
  };
}

function rk4(f: (y: Vec) => Vec, y: Vec, h: number): Vec {
  const add = (a: Vec, b: Vec, k: number) => a.map((v, i) => v + k * b[i]);
  const k1 = f(y);
  const k2 = f(add(y, k1, h / 2));
  const k3 = f(add(y, k2, h / 2));
  const k4 = f(add(y, k3, h));
  return y.map((v, i) => v + (h / 6) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]));
}

function acrobotStep(s: Vec, action: number): Vec {
  const [t1, t2, w1, w2] = rk4(acrobotDerivs(action - 1), s, 0.2);
  const wrapAngle = (x: number) => (x > Math.PI ? x - 2 * Math.PI : x < -Math.PI ? x + 2 * Math.PI : x);
  const clamp = (x: number, m: number) => Math.max(-m, Math.min(m, x));
  return [wrapAngle(t1), wrapAngle(t2), clamp(w1, 4 * Math.PI), clamp(w2, 9 * Math.PI)];
}

const tipHeight = ([t1, t2]: Vec) => -Math.cos(t1) - Math.cos(t1 + t2);

function acrobot(kwargs?: Record<string, unknown>) {
  const env = make("Acrobot-v1", { kwargs });
  env.reset(0);
  return { env, core: env.core as Acrobot };
}

test("twelve RK4 steps from a fixed state match the book's equations integrated by hand", () => {
  const { env, core } = acrobot();
  let s = [0.3, -0.2, 0.5, -0.4];
  core.setState(s);
  for (const a of [2, 2, 0, 0, 1, 2, 0, 2, 2, 1, 0, 0]) {
    const { obs, reward, terminated } = env.step(a);
    s = acrobotStep(s, a);
    const got = core.getState();
    for (let i = 0; i < 4; i++) expect(got[i]).toBeCloseTo(s[i], 10);
    const want = [Math.cos(got[0]), Math.sin(got[0]), Math.cos(got[1]), Math.sin(got[1]), got[2], got[3]];
    expect(Array.from(obs)).toEqual(want.map(Math.fround));
    expect(terminated).toBe(tipHeight(s) > 1);
    expect(reward).toBe(-1);
  }
});

test("angles wrap to [−π, π] and velocities clip to 4π and 9π, as the hand step does", () => {
  const { env, core } = acrobot();
  let s = [3.1, -3.1, 12.4, -40];
  core.setState(s);
  for (const a of [2, 0, 1]) {
    env.step(a);
    s = acrobotStep(s, a);
    const got = core.getState();
    for (let i = 0; i < 4; i++) expect(got[i]).toBeCloseTo(s[i], 9);
    expect(Math.abs(got[0])).toBeLessThanOrEqual(Math.PI);
    expect(Math.abs(got[1])).toBeLessThanOrEqual(Math.PI);
    expect(Math.abs(got[2])).toBeLessThanOrEqual(4 * Math.PI);
    expect(Math.abs(got[3])).toBeLessThanOrEqual(9 * Math.PI);
  }
  // The first step starts at θ̇2 = −40 < −9π; the state after it must be clipped.
  core.setState([0, 0, 0, -40]);
  env.step(1);
  expect(core.dtheta2).toBeGreaterThanOrEqual(-9 * Math.PI);
});

test("the tip above one link length terminates with reward 0 and reach:goal", () => {
  const { env, core } = acrobot();
  core.setState([Math.PI, 0, 0, 0]); // balanced straight up: tip height 2
  const step = env.step(1);
  expect(env.readFeatures(["tip.height"])["tip.height"]).toBeGreaterThan(1);
  expect(step).toMatchObject({ reward: 0, terminated: true, truncated: false, info: { events: ["reach:goal"] } });
});

test("a swinging policy reaches the goal; every step's reward and termination follow the hand step", () => {
  const env = make("Acrobot-v1");
  const core = env.core as Acrobot;
  let obs = env.reset(0).obs;
  let steps = 0;
  for (;;) {
    // Pump energy: torque the elbow the way it is already turning.
    const a = obs[5] > 0 ? 2 : 0;
    const want = acrobotStep(core.getState(), a);
    const step = env.step(a);
    obs = step.obs;
    steps++;
    const got = core.getState();
    for (let i = 0; i < 4; i++) expect(got[i]).toBeCloseTo(want[i], 10);
    expect(step.terminated).toBe(tipHeight(want) > 1);
    expect(step.reward).toBe(step.terminated ? 0 : -1);
    if (step.terminated || step.truncated) break;
  }
  expect(env.core.terminated).toBe(true);
  expect(steps).toBeLessThan(500);
});

test("doing nothing from rest hangs forever and is truncated at step 500", () => {
  const env = make("Acrobot-v1");
  env.reset(4);
  for (let t = 1; t <= 500; t++) {
    const step = env.step(1);
    expect(step).toMatchObject({ reward: -1, terminated: false, truncated: t === 500 });
  }
});

test("the reset state is uniform in [−0.1, 0.1]⁴", () => {
  const env = make("Acrobot-v1");
  for (let seed = 0; seed < 20; seed++) {
    env.reset(seed);
    for (const v of (env.core as Acrobot).getState()) expect(Math.abs(v)).toBeLessThanOrEqual(0.1);
  }
});

test("features read the angles, velocities and tip height", () => {
  const { env, core } = acrobot();
  core.setState([0.4, -1.1, 2, -3]);
  expect(env.readFeatures()).toEqual({
    "link1.angle": 0.4,
    "link2.angle": -1.1,
    "link1.angularVelocity": 2,
    "link2.angularVelocity": -3,
    "tip.height": -Math.cos(0.4) - Math.cos(0.4 - 1.1),
  });
});

test("an action outside {0, 1, 2} is a UserError naming the action", () => {
  const { env } = acrobot();
  expect(() => env.step(3)).toThrow(UserError);
  expect(() => env.step(-1)).toThrow(/^action:/);
});
