import { expect, test } from "vitest";
import { humanAllows, normalCdf, offSwitchGame } from "./off-switch.js";

test("Φ matches known values", () => {
  expect(normalCdf(0)).toBeCloseTo(0.5, 7);
  expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
  expect(normalCdf(-1)).toBeCloseTo(0.158655254, 6);
});

test("with a rational human, the robot defers whenever it is uncertain of the action's sign, and is indifferent when certain (Theorem 1)", () => {
  for (const mean of [-2, -0.3, 0, 0.3, 2]) {
    for (const std of [0.1, 0.5, 1, 3]) {
      const g = offSwitchGame({ mean, std }, Infinity);
      expect(g.incentive).toBeGreaterThan(0);
      expect(g.choice).toBe("wait");
    }
    const certain = offSwitchGame({ mean, std: 0 }, Infinity);
    expect(certain.incentive).toBe(0);
  }
});

test("the closed form for a rational human agrees with numerical integration against a nearly rational one", () => {
  for (const [mean, std] of [[0.5, 1], [-0.5, 1], [1, 0.4], [0, 2]]) {
    const rational = offSwitchGame({ mean, std }, Infinity);
    const nearly = offSwitchGame({ mean, std }, 1e4);
    expect(nearly.wait).toBeCloseTo(rational.wait, 4);
  }
});

test("a certain robot facing an irrational human does not defer; enough uncertainty makes it defer again; a noisier human needs more", () => {
  for (const beta of [0.5, 1, 4]) {
    for (const mean of [-1, 1]) {
      const g = offSwitchGame({ mean, std: 0 }, beta);
      expect(g.incentive).toBeLessThan(0);
      expect(g.choice).toBe(mean > 0 ? "act" : "off");
    }
  }
  // μ = 0.5: the uncertainty at which deferring starts grows as the human gets noisier.
  const threshold = (beta: number) => {
    for (let std = 0; std < 20; std += 0.01) if (offSwitchGame({ mean: 0.5, std }, beta).choice === "wait") return std;
    return Infinity;
  };
  const thresholds = [8, 4, 2].map(threshold);
  expect(thresholds[0]).toBeLessThan(thresholds[1]);
  expect(thresholds[1]).toBeLessThan(thresholds[2]);
  expect(thresholds[2]).toBeLessThan(20);
  // And Δ falls as β falls, at fixed belief.
  const deltas = [Infinity, 10, 3, 1, 0.3].map((beta) => offSwitchGame({ mean: 0.5, std: 1 }, beta).incentive);
  for (let k = 1; k < deltas.length; k++) expect(deltas[k]).toBeLessThan(deltas[k - 1]);
  expect(humanAllows(0, 1)).toBe(0.5);
  expect(() => offSwitchGame({ mean: 0, std: -1 }, 1)).toThrow("std must be ≥ 0");
});
