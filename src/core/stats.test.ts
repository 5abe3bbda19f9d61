import { expect, test } from "vitest";
import { ranks, spearman } from "./stats.js";

test("Spearman's ρ is Pearson's over ranks, ties sharing their mean rank (scipy.stats.spearmanr 1.17.1 gives 0.8207826816681233 = 8/√95 here)", () => {
  expect(spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7])).toBeCloseTo(8 / Math.sqrt(95), 12);
  expect(spearman([1, 2, 3, 4], [1, 8, 27, 64])).toBe(1);
  expect(spearman([1, 2, 3], [3, 2, 1])).toBe(-1);
  expect(spearman([1, 2], [1, 2])).toBeNaN();
  expect(ranks([10, 30, 20, 20])).toEqual([0, 3, 1.5, 1.5]);
});
