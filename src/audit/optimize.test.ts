import { expect, test } from "vitest";
import { packageFile } from "../core/paths.js";
import { loadConfigFile } from "../core/config.js";
import { centeredRanks, OptimizeConfig, optimizeBlend } from "./optimize.js";

test("centered ranks run from −½ to ½ and share ties", () => {
  expect(centeredRanks([0.3, 0.1, 0.9])).toEqual([0, -0.5, 0.5]);
  expect(centeredRanks([1, 1, 0, 2])).toEqual([0, 0, -0.5, 0.5]);
});

test("on the misleading lava heuristic, the learned blend beats the designer's fixed weight by a margin, by turning the heuristic down", async () => {
  const config = loadConfigFile(packageFile("examples/optimize/lava-misleading.yaml"), OptimizeConfig);
  const r = await optimizeBlend(config);
  expect(r.terms).toEqual(["closer"]);
  expect(r.phi[0]).toBeLessThan(0.6);
  expect(r.phi[0]).toBeGreaterThan(-0.5);
  expect(r.learned.primary.mean).toBeGreaterThan(r.fixed.primary.mean + 0.2);
  expect(r.history).toHaveLength(config.search.generations);
  const closer = (r.spec.terms as { name?: string; weight?: number }[]).find((t) => t.name === "closer")!;
  expect(closer.weight).toBeCloseTo(r.phi[0], 12);
}, 300_000);

test("a spec without auxiliary terms is a one-line error", async () => {
  const config = OptimizeConfig.parse({ env: { id: "LavaGapS5" }, reward: { terms: [{ kind: "task" }] } });
  await expect(optimizeBlend(config)).rejects.toThrow("reward.terms: no auxiliary terms to blend");
});
