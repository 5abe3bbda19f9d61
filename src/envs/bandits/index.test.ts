import { describe, expect, test } from "vitest";
import { Rng } from "../../core/rng.js";
import { describeEnv, envSpec, make, makeVector } from "../registry.js";
import { banditEnvs } from "./index.js";

const ids = banditEnvs.map((s) => s.id);
const HORIZON = 5;
const FEATURES = ["arm.bestMean", "pull.mean", "regret", "pull.optimal", "pull.arm", "t"];

test("the six bandits are registered in the bandit family", () => {
  expect(ids).toEqual(["Bandit-Bernoulli-10", "Bandit-Gaussian-10", "Bandit-Beta-10", "Bandit-OneGoodArm-10", "Bandit-LinearFamily-10", "Bandit-ContextualLinear-5"]);
  for (const id of ids) {
    expect(envSpec(id.toLowerCase()).family).toBe("bandit");
    const d = describeEnv(id);
    expect(d.actionSpace).toMatchObject({ type: "Discrete", n: id.endsWith("-5") ? 5 : 10 });
    expect(d.maxSteps).toBe(100);
    expect(d.features.map((f) => f.name)).toEqual(FEATURES);
    expect(d.events).toEqual(["pull:optimal", "pull:suboptimal", "reward:positive"]);
  }
});

describe.each(ids)("%s", (id) => {
  test("the same seed gives the same rewards and observations; another seed does not", () => {
    const rollout = (seed: number) => {
      const env = make(id);
      const rng = new Rng(1);
      const out: number[] = Array.from(env.reset(seed).obs);
      for (let t = 0; t < 150; t++) {
        const s = env.step(rng.int(env.actionSpace.kind === "discrete" ? env.actionSpace.n : 1));
        out.push(s.reward, ...s.obs);
        if (s.truncated) out.push(...env.reset().obs);
      }
      return out;
    };
    expect(rollout(7)).toEqual(rollout(7));
    expect(rollout(8)).not.toEqual(rollout(7));
  });

  test("a VectorEnv of 4 steps exactly like 4 single Envs reset with seed + i, across the autoreset at the horizon", () => {
    const seed = 11;
    const kwargs = { horizon: HORIZON };
    const vec = makeVector(id, 4, { kwargs });
    const singles = Array.from({ length: 4 }, () => make(id, { kwargs }));
    const cols = vec.watchFeatures(FEATURES);
    const size = vec.obsSize;
    const row = (a: Float32Array, i: number) => Array.from(a.subarray(i * size, (i + 1) * size));
    vec.reset(seed);
    singles.forEach((env, i) => expect(row(vec.obs, i)).toEqual(Array.from(env.reset(seed + i).obs)));
    // Different seeds give different environments.
    expect(new Set(singles.map((e) => JSON.stringify(e.core.info()))).size).toBe(4);

    const rng = new Rng(3);
    const k = vec.actionSpace.kind === "discrete" ? vec.actionSpace.n : 0;
    const actions = new Int32Array(4);
    let truncations = 0;
    for (let t = 0; t < 3 * HORIZON + 2; t++) {
      for (let i = 0; i < 4; i++) actions[i] = rng.int(k);
      const before = singles.map((env) => env.readFeatures(FEATURES));
      vec.step(actions);
      singles.forEach((env, i) => {
        const s = env.step(actions[i]);
        expect(vec.rewards[i]).toBe(Math.fround(s.reward));
        expect([vec.terminated[i], vec.truncated[i]]).toEqual([+s.terminated, +s.truncated]);
        expect(vec.eventsOf(i)).toEqual(s.info.events);
        const after = env.readFeatures(FEATURES);
        FEATURES.forEach((name, j) => {
          expect(cols.prev[j][i], `prev ${name}`).toBe(before[i][name]);
          expect(cols.next[j][i], `next ${name}`).toBe(after[name]);
        });
        if (s.truncated) {
          truncations++;
          expect(row(vec.finalObs, i)).toEqual(Array.from(s.obs));
          expect(vec.episodeLength[i]).toBe(HORIZON);
          expect(row(vec.obs, i)).toEqual(Array.from(env.reset().obs));
        } else {
          expect(row(vec.obs, i)).toEqual(Array.from(s.obs));
        }
        expect(vec.cores[i].info()).toEqual(env.core.info());
      });
    }
    expect(truncations).toBe(4 * 3);
  });

  test("observations stay in the observation space and reset observations are all zeros or a context", () => {
    const env = make(id, { kwargs: { horizon: 3 } });
    const { obs } = env.reset(0);
    expect(env.observationSpace.contains(obs)).toBe(true);
    if (!id.includes("Contextual")) expect(Array.from(obs).every((v) => v === 0)).toBe(true);
    for (let t = 0; t < 3; t++) expect(env.observationSpace.contains(env.step(t).obs)).toBe(true);
  });
});
