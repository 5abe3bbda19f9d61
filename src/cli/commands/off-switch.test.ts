import { expect, test } from "vitest";
import { runCli } from "../../test-utils/cli.js";

test("off-switch prints the robot's choice per uncertainty and human rationality, and refuses bad lists in one line", async () => {
  const r = await runCli("off-switch", "--mean", "0.5", "--stds", "0,1", "--betas", "inf,0.3", "--json");
  expect(r.code).toBe(0);
  const { rows } = JSON.parse(r.out) as { rows: { std: number; cells: { choice: string }[] }[] };
  expect(rows.map((row) => row.cells.map((c) => c.choice))).toEqual([["wait", "act"], ["wait", "act"]]);
  const table = await runCli("off-switch");
  expect(table.out).toMatch(/^2 +wait \+0\.573/m);
  const bad = await runCli("off-switch", "--betas", "1,zero");
  expect(bad.err).toBe('error: --betas: expected a number ≥ 0, got "zero"\n');
  const zero = await runCli("off-switch", "--betas", "0");
  expect(zero.err).toBe("error: --betas: expected rationalities > 0 (inf: a rational human)\n");
});
