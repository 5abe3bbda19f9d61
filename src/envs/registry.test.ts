import { describe, expect, test } from "vitest";
import { UserError } from "../core/errors.js";
import { Rng } from "../core/rng.js";
import { actionBuffer, sampleInto } from "../core/spaces.js";
import { captureState, restoreState } from "../core/state.js";
import { checkEnv } from "./check.js";
import { envIds, envSpec, make, makeVector } from "./registry.js";

const ids = envIds();

describe("the registry", () => {
  test("holds every environment family the foundation promises", () => {
    const families = new Set(ids.map((id) => envSpec(id).family));
    expect([...families].sort()).toEqual(["bandit", "control", "grid"]);
    expect(ids.length).toBeGreaterThanOrEqual(60);
  });

  test("finds ids without regard to case and by their Gymnasium names", () => {
    expect(envSpec("doorkey-8x8").id).toBe("DoorKey-8x8");
    expect(envSpec("MiniGrid-DoorKey-8x8-v0").id).toBe("DoorKey-8x8");
    expect(envSpec("cartpole-v1").id).toBe("CartPole-v1");
    expect(envSpec("CartPole").id).toBe("CartPole-v1");
  });

  test("rejects unknown ids and bad kwargs with a path", () => {
    expect(() => make("DoorKey-9x9")).toThrow(UserError);
    expect(() => make("DoorKey-9x9")).toThrow(/^env\.id: unknown environment "DoorKey-9x9" \(did you mean "DoorKey-/);
    expect(() => make("DoorKey-8x8", { kwargs: { size: 3 } })).toThrow("env.kwargs.size: expected an integer ≥ 5 and ≤ 64, got 3");
    expect(() => make("Empty-8x8", { kwargs: { viewSize: 4 } })).toThrow(/env\.kwargs\.viewSize/);
    expect(() => makeVector("Empty-8x8", 0)).toThrow(/n: expected a positive integer/);
    const env = make("DoorKey-5x5");
    env.reset(0);
    expect(() => env.readFeatures(["agent.z"])).toThrow('feature: unknown feature "agent.z" (did you mean "agent.x" or "agent.y"?)');
  });

  test("a vector checks every action before stepping any environment", () => {
    const vec = makeVector("Pendulum-v1", 3);
    vec.reset(0);
    const before = vec.obs.slice();
    expect(() => vec.step(Float32Array.of(0.5, NaN, 0))).toThrow("actions[1]: expected a finite number, got NaN");
    expect(vec.obs).toEqual(before);
    const grid = makeVector("Empty-5x5", 2);
    grid.reset(0);
    expect(() => grid.step(Int32Array.of(0, 7))).toThrow("actions[1]: expected an integer in [0, 6], got 7");
    expect(() => grid.step(Int32Array.of(0))).toThrow(/actions: expected 2 values/);
  });
});

describe.each(ids)("%s", (id) => {
  test("satisfies the environment contract", () => {
    expect(checkEnv(make(id), { steps: 300 })).toEqual([]);
  });

  test("the same seed gives the same episode, bit for bit", () => {
    const run = () => {
      const env = make(id);
      const rng = new Rng(7);
      const action = actionBuffer(env.actionSpace, 1);
      const trace: number[] = Array.from(env.reset(123).obs);
      for (let t = 0; t < 200; t++) {
        sampleInto(env.actionSpace, rng, action, 0);
        const s = env.step(env.actionSpace.kind === "discrete" ? action[0] : action);
        trace.push(s.reward, +s.terminated, +s.truncated, ...s.obs);
        if (s.terminated || s.truncated) trace.push(...env.reset().obs);
      }
      return trace;
    };
    expect(run()).toEqual(run());
  });

  test("a vector's captured state, restored into a fresh vector, continues identically", () => {
    const rng = new Rng(3);
    const a = makeVector(id, 2);
    a.watchFeatures(a.featureSpecs.slice(0, 3).map((f) => f.name));
    a.reset(5);
    const actions = actionBuffer(a.actionSpace, 2);
    const act = () => {
      for (let i = 0; i < 2; i++) sampleInto(a.actionSpace, rng, actions, i * a.actionSize);
    };
    for (let t = 0; t < 60; t++) {
      act();
      a.step(actions);
    }
    const saved = JSON.parse(JSON.stringify(captureState(a)));
    const b = makeVector(id, 2);
    b.watchFeatures(b.featureSpecs.slice(0, 3).map((f) => f.name));
    b.reset(999);
    restoreState(b, saved);
    for (let t = 0; t < 150; t++) {
      act();
      a.step(actions);
      b.step(actions);
      expect(Array.from(b.obs)).toEqual(Array.from(a.obs));
      expect(Array.from(b.rewards)).toEqual(Array.from(a.rewards));
      expect(Array.from(b.terminated)).toEqual(Array.from(a.terminated));
    }
  });

  test("a vector of 3 steps exactly as 3 single environments seeded seed + i", () => {
    const n = 3;
    const seed = 40;
    const vec = makeVector(id, n);
    const singles = Array.from({ length: n }, () => make(id));
    const featureNames = vec.featureSpecs.map((f) => f.name);
    const cols = vec.watchFeatures(featureNames);
    vec.reset(seed);
    const obs = singles.map((e, i) => e.reset(seed + i).obs);
    const prev = singles.map((e) => e.readFeatures());
    for (let i = 0; i < n; i++) expect(Array.from(vec.obs.subarray(i * vec.obsSize, (i + 1) * vec.obsSize))).toEqual(Array.from(obs[i]));
    const rng = new Rng(1);
    const actions = actionBuffer(vec.actionSpace, n);
    let episodesEnded = 0;
    for (let t = 0; t < 400; t++) {
      for (let i = 0; i < n; i++) sampleInto(vec.actionSpace, rng, actions, i * vec.actionSize);
      vec.step(actions);
      for (let i = 0; i < n; i++) {
        const a = vec.actionSpace.kind === "discrete" ? actions[i] : actions.subarray(i * vec.actionSize, (i + 1) * vec.actionSize);
        const s = singles[i].step(a);
        const next = singles[i].readFeatures();
        const row = (buf: Float32Array) => Array.from(buf.subarray(i * vec.obsSize, (i + 1) * vec.obsSize));
        expect(vec.rewards[i]).toBe(Math.fround(s.reward));
        expect([vec.terminated[i], vec.truncated[i]]).toEqual([+s.terminated, +s.truncated]);
        expect(vec.eventsOf(i)).toEqual(s.info.events);
        featureNames.forEach((name, j) => {
          expect(cols.prev[j][i], `prev ${name}`).toBe(prev[i][name]);
          expect(cols.next[j][i], `next ${name}`).toBe(next[name]);
        });
        if (s.terminated || s.truncated) {
          episodesEnded++;
          expect(row(vec.finalObs)).toEqual(Array.from(s.obs));
          expect(vec.episodeLength[i]).toBe(s.info.stepCount);
          const r = singles[i].reset();
          expect(row(vec.obs)).toEqual(Array.from(r.obs));
        } else {
          expect(row(vec.obs)).toEqual(Array.from(s.obs));
        }
        prev[i] = singles[i].readFeatures();
      }
    }
    // Long-episode tasks may not end within 400 steps; the others must have crossed an autoreset.
    if (vec.maxSteps <= 400) expect(episodesEnded).toBeGreaterThan(0);
  });
});

test("watching more features later keeps the columns handed out before", () => {
  const vec = makeVector("DoorKey-5x5", 2);
  const first = vec.watchFeatures(["agent.x"]);
  vec.reset(0);
  const second = vec.watchFeatures(["agent.y", "agent.x"]);
  expect(second.next[0]).toBe(first.next[0]);
  vec.step(Int32Array.of(2, 2));
  const env = make("DoorKey-5x5");
  env.reset(0);
  env.step(2);
  expect(first.next[0][0]).toBe(env.readFeatures(["agent.x"])["agent.x"]);
  expect(second.next[1][0]).toBe(env.readFeatures(["agent.y"])["agent.y"]);
});
