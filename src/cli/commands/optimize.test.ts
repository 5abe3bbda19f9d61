import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { parse } from "yaml";
import { runCli } from "../../test-utils/cli.js";

test("optimize prints each generation and the comparison on fresh seeds, writes the blended spec, and refuses bad configs in one line", async () => {
  const dir = mkdtempSync(join(tmpdir(), "rewardlab-optimize-"));
  const config = join(dir, "blend.yaml");
  writeFileSync(config, "env: {id: LavaGapS5}\nreward:\n  terms:\n    - {kind: task}\n    - {name: closer, kind: expression, expr: '-0.1 * goal.distance'}\nlearner: {algo: q-learning}\nsteps: 3000\nseeds: [0]\nsearch: {generations: 2, pairs: 1}\nevaluate: {seeds: 2}\n");
  const out = join(dir, "blended.yaml");
  const r = await runCli("optimize", config, "--out", out, "--workers", "1");
  expect(r.err).not.toMatch(/error/);
  expect(r.out).toMatch(/generation 1: φ = \[1\.00\], primary return IQM (\d\.\d{3}) \[(\d\.\d{3}), (\d\.\d{3})\] over 2 candidates × 1 seed \(per seed \d\.\d{3}\), mean \d\.\d{3}, best \d\.\d{3} \(per seed \d\.\d{3}\)/);
  // The fresh-seed comparison says whether the learned blend is better, with its evidence (2 seeds: too few to call it).
  expect(r.out).toMatch(/with 2 seeds per design no design is called better|No clear difference/);
  expect(r.out).toMatch(/generation 2: φ = \[-?\d\.\d\d\]/);
  expect(r.out).toMatch(/fixed weights +\d\.\d{3}/);
  expect(r.out).toMatch(/learned blend +\d\.\d{3}/);
  const spec = parse(readFileSync(out, "utf8")) as { terms: { name?: string; weight?: number }[] };
  expect(spec.terms[1].name).toBe("closer");
  expect(typeof spec.terms[1].weight).toBe("number");
  writeFileSync(config, "env: {id: LavaGapS5}\nsearch: {generation: 2}\n");
  const bad = await runCli("optimize", config);
  expect(bad.code).toBe(2);
  expect(bad.err).toMatch(/^error: search: unknown key "generation"/);
});

test("optimize's seeds: --seeds and --eval-seeds override the config, both are printed and in the JSON, and an overlap is a one-line error", async () => {
  const dir = mkdtempSync(join(tmpdir(), "rewardlab-optimize-seeds-"));
  const config = join(dir, "blend.yaml");
  writeFileSync(config, "env: {id: LavaGapS5}\nreward:\n  terms:\n    - {kind: task}\n    - {name: closer, kind: expression, expr: '-0.1 * goal.distance'}\nlearner: {algo: q-learning}\nsteps: 1000\nseeds: [0]\nsearch: {generations: 2, pairs: 1}\nevaluate: {seeds: [40, 41]}\n");
  const text = await runCli("optimize", config, "--workers", "1");
  expect(text.code).toBe(0);
  expect(text.out).toContain("Training seeds: 0 + 1000·g in generation g (1000 … 2000); evaluation seeds: 40–41");
  expect(text.out).toContain("On 2 fresh seeds (40–41) and evaluation episodes from seed 3147483648:");
  const json = await runCli("optimize", config, "--workers", "1", "--seeds", "5,6", "--eval-seeds", "7-9", "--json");
  expect(json.code).toBe(0);
  const r = JSON.parse(json.out) as { seeds: { search: number[]; training: number[]; evaluation: number[] }; history: { seeds: number[] }[]; fixed: unknown };
  expect(r.seeds).toEqual({ search: [5, 6], generations: [[1005, 1006], [2005, 2006]], training: [1005, 1006, 2005, 2006], evaluation: [7, 8, 9], episodes: { search: 2 ** 31, final: 2 ** 31 + 1e9, count: 32 } });
  expect(r.history.map((g) => g.seeds)).toEqual([[1005, 1006], [2005, 2006]]);
  expect(r.fixed).toHaveProperty("primaryIqm");
  expect(r.fixed).toHaveProperty("perSeed");
  const count = await runCli("optimize", config, "--workers", "1", "--eval-seeds", "1", "--json");
  expect((JSON.parse(count.out) as { seeds: { evaluation: number[] } }).seeds.evaluation).toEqual([1_000_000]);
  const overlap = await runCli("optimize", config, "--seeds", "5", "--eval-seeds", "1003,7");
  expect(overlap.code).toBe(2);
  expect(overlap.err).toBe("error: --eval-seeds: seed 1003 is also trained on (generation 1 trains on the seeds [0, 1, 2, 3, 4] + 1000); training and evaluation seeds must be disjoint\n");
  writeFileSync(config, "env: {id: LavaGapS5}\nreward: {terms: [{kind: task}, {name: closer, kind: expression, expr: '-0.1 * goal.distance'}]}\nseeds: [0]\nevaluate: {seeds: [2000]}\n");
  const fromConfig = await runCli("optimize", config);
  expect(fromConfig.err).toBe("error: evaluate.seeds: seed 2000 is also trained on (generation 2 trains on the seeds [0] + 2000); training and evaluation seeds must be disjoint\n");
  const bad = await runCli("optimize", config, "--eval-seeds", "2,2");
  expect(bad.err).toMatch(/^error: --eval-seeds: expected a count \(3: seeds 1000000, 1000001, 1000002\), a list of distinct seeds \(7,8,9\) or a range \(10-19; one seed: 7-7\), got "2,2": seed 2 is named twice\n$/);
}, 120_000);
