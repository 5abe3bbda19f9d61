import { describe, expect, test } from "vitest";
import { Rng } from "./rng.js";

describe("Rng", () => {
  test("xoshiro128** matches the reference C implementation from state {1, 2, 3, 4}", () => {
    // Produced by the authors' reference xoshiro128starstar.c compiled with gcc.
    const rng = Rng.fromState([1, 2, 3, 4]);
    const first = Array.from({ length: 10 }, () => rng.uint32());
    expect(first).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849, 3729100597, 4258142804]);
    for (let i = 0; i < 990; i++) rng.uint32();
    expect(rng.uint32()).toBe(136054147);
  });

  test("the same seed gives the same stream and different seeds differ", () => {
    const a = new Rng(7);
    const b = new Rng(7);
    const c = new Rng(8);
    const xs = Array.from({ length: 100 }, () => a.uint32());
    expect(Array.from({ length: 100 }, () => b.uint32())).toEqual(xs);
    expect(Array.from({ length: 100 }, () => c.uint32())).not.toEqual(xs);
  });

  test("seeds past 2^32 are distinct from their low 32 bits", () => {
    expect(new Rng(2 ** 32 + 5).uint32()).not.toBe(new Rng(5).uint32());
  });

  test("split gives independent streams and advances the parent", () => {
    const parent = new Rng(1);
    const a = parent.split();
    const b = parent.split();
    const xa = Array.from({ length: 50 }, () => a.uint32());
    const xb = Array.from({ length: 50 }, () => b.uint32());
    expect(xa).not.toEqual(xb);
    // Splitting is itself deterministic.
    const again = new Rng(1);
    expect(Array.from({ length: 50 }, () => again.split().uint32())[0]).toBe(xa[0]);
  });

  test("state round-trips through getState/setState", () => {
    const rng = new Rng(3);
    rng.uint32();
    const saved = rng.getState();
    const next = rng.uint32();
    rng.setState(saved);
    expect(rng.uint32()).toBe(next);
  });

  test("int(n) is uniform: chi-square over 10 bins stays below the 0.999 quantile", () => {
    const rng = new Rng(11);
    const counts = new Array(10).fill(0);
    const n = 100_000;
    for (let i = 0; i < n; i++) counts[rng.int(10)]++;
    const expected = n / 10;
    const chi2 = counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(27.88); // χ²(9) 0.999 quantile
  });

  test("normal draws have mean 0 and variance 1", () => {
    const rng = new Rng(5);
    const n = 200_000;
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      const x = rng.normal();
      sum += x;
      sq += x * x;
    }
    expect(Math.abs(sum / n)).toBeLessThan(0.01);
    expect(Math.abs(sq / n - 1)).toBeLessThan(0.015);
  });

  test("beta draws have the Beta(2, 5) mean", () => {
    const rng = new Rng(9);
    let sum = 0;
    for (let i = 0; i < 50_000; i++) sum += rng.beta(2, 5);
    expect(sum / 50_000).toBeCloseTo(2 / 7, 2);
  });

  test("float stays in [0, 1) and shuffle is a permutation", () => {
    const rng = new Rng(2);
    for (let i = 0; i < 10_000; i++) {
      const x = rng.float();
      expect(x >= 0 && x < 1).toBe(true);
    }
    const xs = rng.shuffle([0, 1, 2, 3, 4, 5, 6, 7]);
    expect([...xs].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  test("bad arguments are rejected with the expected range", () => {
    expect(() => new Rng(0.5)).toThrow(/seed: expected a safe integer/);
    expect(() => new Rng(1).int(0)).toThrow(/expected 1 ≤ n/);
  });

  test("int(n) is u mod n of the first 32-bit draw below 2^32 − (2^32 mod n), for every kind of n", () => {
    for (const n of [1, 2, 3, 4, 5, 7, 8, 1000, 1024, 2 ** 31 - 1, 2 ** 31, 2 ** 31 + 1, 2 ** 32 - 1, 2 ** 32]) {
      const a = new Rng(n);
      const b = new Rng(n);
      const limit = 2 ** 32 - (2 ** 32 % n);
      for (let k = 0; k < 2000; k++) {
        let u = b.uint32();
        while (u >= limit) u = b.uint32();
        expect(a.int(n)).toBe(u % n);
      }
    }
  });
});

