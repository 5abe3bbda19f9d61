import { expect, test } from "vitest";
import { packageFile } from "../../core/paths.js";
import { runCli } from "../../test-utils/cli.js";

test("reward invariance: the potential example is invariant, the naive one misleads states and shows where", async () => {
  const potential = await runCli("reward", "invariance", packageFile("examples/rewards/doorkey-potential.yaml"), "--env", "DoorKey-5x5", "--seed", "1");
  expect(potential.code).toBe(0);
  expect(potential.out).toContain("invariant: every state keeps its optimal actions (260 states)");
  const naive = await runCli("reward", "invariance", packageFile("examples/rewards/doorkey-naive.yaml"), "--env", "DoorKey-5x5", "--seed", "1", "--json");
  const r = JSON.parse(naive.out) as { misled: number[]; primaryOptimum: number; primaryUnderLearned: number; cells: Record<string, number> };
  expect(r.misled.length).toBeGreaterThan(50);
  expect(r.primaryUnderLearned).toBeLessThan(r.primaryOptimum / 2);
  expect(Object.values(r.cells).reduce((s, v) => s + v, 0)).toBe(r.misled.length);
  const bad = await runCli("reward", "invariance", packageFile("examples/rewards/doorkey-naive.yaml"), "--env", "DoorKey-5x5", "--gamma", "1");
  expect(bad.err).toBe('error: --gamma: expected a number in [0, 1), got "1"\n');
});
