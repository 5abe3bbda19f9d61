import { expect, test } from "vitest";
import { Rng } from "./rng.js";
import { Box, Discrete, MultiDiscrete, describeSpace } from "./spaces.js";

test("Discrete samples and contains its integers only", () => {
  const s = new Discrete(3, 1);
  const rng = new Rng(0);
  const seen = new Set<number>();
  for (let i = 0; i < 200; i++) seen.add(s.sample(rng));
  expect([...seen].sort()).toEqual([1, 2, 3]);
  expect(s.contains(0)).toBe(false);
  expect(s.contains(2.5)).toBe(false);
  expect(s.contains(3)).toBe(true);
  expect(s.size).toBe(1);
  expect(() => new Discrete(0)).toThrow(/positive integer/);
});

test("MultiDiscrete samples each entry within its own range", () => {
  const s = new MultiDiscrete([2, 5]);
  const rng = new Rng(1);
  for (let i = 0; i < 100; i++) expect(s.contains(Array.from(s.sample(rng)))).toBe(true);
  expect(s.contains([2, 0])).toBe(false);
  expect(s.contains([1])).toBe(false);
});

test("Box samples within bounds, broadcasts scalars, and flattens its shape", () => {
  const s = new Box(-1, 2, [2, 3]);
  expect(s.size).toBe(6);
  const rng = new Rng(2);
  for (let i = 0; i < 100; i++) expect(s.contains(s.sample(rng))).toBe(true);
  expect(s.contains([0, 0, 0, 0, 0, 3])).toBe(false);
  const unbounded = new Box(-Infinity, Infinity, [4]);
  expect(unbounded.sample(rng).every(Number.isFinite)).toBe(true);
  expect(() => new Box([1, 0], [0, 1])).toThrow(/low ≤ high at entry 0/);
  expect(describeSpace(s)).toEqual({ type: "Box", shape: [2, 3], low: -1, high: 2 });
});
