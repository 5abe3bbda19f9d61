import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { readDemonstrations } from "../../learn/demos/demos.js";
import { runCli } from "../../test-utils/cli.js";

test("demos record writes the planner's winning episodes", async () => {
  const out = join(mkdtempSync(join(tmpdir(), "rewardlab-demos-")), "d.jsonl");
  const r = await runCli("demos", "record", "--env", "DoorKey-5x5", "--episodes", "5", "--out", out);
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/^5 of 5 episodes solved by the planner \(\d+ steps, [\d.]+ per episode\) appended to /);
  expect(readDemonstrations(out).map((d) => d.seed)).toEqual([0, 1, 2, 3, 4]);
  const bad = await runCli("demos", "record", "--env", "CartPole-v1", "--out", out);
  expect(bad.err).toBe("error: --env: the planner solves gridworlds; CartPole-v1 is a control environment\n");
});
