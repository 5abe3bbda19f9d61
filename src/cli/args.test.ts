import { expect, test } from "vitest";
import { formatSeeds, seedCount, seedsOption } from "./args.js";

test("--seeds: a count, a list, ranges, and lists of ranges", () => {
  expect(seedsOption("3")).toEqual([0, 1, 2]);
  expect(seedsOption(" 1 ")).toEqual([0]);
  expect(seedsOption("7,8,9")).toEqual([7, 8, 9]);
  expect(seedsOption("5, 6")).toEqual([5, 6]);
  expect(seedsOption("10-13")).toEqual([10, 11, 12, 13]);
  expect(seedsOption("7-7")).toEqual([7]);
  expect(seedsOption("0,5-7,2")).toEqual([0, 5, 6, 7, 2]);
  expect(seedsOption("2", "--eval-seeds", { first: 1_000_000 })).toEqual([1_000_000, 1_000_001]);
});

test("--seeds: bad input is one error naming the option and what was expected", () => {
  const expected = "expected a count (3: seeds 0, 1, 2), a list of distinct seeds (7,8,9) or a range (10-19; one seed: 7-7)";
  const error = (value: string | undefined, min?: number) => {
    try {
      seedsOption(value, "--seeds", { min });
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error(`no error for ${value}`);
  };
  expect(error("7,8,7")).toBe(`--seeds: ${expected}, got "7,8,7": seed 7 is named twice`);
  expect(error("1-3,2")).toBe(`--seeds: ${expected}, got "1-3,2": seed 2 is named twice`);
  expect(error("lots")).toBe(`--seeds: ${expected}, got "lots"`);
  expect(error("1,x")).toBe(`--seeds: ${expected}, got "x" in "1,x"`);
  expect(error("1,-2")).toBe(`--seeds: ${expected}, got "-2" (seeds are non-negative) in "1,-2"`);
  expect(error("1.5")).toBe(`--seeds: ${expected}, got "1.5"`);
  expect(error("1,,2")).toBe(`--seeds: ${expected}, got "" in "1,,2"`);
  expect(error("9-3")).toBe(`--seeds: ${expected}, got the range "9-3", which runs backwards`);
  expect(error("0")).toBe(`--seeds: ${expected}, got "0": a count from 1 to 10,000`);
  expect(error("")).toBe(`--seeds: ${expected}, got ""`);
  expect(error(undefined)).toBe(`--seeds: ${expected}, got undefined`);
  expect(error("0-99999")).toMatch(/more than 10,000 seeds$/);
  expect(error("5,6", 3)).toBe(`--seeds: ${expected}, at least 3 seeds, got "5,6": 2 seeds`);
  expect(error("5,6,6")).not.toContain("\n");
});

test("seeds print as ranges of consecutive seeds", () => {
  expect(formatSeeds([0, 1, 2, 3, 4])).toBe("0–4");
  expect(formatSeeds([0, 1, 2, 7, 9, 10])).toBe("0–2, 7, 9–10");
  expect(formatSeeds([5])).toBe("5");
  expect(seedCount([0, 1, 2])).toBe("3 seeds");
  expect(seedCount([0])).toBe("1 seed");
  expect(seedCount([5, 6])).toBe("2 seeds (5–6)");
});
