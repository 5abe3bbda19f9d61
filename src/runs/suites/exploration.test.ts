import { expect, test } from "vitest";
import { summarize } from "../compare.js";
import type { RunSummary } from "../train.js";
import { explorationSuite, formatSuite, suiteCell } from "./exploration.js";

/** A bonus whose seeds ended with these success rates; a first success at 10k·(seed + 1) steps where the rate is above 0. */
function bonus(name: string, success: number[]) {
  const runs = success.map((finalSuccess, seed) => ({ name, seed, finalPrimary: finalSuccess, finalSuccess, firstSuccess: finalSuccess > 0 ? 10_000 * (seed + 1) : null, stepsToThreshold: null, resultFrom: "training", evaluations: [], termReturns: {} }) as unknown as RunSummary);
  return summarize(name, runs);
}

const [entry] = explorationSuite({ steps: 1000, seeds: 5, tasks: ["Empty-5x5"], variants: ["singleton"] });

test("a cell is the IQM over seeds with its interval inside the seeds' range, every seed's value, and first success over the seeds that had one", () => {
  const c = suiteCell(bonus("b", [0, 0.2, 1, 0.9, 0]));
  expect(c.success.perSeed).toEqual([0, 0.2, 1, 0.9, 0]);
  expect(c.success.lo).toBeGreaterThanOrEqual(0);
  expect(c.success.hi).toBeLessThanOrEqual(1);
  expect(c.success.lo).toBeLessThanOrEqual(c.success.point);
  expect(c.success.point).toBeLessThanOrEqual(c.success.hi);
  expect(c.firstSuccess.perSeed).toEqual([null, 20_000, 30_000, 40_000, null]);
  expect(c.firstSuccess).toMatchObject({ reached: 3, runs: 5 });
  expect(c.firstSuccess.lo).toBeGreaterThanOrEqual(20_000);
  expect(c.firstSuccess.hi).toBeLessThanOrEqual(40_000);
  expect(suiteCell(bonus("none", [0, 0])).firstSuccess.point).toBeNaN();
});

test("the table prints each seed's values and calls a bonus better only on its evidence", () => {
  const text = formatSuite([{ entry, summaries: [bonus("none", [0, 0, 0.05, 0, 0]), bonus("count", [0.9, 0.8, 0.95, 0.85, 0.9]), bonus("rnd", [0.9, 0.75, 0.95, 0.8, 0.85])] }]);
  expect(text).toMatch(/count +0\.88 \[0\.\d\d, 0\.\d\d\] +30k \[\d+k, \d+k\] \(5\/5\)/);
  expect(text).toContain("seeds 0, 1, 2, 3, 4: success 0.00 0.00 0.05 0.00 0.00; first success — — 30k — —");
  // Disjoint seeds, 5 each: better, with P's interval; overlapping seeds: no clear difference.
  expect(text).toMatch(/count better than none on success: P\(count > none\) = 1\.00 \[1\.00, 1\.00\]/);
  expect(text).toMatch(/No clear difference between count and rnd on success: P\(count > rnd\) = 0\.\d\d \[0\.\d\d, [01]\.\d\d\]/);
  expect(text).not.toContain("±");
});

test("with fewer than 5 seeds no bonus is called better", () => {
  const text = formatSuite([{ entry, summaries: [bonus("none", [0, 0]), bonus("count", [0.9, 0.8])] }]);
  expect(text).not.toMatch(/better than/);
  expect(text).toContain("count vs none on success: too few seeds for a verdict (5 each needed): P(count > none) = 1.00 [1.00, 1.00]");
});
