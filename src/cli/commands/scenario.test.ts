import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { runCli } from "../../test-utils/cli.js";

test("scenario: stored runs of a multi-agent comparison meet a background rule; focal returns beside their own, over seeds; bad input is one line", async () => {
  const dir = mkdtempSync(join(tmpdir(), "rewardlab-scenario-"));
  const db = join(dir, "runs.db");
  const config = join(dir, "pd.yaml");
  writeFileSync(config, "env: {id: PrisonersDilemma, kwargs: {rounds: 5}}\nnumEnvs: 2\nsteps: 1024\nlearner: {algo: ppo, numSteps: 32}\nevaluation: {episodes: 4}\ncheckpoint: {steps: 256, keep: true}\n");
  const train = await runCli("train", config, "--seeds", "2", "--db", db, "--no-report");
  expect(train.code, train.err).toBe(0);
  const comparison = /comparison (c[\w-]+)/.exec(train.out + train.err)![1];
  const r = await runCli("scenario", comparison, "--background", "action:1", "--seats", "1", "--tables", "6", "--db", db);
  expect(r.code, r.err).toBe(0);
  expect(r.out).toMatch(/^PrisonersDilemma: seats 1 of each table played by action:1; 6 episodes per run/);
  // The background always defects: it earns 1 or 5 a round, so between 5 and 25 over 5 rounds.
  const row = /\n(\S+) +(\d+\.\d\d) \[\d+\.\d\d, \d+\.\d\d\] +(\d+\.\d\d) \[[^\]]+\] +(\d+\.\d\d) \[[^\]]+\]\n +seeds 0, 1: with background/.exec(r.out);
  expect(row).not.toBeNull();
  expect(Number(row![4])).toBeGreaterThanOrEqual(5);
  expect(Number(row![4])).toBeLessThanOrEqual(25);
  // Seed 1's trained policy as the background of both runs.
  const other = /runs (\S+), (\S+)/.exec(train.out + train.err)![2];
  const vs = await runCli("scenario", comparison, "--background", `run:${other}`, "--tables", "4", "--db", db);
  expect(vs.code, vs.err).toBe(0);
  expect(vs.out).toMatch(new RegExp(`played by run:${other}; 4 episodes per run`));
  // The same run's policy as it was at its first checkpoint (an earlier, less trained policy).
  const early = await runCli("scenario", comparison, "--background", `run:${other}@512`, "--tables", "4", "--db", db);
  expect(early.code, early.err).toBe(0);
  expect(early.out).toMatch(new RegExp(`played by run:${other}@512; 4 episodes per run`));
  for (const [args, message] of [
    [["--background", "defect"], /^error: --background: expected random, action:N with N from 0 to 1, run:ID or run:ID@STEP, got "defect"\n$/],
    [["--background", `run:${other}@0`], new RegExp(`^error: --background: run ${other} has no checkpoint at or before step 0 to take its policy from\n$`)],
    [["--background", `run:${other}@soon`], /^error: --background: expected an integer/],
    [["--background", "run:nope"], /^error: --background: /],
    [["--background", "random", "--seats", "3"], /^error: --seats: expected seat indices from 0 to 1, got 3\n$/],
    [["--seats", "1"], /^error: --background: expected random, action:N, run:ID or run:ID@STEP/],
  ] as const) {
    const bad = await runCli("scenario", comparison, ...args, "--db", db);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(message);
  }
}, 60_000);
