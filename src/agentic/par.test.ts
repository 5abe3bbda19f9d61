import { describe, expect, test } from "vitest";
import { expectClose } from "../test-utils/close.js";
import { Rng } from "../core/rng.js";
import { sigmoid } from "../rewards/transforms.js";
import { parReward, parRewards } from "./par.js";


describe("PAR: (1/M) Σ_m σ(k·(r − r_ref_m))", () => {
  test("M = 2 references [0, 1], k = 1", () => {
    // r = 1: (σ(1) + σ(0))/2 = (0.7310586 + 0.5)/2 = 0.6155293
    // r = 0: (σ(0) + σ(−1))/2 = (0.5 + 0.2689414)/2 = 0.3844707
    expectClose(parRewards([1, 0], Float64Array.of(0, 1, 0, 1), { m: 2 }), [0.6155293, 0.3844707]);
  });

  test("k scales the difference: σ(2·(0.5 − 0)) = σ(1) = 0.7310586", () => {
    expect(parReward(0.5, [0], 2)).toBeCloseTo(0.7310586, 7);
  });

  test("ragged references: one for the first sample, three for the second", () => {
    // sample 0: σ(0 − 0) = 0.5; sample 1: (σ(1) + σ(0) + σ(−1))/3 = (0.7310586 + 0.5 + 0.2689414)/3 = 0.5
    // sample 2: σ(3 − 1) = σ(2) = 0.8807971
    expectClose(parRewards([0, 2, 3], [0, 1, 2, 3, 1], { offsets: [0, 1, 4, 5] }), [0.5, 0.5, 0.8807971]);
  });

  test("stays within [0, 1], rises with r, and rises no faster than k/4", () => {
    const rng = new Rng(11);
    const M = 10;
    const k = 3;
    const refs = Float64Array.from({ length: M }, () => rng.normal(0, 2));
    let previous = -1;
    let previousR = Number.NaN;
    for (let step = 0; step < 400; step++) {
      const r = -50 + step * 0.25;
      const value = parReward(r, refs, k);
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThanOrEqual(1);
      expect(value).toBeGreaterThanOrEqual(previous);
      if (step > 0) expect((value - previous) / (r - previousR)).toBeLessThanOrEqual(k / 4 + 1e-12);
      previous = value;
      previousR = r;
    }
    // Far outside the references it saturates at the bounds.
    expect(parReward(1e6, refs, k)).toBe(1);
    expect(parReward(-1e6, refs, k)).toBe(0);
  });

  test("the sigmoid neither overflows nor returns NaN far from 0", () => {
    expect(sigmoid(-1000)).toBe(0);
    expect(sigmoid(1000)).toBe(1);
    expect(sigmoid(-40)).toBeGreaterThan(0);
  });
});

describe("the centered variant mean(r − r_ref)", () => {
  test("r = 2 against [1, 2, 3] is 0 and r = 0 against [1, 3] is −2", () => {
    expectClose(parRewards([2, 0], [1, 2, 3, 1, 3], { offsets: [0, 3, 5] }, { variant: "centered" }), [0, -2], 12);
  });

  test("is unbounded, unlike PAR", () => {
    expect(parRewards([100], [0], { m: 1 }, { variant: "centered" })[0]).toBe(100);
  });
});

describe("validation", () => {
  test("layouts that do not fit the references are errors", () => {
    expect(() => parRewards([1, 0], [0, 1, 2], { m: 2 })).toThrow("references: expected 4 scores (2 for each of 2 samples), got 3");
    expect(() => parRewards([1, 0], [0, 1], { offsets: [0, 2, 2] })).toThrow(/^layout\.offsets\[2\]: expected an integer > layout\.offsets\[1\] \(2\): sample 1 needs at least one reference/);
    expect(() => parRewards([1], [0], { offsets: [0, 2] })).toThrow("layout.offsets[1]: expected 1 (the number of references), got 2");
  });

  test("non-finite rewards and a non-positive k are errors", () => {
    expect(() => parRewards([1, Number.NaN], [0, 0], { m: 1 })).toThrow("rewards[1]: expected a finite number, got NaN");
    expect(() => parRewards([1], [0], { m: 1 }, { k: 0 })).toThrow("options.k: expected a finite number > 0, got 0");
  });

  test("an out array receives the values", () => {
    const out = new Float64Array(1);
    expect(parRewards([0], [0], { m: 1 }, { out })).toBe(out);
    expect(out[0]).toBe(0.5);
  });
});
