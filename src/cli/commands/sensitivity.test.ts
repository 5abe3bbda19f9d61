import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { packageFile } from "../../core/paths.js";
import { runCli } from "../../test-utils/cli.js";

test("reward sensitivity prints the table and the cliff, writes an SVG plot, and refuses bad options in one line", async () => {
  const plot = join(mkdtempSync(join(tmpdir(), "rewardlab-sensitivity-")), "cliff.svg");
  const spec = packageFile("examples/rewards/doorkey-sparse.yaml");
  const r = await runCli("reward", "sensitivity", spec, "--env", "DoorKey-5x5", "--seed", "1", "--sizes", "1e-6,0.1", "--draws", "2", "--plot", plot);
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/cliff +ε = 0\.000001/);
  expect(r.out).toMatch(/states have tied optimal actions; 100% of the states that changed/);
  const svg = readFileSync(plot, "utf8");
  expect(svg.startsWith("<svg")).toBe(true);
  expect(svg.match(/<polyline/g)).toHaveLength(3);
  const bad = await runCli("reward", "sensitivity", spec, "--env", "DoorKey-5x5", "--perturb", "rewards");
  expect(bad.err).toBe('error: --perturb: expected noise or weights, got "rewards"\n');
  const cartpole = await runCli("reward", "sensitivity", spec, "--env", "CartPole-v1");
  expect(cartpole.err).toMatch(/^error: --env: the exact sensitivity analysis needs a deterministic gridworld/);
});
