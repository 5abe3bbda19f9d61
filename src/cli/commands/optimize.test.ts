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
  expect(r.out).toMatch(/generation 1: φ = \[1\.00\], primary return mean \d\.\d{3}, best \d\.\d{3}/);
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
