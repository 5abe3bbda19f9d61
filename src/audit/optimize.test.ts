import { expect, test } from "vitest";
import { packageFile } from "../core/paths.js";
import { loadConfigFile } from "../core/config.js";
import { mean } from "../core/stats.js";
import { centeredRanks, episodeSeeds, OptimizeConfig, optimizeBlend, optimizeSeeds } from "./optimize.js";

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
  const meanPrimary = (d: typeof r.fixed) => mean(d.runs.map((run) => run.finalPrimary));
  expect(meanPrimary(r.learned)).toBeGreaterThan(meanPrimary(r.fixed) + 0.2);
  expect(r.history).toHaveLength(config.search.generations);
  const closer = (r.spec.terms as { name?: string; weight?: number }[]).find((t) => t.name === "closer")!;
  expect(closer.weight).toBeCloseTo(r.phi[0], 12);
}, 300_000);

test("a spec without auxiliary terms is a one-line error", async () => {
  const config = OptimizeConfig.parse({ env: { id: "LavaGapS5" }, reward: { terms: [{ kind: "task" }] } });
  await expect(optimizeBlend(config)).rejects.toThrow("reward.terms: no auxiliary terms to blend");
});

test("evaluation seeds: a count starts at 1,000,000 as before, a list is taken as given, and either must miss every training seed", () => {
  const base = { env: { id: "LavaGapS5" }, seeds: [0, 1], search: { generations: 3 } };
  const count = optimizeSeeds(OptimizeConfig.parse(base));
  expect(count.evaluation).toEqual([1_000_000, 1_000_001, 1_000_002, 1_000_003, 1_000_004]);
  expect(count.search).toEqual([0, 1]);
  expect(count.generations).toEqual([[1000, 1001], [2000, 2001], [3000, 3001]]);
  expect(count.training).toEqual([1000, 1001, 2000, 2001, 3000, 3001]);
  expect(optimizeSeeds(OptimizeConfig.parse({ ...base, evaluate: { seeds: 2 } })).evaluation).toEqual([1_000_000, 1_000_001]);
  expect(optimizeSeeds(OptimizeConfig.parse({ ...base, evaluate: { seeds: [0, 1, 7] } })).evaluation).toEqual([0, 1, 7]);
  const overlapping = OptimizeConfig.parse({ ...base, evaluate: { seeds: [5, 2001] } });
  expect(() => optimizeSeeds(overlapping)).toThrow("evaluate.seeds: seed 2001 is also trained on (generation 2 trains on the seeds [0, 1] + 2000); training and evaluation seeds must be disjoint");
  expect(() => optimizeSeeds(overlapping, "--eval-seeds")).toThrow(/^--eval-seeds: seed 2001 /);
  expect(() => OptimizeConfig.parse({ ...base, evaluate: { seeds: [3, 3] } })).toThrow("expected distinct seeds");
});

test("the final comparison plays evaluation episodes disjoint from those the search scores candidates on", () => {
  for (const evaluation of [{}, { seed: 0, episodes: 100_000 }, { seed: 12_345, episodes: 7 }]) {
    const { episodes } = optimizeSeeds(OptimizeConfig.parse({ env: { id: "LavaGapS5" }, evaluation }));
    const search = episodeSeeds(episodes.search, episodes.count);
    const final = new Set(episodeSeeds(episodes.final, episodes.count));
    expect(search).toHaveLength(episodes.count);
    expect(final.size).toBe(episodes.count);
    expect(search.filter((s) => final.has(s))).toEqual([]);
  }
  const defaults = optimizeSeeds(OptimizeConfig.parse({ env: { id: "LavaGapS5" } })).episodes;
  expect(defaults).toEqual({ search: 2 ** 31, final: 2 ** 31 + 1_000_000_000, count: 32 });
});

test("optimizeBlend trains and evaluates on the seeds it reports", async () => {
  const config = OptimizeConfig.parse({
    env: { id: "LavaGapS5" },
    reward: { terms: [{ kind: "task" }, { name: "closer", kind: "expression", expr: "-0.1 * goal.distance" }] },
    learner: { algo: "q-learning" },
    steps: 1000,
    seeds: [3],
    search: { generations: 2, pairs: 1 },
    evaluate: { seeds: [7, 8] },
    evaluation: { seed: 100, episodes: 4 },
  });
  const r = await optimizeBlend(config);
  expect(r.seeds.evaluation).toEqual([7, 8]);
  expect(r.seeds.episodes).toEqual({ search: 100, final: 1_000_000_100, count: 4 });
  expect(r.seeds.training).toEqual([1003, 2003]);
  expect(r.history.map((g) => g.seeds)).toEqual([[1003], [2003]]);
  expect(r.fixed.runs.map((run) => run.seed)).toEqual([7, 8]);
  expect(r.learned.runs.map((run) => run.seed)).toEqual([7, 8]);
  // Each generation's IQM over its runs, with an interval inside the primary return's range [0, 1] and around the IQM; J's best is the best candidate's mean over seeds.
  for (const g of r.history) {
    expect(g.perSeed).toHaveLength(1);
    expect(g.bestPerSeed).toHaveLength(1);
    expect(g.best).toBe(g.bestPerSeed[0]);
    expect(g.iqm.lo).toBeGreaterThanOrEqual(0);
    expect(g.iqm.hi).toBeLessThanOrEqual(1);
    expect(g.iqm.lo).toBeLessThanOrEqual(g.iqm.point);
    expect(g.iqm.point).toBeLessThanOrEqual(g.iqm.hi);
  }
}, 60_000);
