import { expect, test } from "vitest";
import { runCli } from "../../test-utils/cli.js";

test("the demo compares its three designs over five seeds on held-out evaluation episodes and gives a verdict only with evidence", async () => {
  // A budget too small to learn anything: every design scores 0, so no design may be called better.
  const r = await runCli("demo", "--steps", "1024", "--no-report", "--no-db", "--workers", "1");
  expect(r.code, r.err).toBe(0);
  expect(r.out).toContain("rewardlab demo: PPO on DoorKey-6x6 (sparse reward) under 3 reward designs, 5 seeds each");
  // Each design's row, then its five seeds' values.
  for (const design of ["sparse", "naive", "potential"]) expect(r.out).toMatch(new RegExp(`\\n${design} .*\\n +seeds 0, 1, 2, 3, 4: primary( \\d\\.\\d{3}){5}; success( \\d\\.\\d\\d){5}\\n`));
  expect(r.out).toContain("of the final policy (sampled) over 32 evaluation episodes per run on held-out seeds");
  expect(r.out).toMatch(/No clear difference on the primary reward between \w+ \(IQM [\d.]+\) and \w+ \(P\(\w+ > \w+\) = [\d.]+ \[[\d.]+, [\d.]+\]\)/);
  expect(r.out).not.toContain("is better than");
}, 120_000);
