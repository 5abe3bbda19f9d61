import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, test } from "vitest";
import { runCli } from "../test-utils/cli.js";

const cwd = process.cwd();
afterEach(() => process.chdir(cwd));

/** A tiny q-learning run config and two reward designs in a fresh folder. */
function fixture(): string {
  const dir = mkdtempSync(join(tmpdir(), "rewardlab-report-cli-"));
  writeFileSync(join(dir, "tiny.yaml"), "env: {id: DoorKey-5x5}\nnumEnvs: 4\nsteps: 2048\nseeds: [0]\nlearner: {algo: q-learning}\nwindow: 10\n");
  writeFileSync(join(dir, "plain.yaml"), "terms:\n  - {kind: task}\n");
  writeFileSync(join(dir, "stepped.yaml"), "terms:\n  - {kind: task}\n  - {name: step, kind: expression, expr: '-0.01'}\n");
  return dir;
}

test("train writes the report to --report PATH and prints its path after the summary", async () => {
  const dir = fixture();
  const out = join(dir, "out", "run.html");
  const r = await runCli("train", join(dir, "tiny.yaml"), "--workers", "1", "--report", out, "--db", join(dir, "runs.db"));
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/^tiny +/m);
  expect(r.out.trim().split("\n").at(-1)).toBe(`Report: ${out}`);
  expect(readFileSync(out, "utf8")).toContain("Training run: tiny");
});

test("compare writes reports/<name>-compare-<timestamp>.html by default, relative to the working folder", async () => {
  const dir = fixture();
  process.chdir(dir);
  const r = await runCli("compare", "tiny.yaml", "--rewards", "plain.yaml,stepped.yaml", "--workers", "1");
  expect(r.code).toBe(0);
  const files = readdirSync(join(dir, "reports"));
  expect(files).toHaveLength(1);
  expect(files[0]).toMatch(/^tiny-compare-\d{8}-\d{6}\.html$/);
  expect(r.out).toContain(`Report: ${join("reports", files[0])}`);
  // The verdict beneath the table: with one seed each, no design is called better.
  expect(r.out).toMatch(/\nHighest IQM on the primary reward: (plain|stepped) \([-\d.]+\); with 1 seed per design no design is called better/);
  const html = readFileSync(join(dir, "reports", files[0]), "utf8");
  for (const name of ["plain", "stepped", "step"]) expect(html).toContain(name);
});

test("--no-report writes no report and prints no path", async () => {
  const dir = fixture();
  process.chdir(dir);
  const r = await runCli("train", "tiny.yaml", "--workers", "1", "--no-report");
  expect(r.code).toBe(0);
  expect(r.out).not.toContain("Report:");
  expect(existsSync(join(dir, "reports"))).toBe(false);
});

test("train --resume continues an interrupted stored run to the end", async () => {
  const dir = fixture();
  const db = join(dir, "runs.db");
  const { RunConfig } = await import("../runs/config.js");
  const { runPersisted } = await import("../runs/persist.js");
  const config = RunConfig.parse({ name: "tiny", env: { id: "CartPole-v1" }, numEnvs: 2, steps: 64 * 2 * 6, learner: { algo: "ppo", numSteps: 64 } });
  let k = 0;
  const stopped = await runPersisted(config, 0, { dbPath: db, checkpointEvery: 1e9 }, { shouldStop: () => ++k === 2 });
  const r = await runCli("train", "--resume", stopped.runId.slice(0, 17), "--db", db, "--no-report");
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/^tiny +/m);
  const list = await runCli("runs", "show", stopped.runId, "--db", db, "--json");
  expect(JSON.parse(list.out).run.status).toBe("finished");
  const again = await runCli("train", "--resume", stopped.runId, "--db", db);
  expect(again.code).toBe(2);
  expect(again.err).toBe(`error: --resume: run ${stopped.runId} has already finished\n`);
}, 60_000);

test("report ID rebuilds the table and the page of a stored comparison", async () => {
  const dir = fixture();
  process.chdir(dir);
  const db = join(dir, "runs.db");
  const r = await runCli("compare", "tiny.yaml", "--rewards", "plain.yaml,stepped.yaml", "--workers", "1", "--no-report", "--db", db);
  const comparison = /comparison (\S+),/.exec(r.err)![1];
  const out = join(dir, "again.html");
  const again = await runCli("report", comparison, "--db", db, "--report", out);
  expect(again.code).toBe(0);
  // The same designs, in the same order, with the same final numbers as at the end of training.
  const rows = (text: string) => text.split("\n").filter((l) => /^(plain|stepped) /.test(l));
  expect(rows(again.out)).toEqual(rows(r.out));
  const html = readFileSync(out, "utf8");
  expect(html).toContain("Reward design comparison");
  for (const name of ["plain", "stepped"]) expect(html).toContain(name);
  const missing = await runCli("report", "nosuch", "--db", db);
  expect(missing.code).toBe(2);
  expect(missing.err).toMatch(/^error: id: /);
}, 60_000);
