import { describe, expect, test } from "vitest";
import { expectClose } from "../../test-utils/close.js";
import { Rng } from "../../core/rng.js";
import { combinedAdvantages, implicitStepRewards, matchOutcome, spaStepRewards } from "./step.js";

const list = (a: Float64Array) => Array.from(a);

describe("SPA-RL step rewards r_t = c_t + g·valid_t", () => {
  test("valid steps get the grounding bonus 0.5 and invalid ones none", () => {
    // [0.2 + 0.5, −0.1 + 0, 0.4 + 0.5]
    expectClose(spaStepRewards(Float64Array.of(0.2, -0.1, 0.4), Uint8Array.of(1, 0, 1)), [0.7, -0.1, 0.9], 12);
  });

  test("the flags may be booleans and the grounding another value", () => {
    expectClose(spaStepRewards([0.2, -0.1], [false, true], 2), [0.2, 1.9], 12);
  });

  test("lengths that disagree and non-finite contributions are errors", () => {
    expect(() => spaStepRewards([0.2, 0.1], [1])).toThrow("valid: expected 2 flags (one per step), got 1");
    expect(() => spaStepRewards([0.2, Number.NaN], [1, 1])).toThrow("contributions[1]: expected a finite number, got NaN");
  });
});

describe("matching contributions to the outcome", () => {
  // Trajectory 0: c = [0.2, 0.3] (Σ 0.5), outcome 1; trajectory 1: c = [0.5, −0.5] (Σ 0), outcome 1;
  // trajectory 2: no steps; trajectory 3: c = [0.25, −0.25] (Σ 0), outcome 0.
  const c = Float64Array.of(0.2, 0.3, 0.5, -0.5, 0.25, -0.25);
  const offsets = [0, 2, 4, 4, 6];
  const outcomes = [1, 1, 7, 0];

  test("scale multiplies by R/Σc, and falls back to shifting where Σc = 0 and R ≠ 0", () => {
    // 0: ×(1/0.5) → [0.4, 0.6]; 1: shift by (1 − 0)/2 → [1, 0]; 3: already sums to 0 → unchanged.
    expectClose(matchOutcome(c, offsets, outcomes), [0.4, 0.6, 1, 0, 0.25, -0.25], 12);
  });

  test("shift adds the residual (R − Σc)/T to every step", () => {
    // 0: +0.25 → [0.45, 0.55]; 1: +0.5 → [1, 0]; 3: +0 → unchanged.
    expectClose(matchOutcome(c, offsets, outcomes, { mode: "shift" }), [0.45, 0.55, 1, 0, 0.25, -0.25], 12);
  });

  test("every non-empty trajectory then sums to its outcome, on random data", () => {
    const rng = new Rng(7);
    const lengths = Array.from({ length: 30 }, () => rng.intRange(1, 12));
    const offs = [0];
    for (const L of lengths) offs.push(offs[offs.length - 1] + L);
    const contributions = Float64Array.from({ length: offs[offs.length - 1] }, () => rng.normal());
    const R = Float64Array.from(lengths, () => rng.uniform(-1, 1));
    for (const mode of ["scale", "shift"] as const) {
      const matched = matchOutcome(contributions, offs, R, { mode });
      for (let i = 0; i < lengths.length; i++) {
        let sum = 0;
        for (let t = offs[i]; t < offs[i + 1]; t++) sum += matched[t];
        expect(sum).toBeCloseTo(R[i], 9);
      }
    }
  });

  test("bad offsets are errors", () => {
    expect(() => matchOutcome(c, [0, 2, 4, 6], [1, 1])).toThrow("outcomes: expected 3 outcomes (one per trajectory), got 2");
    expect(() => matchOutcome(c, [0, 4, 2, 6], [1, 1, 1])).toThrow("offsets[2]: expected an integer ≥ offsets[1] (4), got 2");
    expect(() => matchOutcome(c, [0, 2, 5], [1, 1])).toThrow("offsets[2]: expected 6 (the number of steps), got 5");
  });
});

describe("OPRL implicit step rewards r_t = β·(log π_φ − log π_old)", () => {
  test("β = 0.1: [0.1·(−1 + 1.5), 0.1·(−2 + 1)] = [0.05, −0.1]", () => {
    expectClose(implicitStepRewards(Float64Array.of(-1, -2), Float64Array.of(-1.5, -1), 0.1), [0.05, -0.1], 12);
  });

  test("lengths that disagree are an error", () => {
    expect(() => implicitStepRewards([-1, -2], [-1], 0.1)).toThrow("logpRef: expected 2 log-probabilities (as logpPolicy), got 1");
  });
});

describe("combined advantages A_t = A^E + α·A^S_t", () => {
  // Trajectory 0: steps r = [1, 2, 3], A^E = 0.5; trajectory 1: r = [4], A^E = −0.5.
  const stepRewards = Float64Array.of(1, 2, 3, 4);
  const offsets = [0, 3, 4];
  const outcomeAdvantages = [0.5, -0.5];

  test("raw step rewards, γ = 1: returns-to-go [6, 5, 3] and [4], α = 0.1", () => {
    // [0.5 + 0.6, 0.5 + 0.5, 0.5 + 0.3, −0.5 + 0.4]
    const A = combinedAdvantages({ outcomeAdvantages, stepRewards, offsets, alpha: 0.1, normalize: "none" });
    expectClose(A, [1.1, 1, 0.8, -0.1], 12);
  });

  test("γ = 0.5 discounts: G = [1 + 0.5·3.5, 2 + 0.5·3, 3] = [2.75, 3.5, 3]", () => {
    const A = combinedAdvantages({ outcomeAdvantages, stepRewards, offsets, alpha: 0.1, gamma: 0.5, normalize: "none" });
    expectClose(A, [0.775, 0.85, 0.8, -0.1], 12);
  });

  test("group normalization over the whole batch standardizes the steps before the return", () => {
    // Steps [1, 2, 3, 4]: mean 2.5, unbiased std 1.2909944 (ε = 0):
    // r̃ = [−1.1618950, −0.3872983, 0.3872983, 1.1618950];
    // trajectory 0's returns [−1.1618950, 0, 0.3872983], trajectory 1's [1.1618950]; A^E = 0, α = 1.
    const A = combinedAdvantages({ outcomeAdvantages: [0, 0], stepRewards, offsets, alpha: 1, epsilon: 0 });
    expectClose(A, [-1.161895, 0, 0.3872983, 1.161895]);
  });

  test("with one group per trajectory, each normalizes alone and a lone step gets 0", () => {
    // Trajectory 0: mean 2, std 1 → r̃ = [−1, 0, 1] → returns [0, 1, 1]; trajectory 1: one step → 0.
    const A = combinedAdvantages({ outcomeAdvantages, stepRewards, offsets, alpha: 2, groups: [0, 1], epsilon: 0 });
    expectClose(A, [0.5, 2.5, 2.5, -0.5], 12);
  });

  test("an out array receives the advantages and bad inputs are errors", () => {
    const out = new Float64Array(4);
    expect(combinedAdvantages({ outcomeAdvantages, stepRewards, offsets, alpha: 0, out })).toBe(out);
    expect(list(out)).toEqual([0.5, 0.5, 0.5, -0.5]);
    expect(() => combinedAdvantages({ outcomeAdvantages: [0.5], stepRewards, offsets, alpha: 1 })).toThrow(
      "outcomeAdvantages: expected 2 advantages (one per trajectory), got 1",
    );
    expect(() => combinedAdvantages({ outcomeAdvantages, stepRewards, offsets, alpha: 1, gamma: 1.5 })).toThrow("gamma: expected a number in [0, 1], got 1.5");
  });
});
