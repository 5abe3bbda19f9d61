import { expect, test } from "vitest";
import type { DesignSummary } from "../compare.js";
import type { CurvePoint, RunSummary } from "../train.js";
import { aggregateCurves, band, stepGrid, valueAt } from "./aggregate.js";

const curve = (points: [number, number][]): CurvePoint[] => points.map(([step, primary]) => ({ step, primary, success: primary > 0.5 ? 1 : 0, total: primary, terms: { goal: primary, step: -0.1 } }));

test("a curve's value at a step is its latest point at or before it", () => {
  const c = curve([[100, 0.1], [200, 0.2], [300, 0.3]]);
  expect(valueAt(c, 50, (p) => p.primary)).toBeNaN();
  expect(valueAt(c, 100, (p) => p.primary)).toBe(0.1);
  expect(valueAt(c, 299, (p) => p.primary)).toBe(0.2);
  expect(valueAt(c, 1e9, (p) => p.primary)).toBe(0.3);
});

test("the band is the percentile bootstrap of the mean over seeds: inside the seeds' range, around the mean, the same each time", () => {
  const seeds = [curve([[100, 0.2], [200, 0.5]]), curve([[100, 0.4], [200, 0.6]]), curve([[100, 0.9], [200, 0.7]])];
  const b = band(seeds, [100, 150, 200], (p) => p.primary);
  // At step 100 (and 150, which carries step 100 forward): values 0.2, 0.4, 0.9, mean 0.5.
  // Student's t would give 0.5 ± 0.896, i.e. [−0.40, 1.40] for a return in [0, 1].
  expect(b.mean[0]).toBeCloseTo(0.5, 12);
  expect(b.lo[0]).toBeGreaterThanOrEqual(0.2);
  expect(b.hi[0]).toBeLessThanOrEqual(0.9);
  expect(b.lo[0]).toBeLessThan(0.5);
  expect(b.hi[0]).toBeGreaterThan(0.5);
  // At step 200: 0.5, 0.6, 0.7.
  expect(b.mean[2]).toBeCloseTo(0.6, 12);
  expect(b.lo[2]).toBeGreaterThanOrEqual(0.5);
  expect(b.hi[2]).toBeLessThanOrEqual(0.7);
  expect(band(seeds, [100, 150, 200], (p) => p.primary)).toEqual(b);
  // Two seeds at the ends of [0, 1]: the band stays within them (Student's t: 0.5 ± 6.35).
  const two = band([curve([[100, 0]]), curve([[100, 1]])], [100], (p) => p.primary);
  expect(two.lo[0]).toBeGreaterThanOrEqual(0);
  expect(two.hi[0]).toBeLessThanOrEqual(1);
});

test("the band is null before any seed has a value and collapses to the mean for one seed", () => {
  const b = band([curve([[100, 0.3]]), curve([[200, 0.5]])], [50, 100, 200], (p) => p.primary);
  expect(b.mean).toEqual([null, 0.3, 0.4]);
  expect(b.lo[0]).toBeNull();
  expect(b.lo[1]).toBeNull(); // one seed: no interval
  expect(b.hi[2]).not.toBeNull();
});

test("the step grid is the runs' own steps when few, else evenly spaced up to the last", () => {
  expect(stepGrid([curve([[100, 0], [200, 0]]), curve([[150, 0]])])).toEqual([100, 150, 200]);
  const long = curve(Array.from({ length: 1000 }, (_, i) => [(i + 1) * 10, 0] as [number, number]));
  const grid = stepGrid([long], 4);
  expect(grid).toEqual([2500, 5000, 7500, 10000]);
});

test("aggregated designs share one step grid and carry each term's mean return", () => {
  const run = (seed: number, c: CurvePoint[]): RunSummary => ({ name: "d", seed, steps: 200, seconds: 1, episodes: 5, finalPrimary: 0, finalSuccess: 0, finalReturn: 0, stepsToThreshold: null, firstSuccess: null, termReturns: { goal: 0, step: 0 }, curve: c, evaluations: [], resultFrom: "training", trainPrimary: 0, trainSuccess: 0, interrupted: false });
  const design = (name: string, runs: RunSummary[]) => ({ name, runs }) as unknown as DesignSummary;
  const out = aggregateCurves([design("a", [run(0, curve([[100, 0.2], [200, 0.8]]))]), design("b", [run(0, curve([[200, 0.4]]))])]);
  expect(out.steps).toEqual([100, 200]);
  expect(out.designs[1].primary.mean).toEqual([null, 0.4]);
  expect(out.designs[0].success.mean).toEqual([0, 1]);
  expect(out.designs[0].terms).toEqual({ goal: [0.2, 0.8], step: [-0.1, -0.1] });
});
