import { describe, expect, test } from "vitest";
import { combine, makeTransform, NormalizeReward } from "./transforms.js";
import { Rng } from "../core/rng.js";
import type { Transform } from "./spec.js";

const apply = (t: Transform, values: number[], terminated = values.map(() => 0)) => {
  const v = Float64Array.from(values);
  makeTransform(t, v.length).apply(v, v.length, terminated);
  return Array.from(v);
};

describe("transforms against hand-computed values", () => {
  test("scale and clip", () => {
    expect(apply({ type: "scale", factor: -2 }, [1, -0.5, 3])).toEqual([-2, 1, -6]);
    expect(apply({ type: "clip", min: -1, max: 0.5 }, [-3, 0.25, 2])).toEqual([-1, 0.25, 0.5]);
  });

  test("the centred sigmoid is σ(k(r − ref)) averaged over the references (PAR)", () => {
    const [a, b] = apply({ type: "sigmoid", k: 2, ref: [0, 1] }, [1, 0]);
    // r = 1: (σ(2) + σ(0)) / 2;  r = 0: (σ(0) + σ(−2)) / 2
    expect(a).toBeCloseTo((1 / (1 + Math.exp(-2)) + 0.5) / 2, 12);
    expect(b).toBeCloseTo((0.5 + 1 / (1 + Math.exp(2))) / 2, 12);
    expect(apply({ type: "sigmoid", k: 1, ref: 3 }, [3])).toEqual([0.5]);
  });

  test("Lucy-SKG's distance shape and sign-preserving power", () => {
    // exp(−0.5·d/(vmax·dispersion))^(1/density) with d = 2, vmax = 2, dispersion = 0.5, density = 2: exp(−1)^(1/2)
    expect(apply({ type: "expShape", vmax: 2, dispersion: 0.5, density: 2 }, [2])[0]).toBeCloseTo(Math.exp(-0.5), 12);
    expect(apply({ type: "expShape", vmax: 1, dispersion: 1, density: 1 }, [0])).toEqual([1]);
    expect(apply({ type: "power", density: 2 }, [4, -9, 0])).toEqual([2, -3, 0]);
  });
});

describe("combinators", () => {
  const rows = [Float64Array.of(2, -1, 0.5), Float64Array.of(8, 4, 2)];
  const run = (op: Parameters<typeof combine>[0]) => {
    const out = new Float64Array(3);
    combine(op, rows, 3, out);
    return Array.from(out);
  };
  test("sum, product, min, max", () => {
    expect(run("sum")).toEqual([10, 3, 2.5]);
    expect(run("product")).toEqual([16, -4, 1]);
    expect(run("min")).toEqual([2, -1, 0.5]);
    expect(run("max")).toEqual([8, 4, 2]);
  });
  test("Kinesthetic Reward Combination: sign·|Π r|^(1/N), negative when any factor is", () => {
    expect(run("krc")).toEqual([4, -2, 1]);
  });
});

/** Gymnasium's NormalizeReward written out in plain code, as a reference. */
function referenceNormalize(rewards: number[][], dones: number[][], gamma: number, eps: number): number[][] {
  const n = rewards[0].length;
  const G = new Array(n).fill(0);
  let mean = 0;
  let variance = 1;
  let count = 1e-4;
  return rewards.map((r, t) => {
    for (let i = 0; i < n; i++) G[i] = G[i] * gamma * (1 - dones[t][i]) + r[i];
    const bMean = G.reduce((a, b) => a + b, 0) / n;
    const bVar = G.reduce((a, b) => a + (b - bMean) ** 2, 0) / n;
    const delta = bMean - mean;
    const tot = count + n;
    const newMean = mean + (delta * n) / tot;
    const m2 = variance * count + bVar * n + (delta ** 2 * count * n) / tot;
    mean = newMean;
    variance = m2 / tot;
    count = tot;
    return r.map((x) => x / Math.sqrt(variance + eps));
  });
}

test("running normalization matches a reference implementation of Gymnasium's NormalizeReward", () => {
  const T = 50;
  const n = 4;
  const rewards = Array.from({ length: T }, (_, t) => Array.from({ length: n }, (_, i) => Math.sin(t * 0.7 + i) * (i + 1) + (t % 7 === 0 ? 5 : 0)));
  const dones = Array.from({ length: T }, (_, t) => Array.from({ length: n }, (_, i) => ((t + i) % 11 === 10 ? 1 : 0)));
  const expected = referenceNormalize(rewards, dones, 0.99, 1e-8);
  const norm = new NormalizeReward(n, 0.99, 1e-8);
  for (let t = 0; t < T; t++) {
    const v = Float64Array.from(rewards[t]);
    norm.apply(v, n, dones[t]);
    Array.from(v).forEach((x, i) => expect(x).toBeCloseTo(expected[t][i], 10));
  }
  expect(norm.rms.count).toBeCloseTo(1e-4 + T * n, 6);
});

test("normalize carries its returns and statistics in its state; a fresh one loaded with it continues bit for bit; pure transforms carry nothing", () => {
  const rng = new Rng(3);
  const n = 3;
  const batches = Array.from({ length: 20 }, () => ({ v: Float64Array.from({ length: n }, () => rng.normal()), done: Uint8Array.from({ length: n }, () => (rng.bernoulli(0.1) ? 1 : 0)) }));
  const run = (op: ReturnType<typeof makeTransform>, from: number, to: number) => batches.slice(from, to).flatMap(({ v, done }) => {
    const values = Float64Array.from(v);
    op.apply(values, n, done);
    return Array.from(values);
  });
  const spec: Transform = { type: "normalize", gamma: 0.9, epsilon: 1e-8 };
  const original = makeTransform(spec, n);
  run(original, 0, 10);
  const state = JSON.parse(JSON.stringify(original.state()));
  const expected = run(original, 10, 20);
  const resumed = makeTransform(spec, n);
  resumed.load(state);
  expect(run(resumed, 10, 20)).toEqual(expected);
  // Without the state, the same steps are scaled differently.
  expect(run(makeTransform(spec, n), 10, 20)).not.toEqual(expected);
  expect(makeTransform({ type: "clip", min: -1, max: 1 }, n).state()).toBeNull();
});
