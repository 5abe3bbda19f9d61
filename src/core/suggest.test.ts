import { expect, test } from "vitest";
import { closest, didYouMean, editDistance } from "./suggest.js";

test("edit distance counts insertions, deletions and substitutions", () => {
  expect(editDistance("kitten", "sitting")).toBe(3);
  expect(editDistance("DoorKey", "doorkey")).toBe(0);
  expect(editDistance("", "abc")).toBe(3);
});

test("closest ranks near names first and drops far ones", () => {
  const known = ["DoorKey-5x5", "DoorKey-8x8", "Empty-8x8", "CartPole-v1"];
  expect(closest("DoorKey-8x9", known)[0]).toBe("DoorKey-8x8");
  expect(closest("zzzzzz", known)).toEqual([]);
  expect(didYouMean("cartpol-v1", known)).toBe(' (did you mean "CartPole-v1"?)');
});
