import { describe, expect, test } from "vitest";
import { UserError } from "../../core/errors.js";
import { Rng } from "../../core/rng.js";
import type { Space } from "../../core/spaces.js";
import type { Env } from "../env.js";
import { describeEnv, envSpec, make, makeVector } from "../registry.js";
import { controlEnvs } from "./index.js";

const IDS = ["CartPole-v1", "MountainCar-v0", "MountainCarContinuous-v0", "Acrobot-v1", "Pendulum-v1"];
const DEFAULT_MAX_STEPS: Record<string, number> = {
  "CartPole-v1": 500,
  "MountainCar-v0": 200,
  "MountainCarContinuous-v0": 999,
  "Acrobot-v1": 500,
  "Pendulum-v1": 200,
};

/** A random action; continuous ones reach past the bounds so clipping is exercised. */
function randomAction(space: Space, rng: Rng): number {
  if (space.kind === "discrete") return space.sample(rng);
  if (space.kind === "box") return rng.uniform(1.5 * space.low[0], 1.5 * space.high[0]);
  throw new Error(`no random action for ${space}`);
}

/** Runs `steps` random steps, resetting (without a seed) when an episode ends. */
function rollout(env: Env, seed: number, steps: number, actionRng: Rng) {
  const trace: unknown[] = [Array.from(env.reset(seed).obs)];
  for (let t = 0; t < steps; t++) {
    const step = env.step(randomAction(env.actionSpace, actionRng));
    trace.push([Array.from(step.obs), step.reward, step.terminated, step.truncated, step.info.events]);
    if (step.terminated || step.truncated) trace.push(Array.from(env.reset().obs));
  }
  return trace;
}

test("the five classic control environments are registered under Gymnasium's ids", () => {
  expect(controlEnvs.map((s) => s.id)).toEqual(IDS);
  for (const spec of controlEnvs) {
    expect(spec.family).toBe("control");
    expect(spec.summary).not.toMatch(/\n/);
    expect(envSpec(spec.id.toLowerCase())).toBe(spec);
  }
});

describe.each(IDS)("%s", (id) => {
  test("keeps Gymnasium's default time limit, and maxSteps overrides it", () => {
    expect(make(id).maxSteps).toBe(DEFAULT_MAX_STEPS[id]);
    expect(make(id, { kwargs: { maxSteps: 17 } }).maxSteps).toBe(17);
  });

  test("rejects a bad maxSteps and unknown kwargs as UserErrors naming the key", () => {
    for (const bad of [0, -3, 2.5, "ten"]) {
      expect(() => make(id, { kwargs: { maxSteps: bad } })).toThrow(UserError);
      expect(() => make(id, { kwargs: { maxSteps: bad } })).toThrow(/^env\.kwargs\.maxSteps:/);
    }
    expect(() => make(id, { kwargs: { maxStep: 10 } })).toThrow(/^env\.kwargs: unknown key "maxStep" \(did you mean "maxSteps"\?\)/);
  });

  test("describes itself: spaces, features and events", () => {
    const d = describeEnv(id);
    expect(d.family).toBe("control");
    expect(d.features.length).toBeGreaterThan(0);
    expect(d.events.length).toBeLessThanOrEqual(32);
    expect(d.kwargs).toMatchObject({ maxSteps: DEFAULT_MAX_STEPS[id] });
  });

  test("the same seed gives the same trajectory; another seed a different one", () => {
    const a = rollout(make(id, { kwargs: { maxSteps: 25 } }), 7, 120, new Rng(1));
    const b = rollout(make(id, { kwargs: { maxSteps: 25 } }), 7, 120, new Rng(1));
    const c = rollout(make(id, { kwargs: { maxSteps: 25 } }), 8, 120, new Rng(1));
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  test("observations stay inside the observation space and render is one line", () => {
    const env = make(id, { kwargs: { maxSteps: 50 } });
    const rng = new Rng(3);
    env.reset(11);
    for (let t = 0; t < 300; t++) {
      const step = env.step(randomAction(env.actionSpace, rng));
      expect(env.observationSpace.contains(step.obs)).toBe(true);
      expect(Number.isFinite(step.reward)).toBe(true);
      expect(env.render()).toMatch(/^\S+ [^\n]+ t=\d+\/50/);
      if (step.terminated || step.truncated) env.reset();
    }
  });

  test("a VectorEnv of 4 steps exactly like 4 Envs reset with seed + i, across autoresets", () => {
    const n = 4;
    const seed = 100;
    const T = 150;
    const kwargs = { maxSteps: 30 }; // short episodes so every environment autoresets several times
    const vec = makeVector(id, n, { kwargs });
    const singles = Array.from({ length: n }, () => make(id, { kwargs }));
    const names = vec.featureSpecs.map((f) => f.name);
    const columns = vec.watchFeatures(names);
    const obsSize = vec.obsSize;

    const vObs = vec.reset(seed);
    singles.forEach((env, i) => expect(Array.from(vObs.subarray(i * obsSize, (i + 1) * obsSize))).toEqual(Array.from(env.reset(seed + i).obs)));

    const rng = new Rng(42);
    const actions = new Float64Array(n * vec.actionSize);
    const returns = new Float64Array(n);
    let episodesEnded = 0;
    for (let t = 0; t < T; t++) {
      for (let i = 0; i < n; i++) actions[i] = randomAction(vec.actionSpace, rng);
      const prev = singles.map((env) => env.readFeatures(names));
      vec.step(actions);
      for (let i = 0; i < n; i++) {
        const env = singles[i];
        const step = env.step(actions[i]);
        const row = (a: Float32Array) => Array.from(a.subarray(i * obsSize, (i + 1) * obsSize));
        returns[i] += step.reward;
        expect(vec.rewards[i]).toBe(Math.fround(step.reward));
        expect(vec.terminated[i]).toBe(step.terminated ? 1 : 0);
        expect(vec.truncated[i]).toBe(step.truncated ? 1 : 0);
        expect(vec.eventsOf(i)).toEqual(step.info.events);
        const next = env.readFeatures(names);
        names.forEach((name, j) => {
          expect(columns.prev[j][i]).toBe(prev[i][name]);
          expect(columns.next[j][i]).toBe(next[name]);
        });
        if (step.terminated || step.truncated) {
          episodesEnded++;
          expect(row(vec.finalObs)).toEqual(Array.from(step.obs));
          expect(vec.episodeLength[i]).toBe(step.info.stepCount);
          expect(vec.episodeReturn[i]).toBeCloseTo(returns[i], 9);
          returns[i] = 0;
          expect(row(vec.obs)).toEqual(Array.from(env.reset().obs));
        } else {
          expect(row(vec.obs)).toEqual(Array.from(step.obs));
        }
      }
    }
    expect(episodesEnded).toBeGreaterThanOrEqual(2 * n);
  });

  test("a VectorEnv rejects an out-of-range discrete action or a NaN continuous one", () => {
    const vec = makeVector(id, 2);
    vec.reset(0);
    const bad = vec.actionSpace.kind === "discrete" ? vec.actionSpace.n : NaN;
    expect(() => vec.step([0, bad])).toThrow(UserError);
  });
});
