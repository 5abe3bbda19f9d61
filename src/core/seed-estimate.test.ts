import { expect, test } from "vitest";
import { intervalEstimate, seedEstimate } from "./rliable-bootstrap.js";
import { Rng } from "./rng.js";

test("seedEstimate is intervalEstimate on one task with 10,000 replications, drawn from the rng it is given", () => {
  const values = [0.2, 0.9, 0.4, 0.55, 0.7];
  const e = intervalEstimate(values.map((v) => [v]), "iqm", new Rng(3), { reps: 10_000 });
  expect(seedEstimate(values, "iqm", new Rng(3))).toEqual({ point: e.point, lo: e.lo, hi: e.hi });
  expect(seedEstimate(values, "iqm", new Rng(3))).toEqual(seedEstimate(values, "iqm", new Rng(3)));
  // Few replications, so that another stream moves the percentiles.
  expect(seedEstimate(values, "iqm", new Rng(4), { reps: 20 })).not.toEqual(seedEstimate(values, "iqm", new Rng(3), { reps: 20 }));
  const m = seedEstimate(values, "mean", new Rng(3), { reps: 2000 });
  expect(m.point).toBeCloseTo(0.55, 12);
});

test("the point and the interval stay within the values' range, where Student's t leaves it", () => {
  // Two seeds of a return in [0, 1]: Student's t gives 0.335 ± 3.002.
  for (const values of [[0.1, 0.57], [0, 1], [1, 1], [0.3], [0, 0, 0, 1, 1, 1, 0.5]]) {
    for (const statistic of ["iqm", "mean"] as const) {
      const e = seedEstimate(values, statistic, new Rng(0), { reps: 2000 });
      expect(e.lo).toBeGreaterThanOrEqual(Math.min(...values));
      expect(e.hi).toBeLessThanOrEqual(Math.max(...values));
      expect(e.lo).toBeLessThanOrEqual(e.point);
      expect(e.point).toBeLessThanOrEqual(e.hi);
    }
  }
  expect(seedEstimate([0.4], "iqm", new Rng(0))).toEqual({ point: 0.4, lo: 0.4, hi: 0.4 });
});

test("no values or a non-finite one give NaN", () => {
  expect(seedEstimate([], "iqm", new Rng(0))).toEqual({ point: NaN, lo: NaN, hi: NaN });
  expect(seedEstimate([0.1, NaN], "mean", new Rng(0))).toEqual({ point: NaN, lo: NaN, hi: NaN });
  expect(seedEstimate([0.1, Infinity], "iqm", new Rng(0)).point).toBeNaN();
});
