import { expect, test } from "vitest";
import { shapingInvariance } from "./invariance.js";
import { fitPotential, teacherDesign } from "./teacher.js";

test("a teacher's V* shaping makes Q-learning optimal within a few episodes, the interpretable potential within tens, the sparse reward not within the budget; the interpretable spec keeps the optimal policy", () => {
  for (const env of ["DoorKey-5x5", "LavaGapS5"]) {
    const r = teacherDesign(env, { seed: 1, runs: 6, episodes: 1000 });
    const [sparse, informative, interpretable] = r.designs;
    expect(informative.median).toBeLessThanOrEqual(3);
    expect(interpretable.median).toBeLessThan(30);
    expect(informative.median).toBeLessThanOrEqual(interpretable.median);
    expect(sparse.median).toBeGreaterThan(4 * interpretable.median);
    expect(r.r2).toBeGreaterThan(0.8);
    const invariance = shapingInvariance(env, { terms: [{ kind: "task" }, { kind: "potential", phi: r.phi, gamma: r.gamma }] }, { seed: 1, gamma: r.gamma });
    expect(invariance.differing).toEqual([]);
  }
});

test("the potential fit recovers a linear value exactly, naming the features it uses", () => {
  const x = Float64Array.from({ length: 50 }, (_, i) => i % 7);
  const y = Float64Array.from({ length: 50 }, (_, i) => Math.floor(i / 7));
  const noise = Float64Array.from({ length: 50 }, (_, i) => Math.sin(i * 12.9898) * 0.5);
  const V = x.map((v, i) => 2 * v - 0.5 * y[i] + 3);
  const fit = fitPotential(new Map([["a.x", x], ["a.y", y], ["noise", noise]]), V, 2);
  expect(fit.r2).toBeCloseTo(1, 10);
  expect(fit.weights["a.x"]).toBeCloseTo(2, 10);
  expect(fit.weights["a.y"]).toBeCloseTo(-0.5, 10);
  expect(fit.expression).toBe("2.000 * a.x - 0.500 * a.y");
});
