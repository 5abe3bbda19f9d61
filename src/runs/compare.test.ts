import { expect, test } from "vitest";
import { RunConfig } from "./config.js";
import { compareDesigns, formatComparison, observations, summarize } from "./compare.js";
import type { RunSummary } from "./train.js";

const run = (seed: number, primary: number, success: number, terms: Record<string, number>, reached: number | null = null): RunSummary => ({
  name: "x", seed, steps: 1000, seconds: 1, episodes: 10, finalPrimary: primary, finalSuccess: success, finalReturn: primary, stepsToThreshold: reached, firstSuccess: reached, termReturns: terms, curve: [], evaluations: [], resultFrom: "training", trainPrimary: primary, trainSuccess: success, interrupted: false,
});

test("a design's summary has the IQM over seeds with its bootstrap interval, steps to threshold and term shares", () => {
  const s = summarize("d", [run(0, 0.5, 0.6, { goal: 0.5 }, 1000), run(1, 0.7, 1, { goal: 0.7 }), run(2, 0.9, 0.8, { goal: 0.9 }, 3000)]);
  // With three seeds the IQM trims nothing (int(0.25 · 3) = 0 at each end): the mean; the interval stays within [0.5, 0.9].
  expect(s.primaryIqm.point).toBeCloseTo(0.7, 12);
  expect(s.primaryIqm.lo).toBeGreaterThanOrEqual(0.5);
  expect(s.primaryIqm.hi).toBeLessThanOrEqual(0.9);
  expect(s.primaryIqm.lo).toBeLessThan(s.primaryIqm.hi);
  expect(s.stepsToThreshold).toEqual({ mean: 2000, reached: 2 });
  expect(s.termShares).toEqual({ goal: 1 });
});

test("term shares are signed and sum to 1 in absolute value", () => {
  const s = summarize("d", [run(0, 0.1, 0, { goal: 0.1, key: 3, step: -0.9 })]);
  expect(s.termShares.key).toBeCloseTo(0.75, 12);
  expect(s.termShares.step).toBeCloseTo(-0.225, 12);
  expect(Object.values(s.termShares).reduce((a, b) => a + Math.abs(b), 0)).toBeCloseTo(1, 12);
});

test("observations say which design is better only when the probability of improvement is clear, and flag one that earns its return from a heuristic", () => {
  const seeds = [0, 1, 2, 3, 4];
  const good = summarize("potential", seeds.map((k) => run(k, 0.8 + 0.01 * k, 0.9, { goal: 0.8, progress: 0.1 })));
  const hacked = summarize("naive", seeds.map((k) => run(k, 0.0, 0, { goal: 0, key: 5, step: -1 })));
  const lines = observations([good, hacked], (_d, t) => t !== "goal");
  expect(lines[0]).toBe("potential is better than naive on the primary reward: P(potential > naive) = 1.00 [1.00, 1.00].");
  expect(lines[1]).toMatch(/^naive: 83% of its return came from the auxiliary term "key" while its primary return is 0\.000/);
  expect(lines).toHaveLength(2);
  expect(formatComparison([good, hacked], 0.9)).toMatch(/^naive +0\.000 \[0\.000, 0\.000\] +0\.00 \[0\.00, 0\.00\] +— \(0\/5\)  goal 0%, key 83%, step -17%$/m);
  expect(formatComparison([good, hacked], 0.9)).toMatch(/^ +seeds 0, 1, 2, 3, 4: primary 0\.800 0\.810 0\.820 0\.830 0\.840; success 0\.90 0\.90 0\.90 0\.90 0\.90$/m);
});

test("with fewer than five seeds per design no design is called better, however far apart", () => {
  const good = summarize("potential", [run(0, 0.8, 0.9, {}), run(1, 0.7, 0.9, {})]);
  const bad = summarize("sparse", [run(0, 0.0, 0, {}), run(1, 0.01, 0, {})]);
  expect(observations([good, bad], () => false)).toEqual(["Highest IQM on the primary reward: potential (0.750); with 2 seeds per design no design is called better (that takes 5 or more: --seeds 5)."]);
});

test("overlapping seeds give no clear difference, not a winner by the mean", () => {
  const a = summarize("a", [0.9, 0.2, 0.6, 0.1, 0.7].map((v, k) => run(k, v, 1, {})));
  const b = summarize("b", [0.5, 0.4, 0.3, 0.6, 0.2].map((v, k) => run(k, v, 1, {})));
  const lines = observations([a, b], () => false);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^No clear difference on the primary reward between a \(IQM 0\.\d{3}\) and b \(P\(a > b\) = 0\.\d\d \[0\.\d\d, 1\.00\]\): more seeds would tell\.$/);
});

test("when every run of every design scored the same, it says so rather than asking for more seeds", () => {
  const a = summarize("a", [0, 1, 2, 3, 4].map((k) => run(k, -200, 0, {})));
  const b = summarize("b", [0, 1, 2, 3, 4].map((k) => run(k, -200, 0, {})));
  expect(observations([a, b], () => false)).toEqual(["No clear difference on the primary reward between a (IQM -200.000) and b (P(a > b) = 0.50 [0.50, 0.50]): every run scored -200, so nothing here tells them apart."]);
});

test("intervals stay inside the seeds' range where a t-interval would not (two seeds, a return in [0, 1])", () => {
  // Student's t with two seeds printed 0.335 ± 3.002 for such a design (t = 12.71: 0.335 + 12.71 · 0.474 / √2 > 1).
  const s = summarize("potential", [run(0, 0.0, 0.1, {}), run(1, 0.67, 1, {})]);
  for (const [e, lo, hi] of [[s.primaryIqm, 0, 0.67], [s.successIqm, 0.1, 1]] as const) {
    expect(e.lo).toBeGreaterThanOrEqual(lo);
    expect(e.hi).toBeLessThanOrEqual(hi);
    expect(e.lo).toBeLessThanOrEqual(e.point);
    expect(e.point).toBeLessThanOrEqual(e.hi);
  }
  // The same bootstrap seed gives the same interval.
  expect(summarize("potential", s.runs).primaryIqm).toEqual(s.primaryIqm);
});

test("compare trains every design for every seed (in this thread from sources)", async () => {
  const config = RunConfig.parse({ env: { id: "Empty-5x5" }, numEnvs: 4, steps: 1024, seeds: [0, 1], learner: { algo: "ppo", numSteps: 64 } });
  const seen: string[] = [];
  const out = await compareDesigns(config, [{ name: "a", reward: { terms: [{ kind: "task" }] } as never }, { name: "b", reward: { terms: [{ kind: "task" }, { kind: "expression", expr: "-0.01", name: "step" }] } as never }], { workers: 2, onRunDone: (s, d) => void seen.push(`${d}/${s.seed}`) });
  expect(seen.sort()).toEqual(["a/0", "a/1", "b/0", "b/1"]);
  expect(out.map((s) => s.runs.length)).toEqual([2, 2]);
  expect(Object.keys(out[1].termShares)).toEqual(["task", "step"]);
}, 60_000);
