import { expect, test } from "vitest";
import { UserError } from "../../core/errors.js";
import { make } from "../registry.js";
import type { MountainCar } from "./mountaincar.js";

// ── Reference: Moore (1990) / Sutton & Barto (2018, ex. 10.1) as Gymnasium
// parametrizes it, written independently of mountaincar.ts.
function mountainCarStep([x, v]: number[], action: number): number[] {
  v = Math.min(0.07, Math.max(-0.07, v + 0.001 * (action - 1) - 0.0025 * Math.cos(3 * x)));
  x = Math.min(0.6, Math.max(-1.2, x + v));
  if (x === -1.2 && v < 0) v = 0;
  return [x, v];
}

function mountainCar(kwargs?: Record<string, unknown>) {
  const env = make("MountainCar-v0", { kwargs });
  env.reset(0);
  return { env, core: env.core as MountainCar };
}

test("ten steps from a fixed state match the published update integrated by hand", () => {
  const { env, core } = mountainCar();
  let s = [-0.52, 0.011];
  core.setState(s);
  for (const a of [2, 2, 0, 1, 2, 0, 0, 1, 2, 2]) {
    const { obs, reward, terminated } = env.step(a);
    s = mountainCarStep(s, a);
    const got = core.getState();
    expect(got[0]).toBeCloseTo(s[0], 14);
    expect(got[1]).toBeCloseTo(s[1], 14);
    expect(Array.from(obs)).toEqual(got.map(Math.fround));
    expect(reward).toBe(-1);
    expect(terminated).toBe(false);
  }
});

test("the velocity is clipped to ±0.07", () => {
  const { env, core } = mountainCar();
  core.setState([-0.7, 0.0699]);
  env.step(2);
  expect(core.velocity).toBe(0.07);
  core.setState([-0.3, -0.0699]);
  env.step(0);
  expect(core.velocity).toBe(-0.07);
});

test("the left wall stops the car dead and raises hit:wall", () => {
  const { env, core } = mountainCar();
  core.setState([-1.19, -0.05]);
  const step = env.step(0);
  expect(core.getState()).toEqual([-1.2, 0]);
  expect(step.info.events).toEqual(["hit:wall"]);
  expect(step.terminated).toBe(false);
});

test("reaching x ≥ 0.5 with v ≥ 0 terminates with reward −1 and reach:goal", () => {
  const { env, core } = mountainCar();
  core.setState([0.49, 0.02]);
  const step = env.step(2);
  expect(core.position).toBeGreaterThanOrEqual(0.5);
  expect(step).toMatchObject({ reward: -1, terminated: true, truncated: false, info: { events: ["reach:goal"] } });
  expect(env.readFeatures(["goal.distance"])).toEqual({ "goal.distance": 0 });
});

test("just short of the goal is not the goal", () => {
  const { env, core } = mountainCar();
  // One step from (x, v) lands at x + v' where v' = v + 0.001 − 0.0025·cos(3x).
  const x = 0.45;
  const v = 0.05 - 0.001 + 0.0025 * Math.cos(3 * x) - 1e-9;
  core.setState([x, v]);
  expect(env.step(2).terminated).toBe(false);
  expect(core.position).toBeLessThan(0.5);
});

test("landing exactly on x = 0.5 counts as the goal", () => {
  const { env, core } = mountainCar();
  const landing = (x: number) => {
    env.reset();
    core.setState([x, 0.05]);
    return { terminated: env.step(1).terminated, position: core.position };
  };
  // Aim near 0.5, then walk the start one ulp (2⁻⁵⁴ near 0.45) at a time until it lands exactly.
  let x = 0.45;
  for (let i = 0; i < 12; i++) x += 0.5 - landing(x).position;
  const hits = [];
  for (let k = -64; k <= 64; k++) {
    const end = landing(x + k * 2 ** -54);
    if (end.position === 0.5) hits.push(end.terminated);
  }
  expect(hits.length).toBeGreaterThan(0);
  expect(hits.every(Boolean)).toBe(true);
});

test("a velocity exactly equal to goalVelocity counts; one ulp less does not", () => {
  const { env, core } = mountainCar();
  core.setState([0.49, 0.02]);
  env.step(2);
  const v = core.velocity;
  expect(v).toBeGreaterThan(0);
  for (const [goalVelocity, reached] of [
    [v, true],
    [v + v * Number.EPSILON, false],
  ] as const) {
    const other = mountainCar({ goalVelocity });
    other.core.setState([0.49, 0.02]);
    expect(other.env.step(2).terminated).toBe(reached);
  }
});

test("goalVelocity raises the speed needed at the goal", () => {
  const { env, core } = mountainCar({ goalVelocity: 0.05 });
  core.setState([0.49, 0.02]);
  expect(env.step(2).terminated).toBe(false);
  core.setState([0.49, 0.06]);
  expect(env.step(2).terminated).toBe(true);
});

test("coasting never reaches the goal and is truncated at step 200", () => {
  const env = make("MountainCar-v0");
  env.reset(5);
  for (let t = 1; t <= 200; t++) {
    const step = env.step(1);
    expect(step.terminated).toBe(false);
    expect(step.truncated).toBe(t === 200);
  }
});

test("the reset position is uniform in [−0.6, −0.4] with zero velocity", () => {
  const env = make("MountainCar-v0");
  const xs: number[] = [];
  for (let seed = 0; seed < 40; seed++) {
    const { obs } = env.reset(seed);
    expect(obs[0]).toBeGreaterThanOrEqual(Math.fround(-0.6));
    expect(obs[0]).toBeLessThanOrEqual(Math.fround(-0.4));
    expect(obs[1]).toBe(0);
    xs.push(obs[0]);
  }
  expect(Math.min(...xs)).toBeLessThan(-0.55);
  expect(Math.max(...xs)).toBeGreaterThan(-0.45);
});

test("features read position, velocity, track height and the distance to the goal", () => {
  const { env, core } = mountainCar();
  core.setState([-0.5, 0.01]);
  const f = env.readFeatures();
  expect(f["car.position"]).toBe(-0.5);
  expect(f["car.velocity"]).toBe(0.01);
  expect(f["car.height"]).toBeCloseTo(Math.sin(-1.5) * 0.45 + 0.55, 15);
  expect(f["goal.distance"]).toBeCloseTo(1.0, 15);
});

test("an action outside {0, 1, 2} is a UserError naming the action", () => {
  const { env } = mountainCar();
  expect(() => env.step(3)).toThrow(UserError);
  expect(() => env.step(3)).toThrow(/^action:/);
  expect(() => env.step(1.5)).toThrow(/^action:/);
});

test("render shows the state on one line", () => {
  const { env, core } = mountainCar();
  core.setState([-0.5, 0.0123]);
  expect(env.render()).toBe("MountainCar x=-0.5000 v=+0.0123 goal=0.5 t=0/200");
});
