/**
 * `--seeds` on every command that trains: a count, a list or a range, each
 * seed trained as named, and bad input one line with exit 2.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, test } from "vitest";
import { openStore } from "../../runs/store/index.js";
import { runCli } from "../../test-utils/cli.js";

const dir = mkdtempSync(join(tmpdir(), "rewardlab-seeds-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const config = file("empty.yaml", "env: {id: Empty-5x5}\nnumEnvs: 4\nlearner: {algo: ppo, numSteps: 64}\nsteps: 512\nseeds: [0]\n");

async function storedSeeds(db: string): Promise<number[]> {
  const store = await openStore(db, { create: false });
  try {
    return (await store.listRuns()).map((r) => r.seed).sort((a, b) => a - b);
  } finally {
    await store.close();
  }
}

test("train --seeds 5,6 trains and stores seeds 5 and 6; a range and a count work too", async () => {
  const db = join(dir, "train.db");
  const r = await runCli("train", config, "--seeds", "5,6", "--workers", "1", "--no-report", "--db", db);
  expect(r.err).not.toMatch(/error/);
  expect(r.code).toBe(0);
  expect(r.err).toContain("empty seed 5:");
  expect(r.err).toContain("empty seed 6:");
  expect(await storedSeeds(db)).toEqual([5, 6]);
  const range = join(dir, "range.db");
  expect((await runCli("train", config, "--seeds", "10-11", "--workers", "1", "--no-report", "--db", range)).code).toBe(0);
  expect(await storedSeeds(range)).toEqual([10, 11]);
  const count = join(dir, "count.db");
  expect((await runCli("train", config, "--seeds", "2", "--workers", "1", "--no-report", "--db", count)).code).toBe(0);
  expect(await storedSeeds(count)).toEqual([0, 1]);
}, 60_000);

test("compare --seeds 5,6 trains every design on seeds 5 and 6", async () => {
  const a = file("a.yaml", "terms: [{kind: task}]\n");
  const b = file("b.yaml", "terms: [{kind: task}, {kind: expression, name: step, expr: '-0.01'}]\n");
  const db = join(dir, "compare.db");
  const r = await runCli("compare", config, "--rewards", `${a},${b}`, "--seeds", "5,6", "--workers", "2", "--no-report", "--db", db);
  expect(r.code).toBe(0);
  for (const design of ["a", "b"]) for (const seed of [5, 6]) expect(r.err).toContain(`${design} seed ${seed}:`);
  expect(await storedSeeds(db)).toEqual([5, 5, 6, 6]);
}, 60_000);

test("suite exploration --seeds 5,6 trains seeds 5 and 6 and says so", async () => {
  const r = await runCli("suite", "exploration", "--steps", "512", "--seeds", "5,6", "--tasks", "Empty-5x5", "--bonuses", "none", "--variants", "singleton", "--no-db", "--no-report");
  expect(r.code).toBe(0);
  expect(r.out).toContain("PPO × 1 bonuses on 1 task variants, 2 seeds (5–6), 512 steps per run (2 runs)");
  expect(r.err).toContain("none seed 5:");
  expect(r.err).toContain("none seed 6:");
  expect(r.err).not.toContain("seed 0:");
}, 60_000);

test("demo --seeds 7-7 trains seed 7 under each design and stores it", async () => {
  const db = join(dir, "demo.db");
  const r = await runCli("demo", "--steps", "1024", "--seeds", "7-7", "--workers", "1", "--no-report", "--db", db);
  expect(r.code).toBe(0);
  expect(r.out).toContain("under 3 reward designs, 1 seed (7) each, 1,024 steps per run");
  expect(await storedSeeds(db)).toEqual([7, 7, 7]);
}, 60_000);

test("suite tampering --seeds 9-9 trains seed 9", async () => {
  const r = await runCli("suite", "tampering", "--steps", "256", "--seeds", "9-9");
  expect(r.code).toBe(0);
  expect(r.out).toContain("1 seed (9), two objectives");
  expect(r.err).toMatch(/, seed 9: /);
  expect(r.err).not.toMatch(/, seed [0-8]: /);
}, 60_000);

test("a bad --seeds is one line naming it, exit 2, on every command that trains", async () => {
  const expected = "expected a count (3: seeds 0, 1, 2), a list of distinct seeds (7,8,9) or a range (10-19; one seed: 7-7)";
  const cases: [string[], string][] = [
    [["train", config, "--seeds", "5,5", "--no-db"], `error: --seeds: ${expected}, got "5,5": seed 5 is named twice\n`],
    [["compare", config, "--rewards", "a.yaml", "--seeds", "x", "--no-db"], `error: --seeds: ${expected}, got "x"\n`],
    [["demo", "--seeds", "1,-1", "--no-db", "--no-report"], `error: --seeds: ${expected}, got "-1" (seeds are non-negative) in "1,-1"\n`],
    [["suite", "exploration", "--seeds", "3-1", "--no-db"], `error: --seeds: ${expected}, got the range "3-1", which runs backwards\n`],
    [["suite", "tampering", "--seeds", "0"], `error: --seeds: ${expected}, got "0": a count from 1 to 10,000\n`],
  ];
  for (const [argv, err] of cases) {
    const r = await runCli(...argv);
    expect(r.err).toBe(err);
    expect(r.code).toBe(2);
  }
});
