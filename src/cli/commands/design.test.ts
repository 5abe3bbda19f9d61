import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { expect, test } from "vitest";
import { parseRewardSpec } from "../../rewards/spec.js";
import { runCli } from "../../test-utils/cli.js";

const dir = mkdtempSync(join(tmpdir(), "rewardlab-design-"));
const config = join(dir, "design.yaml");
writeFileSync(config, "env: {id: DoorKey-5x5}\nnumEnvs: 4\nlearner: {algo: ppo, numSteps: 32}\nsteps: 1024\nevaluation: {episodes: 4}\n");

test("design evolves candidates, prints each with its score and the best spec, and --out writes a spec that parses", async () => {
  const out = join(dir, "best.yaml");
  const r = await runCli("design", config, "--population", "3", "--iterations", "2", "--seeds", "1", "--finalists", "2", "--final-seeds", "5-6", "--out", out);
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/^i0-0 +sparse/m);
  expect(r.out).toMatch(/^i1-2 +(mutation|crossover) +i0-\d/m);
  expect(r.out).toMatch(/finalists re-checked on seeds 5, 6: i\d-\d -?\d\.\d{3}, i\d-\d -?\d\.\d{3}/);
  expect(r.out).toMatch(/best: i\d-\d \(-?\d\.\d{3} on the final seeds\); \d+ training runs, \d+ saved by the critic and the pre-screen/);
  const spec = parse(readFileSync(out, "utf8"));
  expect(spec.terms[0]).toEqual({ name: "task", kind: "task", role: "primary" });
  expect(() => parseRewardSpec(spec)).not.toThrow();
  const json = await runCli("design", config, "--population", "3", "--iterations", "2", "--seeds", "1", "--finalists", "2", "--final-seeds", "5-6", "--json");
  const result = JSON.parse(json.out);
  expect(result.candidates).toHaveLength(4);
  // The same seed: the same lineage as the printed run.
  expect(r.out).toContain(`best: ${result.best.id} `);
}, 60_000);

test("design's bad options and configs are one-line errors, exit 2", async () => {
  const elite = await runCli("design", config, "--population", "3", "--elite", "3");
  expect(elite.code).toBe(2);
  expect(elite.err).toBe('error: --elite: expected an integer from 1 to 2, got "3"\n');
  const overlap = await runCli("design", config, "--seeds", "3", "--final-seeds", "2-6");
  expect(overlap.code).toBe(2);
  expect(overlap.err).toBe("error: --final-seeds: expected seeds no candidate is judged on; 2 is also a training seed\n");
  const bad = join(dir, "bad.yaml");
  writeFileSync(bad, "env: {id: DoorKey-5x6}\n");
  const r = await runCli("design", bad);
  expect(r.code).toBe(2);
  expect(r.err).toMatch(/^error: .*env\.id: unknown environment "DoorKey-5x6".*\n$/);
});
