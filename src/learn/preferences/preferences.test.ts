import { expect, test } from "vitest";
import { Rng } from "../../core/rng.js";
import { LabelerConfig, perceivedReturn, syntheticLabel } from "./labelers.js";
import { RewardModel, type Comparison } from "./reward-model.js";

const labeler = (c: Partial<z.input<typeof LabelerConfig>> = {}) => LabelerConfig.parse(c);
import type { z } from "zod";

test("synthetic labelers: oracle, equal, skip, myopia, mistakes and Boltzmann rationality", () => {
  const rng = new Rng(0);
  const good = [0, 0, 1];
  const poor = [0, 0, 0];
  expect(syntheticLabel(good, poor, labeler(), rng)).toBe(1);
  expect(syntheticLabel(poor, good, labeler(), rng)).toBe(0);
  expect(syntheticLabel(good, [1, 0, 0], labeler({ equal: 0.1 }), rng)).toBe(0.5);
  expect(syntheticLabel(poor, [0, 0, 0.05], labeler({ skip: 0.1 }), rng)).toBeNull();
  // A myopic labeler (γ = 0.5) weighs the last step most: 1 at the end beats 1.5 at the start.
  expect(perceivedReturn([1.5, 0, 0], 0.5)).toBe(0.375);
  expect(syntheticLabel([0, 0, 1], [1.5, 0, 0], labeler({ gamma: 0.5 }), rng)).toBe(1);
  expect(syntheticLabel([0, 0, 1], [1.5, 0, 0], labeler(), rng)).toBe(0);
  // Rates: a 20% flip rate, and β = 1 with R_a − R_b = 1 agrees σ(1) ≈ 73% of the time.
  const n = 20_000;
  let flipped = 0;
  let agree = 0;
  for (let i = 0; i < n; i++) {
    if (syntheticLabel(good, poor, labeler({ flip: 0.2 }), rng) === 0) flipped++;
    if (syntheticLabel(good, poor, labeler({ beta: 1 }), rng) === 1) agree++;
  }
  expect(flipped / n).toBeCloseTo(0.2, 1.5);
  expect(agree / n).toBeCloseTo(1 / (1 + Math.exp(-1)), 1.5);
});

/** Segments of T steps of Gaussian features and their true rewards w·x. */
function linearTask(d: number, T: number, pairs: number, seed: number, flip = 0) {
  const rng = new Rng(seed);
  const w = Array.from({ length: d }, () => rng.normal());
  const segment = () => {
    const x = Float32Array.from({ length: T * d }, () => rng.normal());
    const r = Array.from({ length: T }, (_, t) => w.reduce((s, wj, j) => s + wj * x[t * d + j], 0));
    return { x, r };
  };
  const comparisons: Comparison[] = [];
  for (let i = 0; i < pairs; i++) {
    const a = segment();
    const b = segment();
    const truth = syntheticLabel(a.r, b.r, labeler(), rng) as 1 | 0;
    comparisons.push({ a: a.x, b: b.x, label: flip > 0 && rng.float() < flip ? ((1 - truth) as 1 | 0) : truth, truth } as Comparison);
  }
  return { w, comparisons: comparisons as (Comparison & { truth: 1 | 0 })[] };
}

const cosine = (u: ArrayLike<number>, v: ArrayLike<number>) => {
  let uv = 0, uu = 0, vv = 0;
  for (let i = 0; i < u.length; i++) [uv, uu, vv] = [uv + u[i] * v[i], uu + u[i] ** 2, vv + v[i] ** 2];
  return uv / Math.sqrt(uu * vv);
};

test("Bradley–Terry recovers the direction of a known linear reward from oracle comparisons", () => {
  const { w, comparisons } = linearTask(6, 10, 500, 1);
  const model = new RewardModel(6, { members: 1, hidden: [], epochs: 30, learningRate: 1e-2 });
  const losses = model.train(comparisons);
  expect(losses.at(-1)!).toBeLessThan(losses[0]);
  const learned = model.exportWeights()[0].w[0]; // d × 1
  expect(cosine(learned, w)).toBeGreaterThanOrEqual(0.95);
});

test("an MLP ensemble learns a reward whose preferences agree with held-out labels, and its members disagree most on close pairs", () => {
  const { comparisons } = linearTask(4, 8, 600, 2);
  const model = new RewardModel(4, { members: 3, hidden: [32], epochs: 15, seed: 3 });
  model.train(comparisons.slice(0, 500));
  const held = comparisons.slice(500);
  const right = held.filter((c) => {
    const p = model.preferenceProbabilities(c.a, c.b);
    return (p.reduce((s, v) => s + v, 0) / p.length > 0.5 ? 1 : 0) === c.label;
  }).length;
  expect(right / held.length).toBeGreaterThan(0.85);
  expect(model.preferenceProbabilities(held[0].a, held[0].b)).toHaveLength(3);
});

test("label smoothing and a margin change the loss as their definitions say", () => {
  const { comparisons } = linearTask(3, 4, 64, 4);
  // The same (untrained: tiny learning rate) model, one full batch: the loss before any step.
  const lossWith = (o: object) => new RewardModel(3, { members: 1, hidden: [], epochs: 1, learningRate: 1e-12, minibatch: 64, ...o }).train(comparisons)[0];
  const plain = lossWith({});
  // −log σ(Δ − m) > −log σ(Δ): the preferred side starts m behind.
  expect(lossWith({ margin: 1 })).toBeGreaterThan(plain);
  // ε = 1 turns every label into ½, whose loss −½(log P + log(1 − P)) is at least ln 2.
  expect(lossWith({ labelSmoothing: 1 })).toBeGreaterThanOrEqual(Math.log(2) - 1e-6);
});

test("preference strength from cross-fitted ensemble votes finds injected label noise, and filtering it raises accuracy", async () => {
  const { preferenceStrength, filterByStrength } = await import("./strength.js");
  const { comparisons } = linearTask(5, 6, 900, 5, 0.25);
  const train = comparisons.slice(0, 700);
  const held = comparisons.slice(700);
  const modelConfig = { members: 3, hidden: [16], epochs: 15, learningRate: 3e-3 };
  const strength = preferenceStrength(train, 5, modelConfig, { folds: 2 });
  // Wrong labels get low strength: flipped labels average far below correct ones.
  const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
  const wrong = train.map((c, i) => [c, strength[i]] as const).filter(([c]) => c.label !== c.truth).map(([, s]) => s);
  const right = train.map((c, i) => [c, strength[i]] as const).filter(([c]) => c.label === c.truth).map(([, s]) => s);
  expect(mean(wrong)).toBeLessThan(0.35);
  expect(mean(right)).toBeGreaterThan(0.65);
  const filtered = filterByStrength(train, strength, 0.2);
  const errorsBefore = train.filter((c) => c.label !== c.truth).length;
  const errorsAfter = filtered.comparisons.filter((c, i) => c.label !== train[i].truth).length;
  expect(errorsAfter).toBeLessThan(0.8 * errorsBefore);
  const accuracy = (data: Comparison[]) => {
    const model = new RewardModel(5, { ...modelConfig, seed: 9 });
    model.train(data);
    return held.filter((c) => {
      const p = model.preferenceProbabilities(c.a, c.b);
      return (p.reduce((s, v) => s + v, 0) / p.length > 0.5 ? 1 : 0) === c.truth;
    }).length / held.length;
  };
  expect(accuracy(filtered.comparisons)).toBeGreaterThan(accuracy(train));
}, 60_000);
