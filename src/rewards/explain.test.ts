import { describe, expect, test } from "vitest";
import { Box, Discrete } from "../core/spaces.js";
import { EnvCore, feature } from "../envs/core.js";
import { VectorEnv } from "../envs/vector.js";
import { explainReward, pearson } from "./explain.js";
import { RewardedVector } from "./rewarded.js";

/**
 * A tiny deterministic task: whatever the action, an episode lasts
 * L = 1 + (seed mod 4) steps, pays 1 a step, and raises "start" on its first
 * step. Feature `t` is the step count. A vector reset with seed 0 gives its
 * four environments episodes of 1, 2, 3 and 4 steps.
 */
class Countdown extends EnvCore {
  readonly observationSpace = new Box(0, 100, [1]);
  readonly actionSpace = new Discrete(2);
  readonly features = [feature("t", "steps taken this episode", (c: Countdown) => c.stepCount)];
  readonly events = ["start"];
  readonly maxSteps = 100;
  private length = 1;
  override seed(seed: number): void {
    this.length = 1 + (seed % 4);
    super.seed(seed);
  }
  protected generate(): void {}
  protected transition(): number {
    if (this.stepCount === 1) this.eventMask |= 1;
    this.terminated = this.stepCount >= this.length;
    return 1;
  }
  observe(obs: Float32Array, offset: number): void {
    obs[offset] = this.stepCount;
  }
  render(): string {
    return `t=${this.stepCount}`;
  }
}

const SPEC = {
  terms: [
    { name: "goal", kind: "task" },
    { name: "t", kind: "expression", expr: "t" },
    { name: "cost", kind: "expression", expr: "-1" },
    { name: "start", kind: "event", event: "start" },
  ],
};

describe("explainReward on a tiny deterministic task", () => {
  const vec = new VectorEnv("Countdown", Array.from({ length: 4 }, () => new Countdown()));
  const report = explainReward(new RewardedVector(vec, SPEC), { episodes: 4, seed: 0 });

  test("episode sums are the hand-computed ones", () => {
    // L = 1, 2, 3, 4: goal Σ1 = L, t Σt = L(L+1)/2, cost −L, start 1; then the primary return L.
    expect(report.episodeSums.map((row) => [...row]).sort((a, b) => a[0] - b[0])).toEqual([
      [1, 1, -1, 1, 1],
      [2, 3, -2, 1, 2],
      [3, 6, -3, 1, 3],
      [4, 10, -4, 1, 4],
    ]);
    expect(report.meanLength).toBe(2.5);
    expect(report.primaryReturn.mean).toBe(2.5);
    expect(report.primaryReturn.std).toBeCloseTo(Math.sqrt(5 / 3), 12);
  });

  test("shares are mean episode sums over Σ|means| = 2.5 + 5 + 2.5 + 1 = 11", () => {
    expect(report.rows.map((r) => r.episodeMean)).toEqual([2.5, 5, -2.5, 1]);
    expect(report.rows.map((r) => r.share)).toEqual([2.5 / 11, 5 / 11, -2.5 / 11, 1 / 11]);
    expect(report.termsReturn).toBe(6);
  });

  test("per-step mean, min and max are over every step of the episodes", () => {
    // 10 steps in all; t takes the values 1, 1 2, 1 2 3, 1 2 3 4 (sum 20).
    expect(report.rows[1]).toMatchObject({ stepMean: 2, stepMin: 1, stepMax: 4 });
    expect(report.rows[3]).toMatchObject({ stepMean: 0.4, stepMin: 0, stepMax: 1 });
  });

  test("correlation with the primary return matches a hand computation, and is undefined for a constant", () => {
    // t sums x = 1, 3, 6, 10 against y = 1, 2, 3, 4: dx = −4, −2, 1, 5; dy = −1.5, −0.5, 0.5, 1.5;
    // Σdx·dy = 15, Σdx² = 46, Σdy² = 5, so r = 15 / √230.
    expect(report.rows[1].correlation).toBeCloseTo(15 / Math.sqrt(230), 12);
    expect(report.rows[0].correlation).toBeCloseTo(1, 12);
    expect(report.rows[2].correlation).toBeCloseTo(-1, 12);
    expect(report.rows[3].correlation).toBeNull();
  });
});

describe("pearson", () => {
  test("matches a hand computation", () => {
    // dx = −1.5, −0.5, 0.5, 1.5; dy = −3, −1, 0, 4: Σdx·dy = 11, Σdx² = 5, Σdy² = 26.
    expect(pearson([1, 2, 3, 4], [2, 4, 5, 9])).toBeCloseTo(11 / Math.sqrt(130), 14);
  });

  test("is undefined for fewer than two points or a constant series", () => {
    expect(pearson([1], [2])).toBeNull();
    expect(pearson([3, 3, 3], [1, 2, 3])).toBeNull();
    expect(pearson([0.1 + 0.2, 0.3, 0.30000000000000004], [1, 2, 3])).toBeNull();
  });
});
