import { describe, expect, test } from "vitest";
import { expectClose } from "../../test-utils/close.js";
import { UserError } from "../../core/errors.js";
import { Rng } from "../../core/rng.js";
import { aggregateObjectives } from "./aggregate.js";
import { groupAdvantages, Grouping, validMask } from "./group.js";

const list = (a: Float64Array) => Array.from(a);

describe("GRPO (DeepSeekMath): A = (r − mean_g)/(std_g + ε)", () => {
  // Group [1, 0, 0, 1]: mean 0.5; squared deviations 4·0.25 = 1;
  // unbiased std √(1/3) = 0.5773503, biased std √(1/4) = 0.5.
  test("verl's conventions give ±0.5/(0.5773503 + 1e-6) = ±0.8660239", () => {
    expectClose(groupAdvantages([1, 0, 0, 1], 4, { preset: "verl" }), [0.8660239, -0.8660239, -0.8660239, 0.8660239], 7);
  });

  test("OpenRLHF's ε = 1e-9 gives ±0.8660254 and TRL's ε = 1e-4 gives ±0.8658754", () => {
    expectClose(groupAdvantages([1, 0, 0, 1], 4, { preset: "openrlhf" }), [0.8660254, -0.8660254, -0.8660254, 0.8660254], 7);
    expectClose(groupAdvantages([1, 0, 0, 1], 4, { preset: "trl" }), [0.8658754, -0.8658754, -0.8658754, 0.8658754], 7);
  });

  test("the biased std divides by 0.5 instead: ±0.5/(0.5 + 1e-6) = ±0.999998", () => {
    expectClose(groupAdvantages([1, 0, 0, 1], 4, { std: "biased" }), [0.999998, -0.999998, -0.999998, 0.999998], 7);
  });

  test("an explicit option overrides the preset's value", () => {
    // TRL preset with ε = 0: ±0.5/0.5773503 = ±0.8660254
    expectClose(groupAdvantages([1, 0, 0, 1], 4, { preset: "trl", epsilon: 0 }), [0.8660254, -0.8660254, -0.8660254, 0.8660254], 7);
  });

  test("each group is normalized on its own statistics", () => {
    // Groups [1, 0] and [3, 5]: means 0.5 and 4, unbiased stds √0.5 = 0.7071068 and √2 = 1.4142136;
    // A = ±0.5/0.7071068 = ±0.7071068 and ±1/1.4142136 = ±0.7071068 (ε = 0).
    expectClose(groupAdvantages([1, 0, 3, 5], 2, { epsilon: 0 }), [0.7071068, -0.7071068, -0.7071068, 0.7071068]);
  });

  test("a group whose rewards are all equal gets advantages 0, not NaN, even with ε = 0", () => {
    expect(list(groupAdvantages([2, 2, 2, 1, 1, 1], 3, { epsilon: 0 }))).toEqual([0, 0, 0, 0, 0, 0]);
  });

  test("scale batch (TRL scale_rewards='batch') keeps the group mean but divides by the batch std", () => {
    // Groups [1, 0] and [3, 5]: r − mean_g = [0.5, −0.5, −1, 1].
    // Batch [1, 0, 3, 5]: mean 2.25, squared deviations 1.5625 + 5.0625 + 0.5625 + 7.5625 = 14.75,
    // unbiased std √(14.75/3) = 2.2173558; with ε = 1e-4: A = [0.5, −0.5, −1, 1]/2.2174558.
    expectClose(groupAdvantages([1, 0, 3, 5], 2, { preset: "trl", scale: "batch" }), [0.2254836, -0.2254836, -0.4509673, 0.4509673]);
  });

  test("scale none leaves r − mean_g undivided", () => {
    expect(list(groupAdvantages([1, 0, 3, 5], 2, { scale: "none" }))).toEqual([0.5, -0.5, -1, 1]);
  });
});

describe("the other estimators", () => {
  test("Dr. GRPO subtracts the group mean only: [3, 1, 2] → [1, −1, 0]", () => {
    expect(list(groupAdvantages([3, 1, 2, 1, 0, 0, 1], { sizes: [3, 4] }, { estimator: "dr-grpo" }))).toEqual([1, -1, 0, 0.5, -0.5, -0.5, 0.5]);
  });

  test("RLOO subtracts the mean of the others: [3, 1, 2] → [3 − 1.5, 1 − 2.5, 2 − 2] = [1.5, −1.5, 0]", () => {
    expect(list(groupAdvantages([3, 1, 2], 3, { estimator: "rloo" }))).toEqual([1.5, -1.5, 0]);
  });

  test("RLOO's n/(n − 1)·(r − mean) equals the leave-one-out definition on random groups", () => {
    const rng = new Rng(20250101);
    const sizes: number[] = [];
    const rewards: number[] = [];
    for (let g = 0; g < 50; g++) {
      const size = rng.intRange(2, 9);
      sizes.push(size);
      for (let j = 0; j < size; j++) rewards.push(rng.normal(0, 3));
    }
    const A = groupAdvantages(Float64Array.from(rewards), { sizes }, { estimator: "rloo" });
    let start = 0;
    for (const size of sizes) {
      for (let i = start; i < start + size; i++) {
        let others = 0;
        for (let j = start; j < start + size; j++) if (j !== i) others += rewards[j];
        expect(A[i]).toBeCloseTo(rewards[i] - others / (size - 1), 10);
      }
      start += size;
    }
  });

  test("REINFORCE normalizes over the whole batch and ignores the groups", () => {
    // Batch [1, 2, 3, 4]: mean 2.5, squared deviations 2.25 + 0.25 + 0.25 + 2.25 = 5,
    // unbiased std √(5/3) = 1.2909944; A = [−1.5, −0.5, 0.5, 1.5]/(1.2909944 + 1e-6).
    const expected = [-1.1618941, -0.387298, 0.387298, 1.1618941];
    expectClose(groupAdvantages([1, 2, 3, 4], ["a", "a", "b", "b"], { estimator: "reinforce" }), expected);
    expectClose(groupAdvantages([1, 2, 3, 4], null, { estimator: "reinforce" }), expected);
  });

  test("none returns the rewards", () => {
    expect(list(groupAdvantages([0.25, -3, 7], 3, { estimator: "none" }))).toEqual([0.25, -3, 7]);
  });

  test("scale is refused for estimators other than grpo", () => {
    expect(() => groupAdvantages([1, 0], 2, { estimator: "rloo", scale: "batch" })).toThrow(/options\.scale: applies to the grpo and grpo-passk estimators only/);
  });
});

describe("the estimators and options the frameworks added", () => {
  test("reinforce-baseline subtracts the group mean, then whitens over the batch (OpenRLHF: biased variance, no ε)", () => {
    // Groups [1, 0] and [3, 5]: d = [0.5, −0.5, −1, 1], batch mean 0, biased variance (0.25 + 0.25 + 1 + 1)/4 = 0.625, σ = 0.7905694.
    expectClose(groupAdvantages([1, 0, 3, 5], 2, { preset: "openrlhf", estimator: "reinforce-baseline" }), [0.6324555, -0.6324555, -1.2649111, 1.2649111]);
  });

  test("verl's REINFORCE++ whitening adds ε = 1e-8 to the variance: (r − 2.5)/√(5/3 + 1e-8)", () => {
    const s = Math.sqrt(5 / 3 + 1e-8);
    // Its mean is Σr/(n + 1e-8) = 2.5 − 6e-9: agreement to 7 digits.
    expectClose(groupAdvantages([1, 2, 3, 4], null, { preset: "verl", estimator: "reinforce" }), [-1.5 / s, -0.5 / s, 0.5 / s, 1.5 / s], 7);
  });

  test("gpg scales r − mean_g by the batch size over the number of nonzero rewards: 8/2 = 4", () => {
    expect(list(groupAdvantages([1, 0, 0, 1, 0, 0, 0, 0], 4, { estimator: "gpg" }))).toEqual([2, -2, -2, 2, 0, 0, 0, 0]);
  });

  test("grpo-passk gives the best response r_max − r_second over the group std, the others 0", () => {
    // [1, 4, 2, 0]: best 4, second 2; mean 1.75, squared deviations 0.5625 + 5.0625 + 0.0625 + 3.0625 = 8.75, unbiased std √(8.75/3) = 1.7078251.
    expectClose(groupAdvantages([1, 4, 2, 0], 4, { preset: "verl", estimator: "grpo-passk" }), [0, 2 / (1.7078251 + 1e-6), 0, 0]);
    expect(list(groupAdvantages([1, 4, 2, 0], 4, { preset: "verl", estimator: "grpo-passk", scale: "none" }))).toEqual([0, 2, 0, 0]);
    // A tie at the top: the gap is 0 for everyone.
    expect(list(groupAdvantages([3, 1, 3, 2], 4, { estimator: "grpo-passk" }))).toEqual([0, 0, 0, 0]);
    expect(() => groupAdvantages([1, 4, 2], { sizes: [2, 1] }, { preset: "verl", estimator: "grpo-passk" })).toThrow(/^rewards\[2\]: is the only scored response in its group; a group of one has no baseline \(grpo-passk needs two\)/);
  });

  test("verl-vectorized floors the variance at 1e-6: a spread below 1e-3 is divided by 1e-3", () => {
    // [0, 0.001, 0, 0.001]: mean 0.0005, unbiased variance 4·2.5e-7/3 = 3.33e-7 < 1e-6, so σ = 1e-3.
    const r = [0, 0.001, 0, 0.001];
    expectClose(groupAdvantages(r, 4, { preset: "verl-vectorized" }), [-0.0005 / (1e-3 + 1e-6), 0.0005 / (1e-3 + 1e-6), -0.0005 / (1e-3 + 1e-6), 0.0005 / (1e-3 + 1e-6)], 9);
    const σ = Math.sqrt(1e-6 / 3);
    expectClose(groupAdvantages(r, 4, { preset: "verl" }), [-0.0005 / (σ + 1e-6), 0.0005 / (σ + 1e-6), -0.0005 / (σ + 1e-6), 0.0005 / (σ + 1e-6)], 9);
    // rloo_vectorized gives a group of one 0, verl's loop RLOO leaves it r.
    expect(groupAdvantages([1, 0, 7], { sizes: [2, 1] }, { preset: "verl-vectorized", estimator: "rloo" })[2]).toBe(0);
    expect(groupAdvantages([1, 0, 7], { sizes: [2, 1] }, { preset: "verl", estimator: "rloo" })[2]).toBe(7);
  });

  test("TRL's normalized RLOO standardizes over the rows that have an advantage; a lone or missing row gets 0", () => {
    // Group 1 [1, 0, 1, 1]: mean 0.75, RLOO 4/3·(r − 0.75) = [1/3, −1, 1/3, 1/3]. Group 2 has one scored row: no advantage.
    // Over [1/3, −1, 1/3, 1/3]: mean 0, unbiased variance (3/9 + 1)/3 = 4/9, σ = 2/3.
    const valid = new Uint8Array(8);
    const A = groupAdvantages([1, 0, 1, 1, 2, null, null, null], 4, { preset: "trl", estimator: "rloo", normalize: "batch", valid });
    const s = 2 / 3 + 1e-4;
    expectClose(A, [1 / 3 / s, -1 / s, 1 / 3 / s, 1 / 3 / s, 0, 0, 0, 0]);
    expect(Array.from(valid)).toEqual([1, 1, 1, 1, 1, 0, 0, 0]);
  });

  test("clipRewards clamps the rewards before the statistics, clipAdvantages the advantages after", () => {
    // [5, −3, 0, 1] → [1, −1, 0, 1]: mean 0.25.
    expect(list(groupAdvantages([5, -3, 0, 1], 4, { estimator: "dr-grpo", clipRewards: [-1, 1] }))).toEqual([0.75, -1.25, -0.25, 0.75]);
    // mean 0.75: [4.25, −3.75, −0.75, 0.25] → clamped to [−1, 1].
    expect(list(groupAdvantages([5, -3, 0, 1], 4, { estimator: "dr-grpo", clipAdvantages: [-1, 1] }))).toEqual([1, -1, -0.75, 0.25]);
    expect(() => groupAdvantages([1, 0], 2, { clipAdvantages: [1, -1] })).toThrow("options.clipAdvantages: expected min ≤ max, got [1, -1]");
  });

  test("a preset refuses an estimator its framework does not have", () => {
    expect(() => groupAdvantages([1, 0], 2, { preset: "trl", estimator: "reinforce" })).toThrow("options.estimator: the trl preset has no reinforce estimator (it has grpo, dr-grpo, rloo, and none)");
    expect(list(groupAdvantages([1, 0], 2, { preset: "trl", estimator: "none" }))).toEqual([1, 0]);
  });

  test("validMask marks the rewards that are numbers, into a reused array", () => {
    const out = new Uint8Array(4);
    expect(validMask([1, null, Number.NaN, 0], out)).toBe(out);
    expect(Array.from(out)).toEqual([1, 0, 0, 1]);
  });
});

describe("a group of one under each preset", () => {
  // Groups a = [1, 0] and b = [2] (alone). Group a: mean 0.5, unbiased std √0.5 = 0.7071068.
  const r = [1, 0, 2];
  const ids = ["a", "a", "b"];

  test("verl gives the lone response mean 0 and std 1: 2/(1 + 1e-6) = 1.999998", () => {
    // a: ±0.5/(0.7071068 + 1e-6) = ±0.7071058
    expectClose(groupAdvantages(r, ids, { preset: "verl" }), [0.7071058, -0.7071058, 1.999998]);
  });

  test("verl's RLOO and Dr. GRPO leave the lone reward as it is", () => {
    expect(groupAdvantages(r, ids, { preset: "verl", estimator: "rloo" })[2]).toBe(2);
    expect(groupAdvantages(r, ids, { preset: "verl", estimator: "dr-grpo" })[2]).toBe(2);
  });

  test("OpenRLHF and TRL give it 0, and so does RLOO by default", () => {
    expect(groupAdvantages(r, ids, { preset: "openrlhf" })[2]).toBe(0);
    // TRL: a: ±0.5/(0.7071068 + 1e-4) = ±0.7070068
    expectClose(groupAdvantages(r, ids, { preset: "trl" }), [0.7070068, -0.7070068, 0]);
    expect(groupAdvantages(r, ids, { estimator: "rloo" })[2]).toBe(0);
  });

  test("singleton error names the lone response", () => {
    expect(() => groupAdvantages(r, ids, { singleton: "error" })).toThrow(/^rewards\[2\]: is the only scored response in its group/);
  });

});

describe("missing rewards (TRL: None → NaN)", () => {
  test("an all-missing group gets advantages 0 and does not disturb the other group", () => {
    // Group 2 = [1, 0]: ±0.5/(0.7071068 + 1e-4) = ±0.7070068
    expectClose(groupAdvantages([Number.NaN, null, 1, 0], 2, { preset: "trl" }), [0, 0, 0.7070068, -0.7070068]);
  });

  test("TRL now leaves a None reward out of its group (missing: skip); before #5902 it counted as 0 (missing: zero)", () => {
    // skip: scored [1, 0, 2]: mean 1, squared deviations 0 + 1 + 1 = 2, unbiased std 1; A = [0, ·, −1, 1]/(1 + 1e-4).
    expectClose(groupAdvantages([1, null, 0, 2], 4, { preset: "trl" }), [0, 0, -0.9999, 0.9999]);
    // zero: [1, None, 0, 2] → [1, 0, 0, 2]: mean 0.75, squared deviations 0.0625 + 0.5625 + 0.5625 + 1.5625 = 2.75,
    // unbiased std √(2.75/3) = 0.957427; A = (r − 0.75)/(0.957427 + 1e-4).
    const σ = Math.sqrt(2.75 / 3) + 1e-4;
    expectClose(groupAdvantages([1, null, 0, 2], 4, { preset: "trl", missing: "zero" }), [0.25 / σ, -0.75 / σ, -0.75 / σ, 1.25 / σ]);
  });

  test("skip: a missing reward is left out of the mean and std and gets 0", () => {
    // Scored [1, 0, 2]: mean 1, squared deviations 0 + 1 + 1 = 2, unbiased std √(2/2) = 1;
    // A = [0, ·, −1, 1]/(1 + 1e-4) = [0, 0, −0.9999, 0.9999].
    expectClose(groupAdvantages([1, null, 0, 2], 4, { preset: "trl", missing: "skip" }), [0, 0, -0.9999, 0.9999]);
    expect(list(groupAdvantages([Number.NaN, 3, 1, 0], 2, { preset: "trl", missing: "skip" })).slice(0, 2)).toEqual([0, 0]);
  });

  test("without skip, a missing reward is an error naming its index", () => {
    expect(() => groupAdvantages([1, 0, 0, Number.NaN], 4)).toThrow(new UserError("rewards[3]", "expected a finite number, got NaN"));
    expect(() => groupAdvantages([1, null, 0, 1], 4, { preset: "verl" })).toThrow("rewards[1]: expected a finite number, got null");
  });

  test("infinity is an error even when missing rewards are skipped", () => {
    expect(() => groupAdvantages([1, Number.POSITIVE_INFINITY], 2, { preset: "trl" })).toThrow(
      "rewards[1]: expected a finite number, or NaN/null for a missing reward, got Infinity",
    );
  });
});

describe("groups, validation and reuse", () => {
  test("ids in any order group the same responses as contiguous sizes", () => {
    const rewards = [5, 1, 2, 0, 4, 3];
    const byIds = groupAdvantages(rewards, [7, "x", 7, "x", 7, "x"]);
    const reordered = [5, 2, 4, 1, 0, 3];
    const bySizes = groupAdvantages(reordered, { sizes: [3, 3] });
    expectClose(byIds, [bySizes[0], bySizes[3], bySizes[1], bySizes[4], bySizes[2], bySizes[5]], 12);
    expect(byIds[0]).not.toBeCloseTo(0, 3);
  });

  test("a prebuilt grouping and an out array are reused, and out may be the rewards themselves", () => {
    const grouping = Grouping.of(2, 4);
    const out = new Float64Array(4);
    const first = groupAdvantages([1, 0, 3, 5], grouping, { out, scale: "none" });
    expect(first).toBe(out);
    expect(list(out)).toEqual([0.5, -0.5, -1, 1]);
    const inPlace = Float64Array.of(0, 2, 2, 0);
    groupAdvantages(inPlace, grouping, { out: inPlace, scale: "none" });
    expect(list(inPlace)).toEqual([-1, 1, 1, -1]);
  });

  test("lengths that disagree are errors", () => {
    expect(() => groupAdvantages([1, 0, 1, 0], ["a", "a", "b"])).toThrow("groups: expected 4 group ids (one per response), got 3");
    expect(() => groupAdvantages([1, 0, 1, 0], 3)).toThrow("groups: a group size of 3 does not divide 4 responses");
    expect(() => groupAdvantages([1, 0, 1, 0], { sizes: [2, 1] })).toThrow("groups.sizes: the sizes add up to 3, expected 4 (one per response)");
    expect(() => groupAdvantages([1, 0], 2, { out: new Float64Array(3) })).toThrow("options.out: expected a Float64Array of length 2, got length 3");
    expect(() => groupAdvantages([1, 0], Grouping.of(null, 3))).toThrow("groups: expected a grouping of 2 responses, got one of 3");
  });
});

describe("multi-objective aggregation (TRL multi_objective_aggregation)", () => {
  // One group of three responses, two aspects: a = [0, 10, 20] (wide), b = [1, 0, 0] (narrow), weights 1, TRL (ε = 1e-4).
  const a = Float64Array.of(0, 10, 20);
  const b = Float64Array.of(1, 0, 0);

  test("sum_then_normalize lets the wide aspect dominate", () => {
    // s = [1, 10, 20]: mean 31/3 = 10.333333, squared deviations 87.111 + 0.111 + 93.444 = 180.667,
    // unbiased std √90.3333 = 9.504385; A = [−9.3333, −0.3333, 9.6667]/9.504485.
    const A = aggregateObjectives([a, b], [1, 1], 3, "sum_then_normalize", { preset: "trl" });
    expectClose(A, [-0.9819925, -0.0350712, 1.0170637]);
  });

  test("normalize_then_sum weighs both aspects equally, then standardizes over the batch", () => {
    // a: mean 10, std 10 → [−1, 0, 1]·10/10.0001 = [−0.99999, 0, 0.99999].
    // b: mean 1/3, std √(1/3) = 0.5773503 → [2/3, −1/3, −1/3]/0.5774503 = [1.1545006, −0.5772503, −0.5772503].
    // Sums [0.1545106, −0.5772503, 0.4227397]: mean 0, unbiased std 0.5175907 → divided by 0.5176907.
    const A = aggregateObjectives([a, b], [1, 1], 3, "normalize_then_sum", { preset: "trl" });
    expectClose(A, [0.2984612, -1.1150486, 0.8165874]);
    // The two modes rank responses 0 and 1 differently.
    const S = aggregateObjectives([a, b], [1, 1], 3, "sum_then_normalize", { preset: "trl" });
    expect(S[1]).toBeGreaterThan(S[0]);
    expect(A[0]).toBeGreaterThan(A[1]);
  });

  test("normalize_then_sum with final none returns the weighted sum of the per-aspect advantages", () => {
    // weights [2, 0.5]: 2·[−0.99999, 0, 0.99999] + 0.5·[1.1545006, −0.5772503, −0.5772503]
    const A = aggregateObjectives([a, b], [2, 0.5], 3, "normalize_then_sum", { preset: "trl", final: "none" });
    expectClose(A, [-1.4227297, -0.2886251, 1.7113549]);
  });

  test("weights null means every aspect weighs 1", () => {
    const withNull = aggregateObjectives([a, b], null, 3, "sum_then_normalize", { preset: "trl" });
    const withOnes = aggregateObjectives([a, b], [1, 1], 3, "sum_then_normalize", { preset: "trl" });
    expect(list(withNull)).toEqual(list(withOnes));
  });

  test("a missing aspect is left out of the sum, and a response with every aspect missing gets 0", () => {
    // Group [r0, r1] and group [r2, r3]; aspects x = [1, NaN, 3, NaN], y = [NaN, 2, 1, NaN].
    // Sums [1, 2, 4, unscorable]; with scale none: group 1 → [−0.5, 0.5], group 2 has one scored → 0, unscorable → 0.
    const x = Float64Array.of(1, Number.NaN, 3, Number.NaN);
    const y = Float64Array.of(Number.NaN, 2, 1, Number.NaN);
    expect(list(aggregateObjectives([x, y], null, 2, "sum_then_normalize", { preset: "trl", scale: "none", missing: "skip" }))).toEqual([-0.5, 0.5, 0, 0]);
    // TRL before #5902 (missing: zero): nansum made the unscorable response a 0: sums [1, 2, 4, 0], group 2 → [2, −2].
    expect(list(aggregateObjectives([x, y], null, 2, "sum_then_normalize", { preset: "trl", scale: "none", missing: "zero" }))).toEqual([-0.5, 0.5, 2, -2]);
    expect(list(aggregateObjectives([x, y], null, 2, "sum_then_normalize", { preset: "trl", scale: "none" }))).toEqual([-0.5, 0.5, 0, 0]);
    expect(aggregateObjectives([x, y], null, 2, "normalize_then_sum", { preset: "trl", missing: "skip" })[3]).toBe(0);
  });

  test("bad aspects and weights are errors naming what is wrong", () => {
    expect(() => aggregateObjectives([a, Float64Array.of(1, 2)], null, 3, "sum_then_normalize")).toThrow("aspects[1]: expected 3 rewards (as aspects[0]), got 2");
    expect(() => aggregateObjectives([a, b], [1], 3, "sum_then_normalize")).toThrow("weights: expected 2 weights (one per aspect), got 1");
    expect(() => aggregateObjectives([a, Float64Array.of(0, Number.NaN, 1)], null, 3, "normalize_then_sum")).toThrow("aspects[1][1]: expected a finite number, got NaN");
    expect(() => aggregateObjectives([a, b], null, 3, "normalize_then_sum", { estimator: "rloo" })).toThrow(/^options\.estimator: normalize_then_sum/);
  });
});
