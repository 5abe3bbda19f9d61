/**
 * `rewardlab universe generate|list|show|play`: a generated file lists and
 * shows the same tasks as the in-process benchmark it was drawn from, and
 * bad input is one line with exit 2.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable, Writable } from "node:stream";
import { afterAll, expect, test } from "vitest";
import { runCli } from "../../test-utils/cli.js";
import { play } from "./universe.js";

const dir = mkdtempSync(join(tmpdir(), "rewardlab-universe-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("generate writes a file whose tasks are those of the same difficulty, count and seed in-process", async () => {
  const out = join(dir, "small.rlu");
  const made = await runCli("universe", "generate", "--difficulty", "small", "--count", "500", "--seed", "3", "--out", out);
  expect(made.code, made.err).toBe(0);
  expect(made.out).toMatch(/500 small tasks \(seed 3\).*held out 450…499/);
  const fromFile = await runCli("universe", "list", "--benchmark", out, "--split", "test", "--json", "--limit", "50");
  const inProcess = await runCli("universe", "list", "--benchmark", "small", "--count", "500", "--seed", "3", "--split", "test", "--json", "--limit", "50");
  expect(fromFile.code).toBe(0);
  const rows = JSON.parse(fromFile.out);
  expect(rows).toHaveLength(50);
  expect(rows[0].index).toBe(450);
  expect(rows).toEqual(JSON.parse(inProcess.out));
});

test("show prints the goal, the rules and the world; its JSON is a ruleset a config can hold", async () => {
  const shown = await runCli("universe", "show", "7", "--benchmark", "medium", "--count", "100");
  expect(shown.code, shown.err).toBe(0);
  expect(shown.out).toMatch(/task 7 of medium[\s\S]*goal: [\s\S]*objects: [\s\S]*WG/);
  const json = await runCli("universe", "show", "7", "--benchmark", "medium", "--count", "100", "--json");
  const { index, ...ruleset } = JSON.parse(json.out);
  expect(index).toBe(7);
  const inline = await runCli("envs", "show", "Universe-R1-9x9", "--kwargs", JSON.stringify({ ruleset }));
  expect(inline.code, inline.err).toBe(0);
});

test("play prints the goal and hides the rules unless asked", async () => {
  const chunks: string[] = [];
  const output = new Writable({ write: (c, _e, done) => (chunks.push(String(c)), done()) });
  await play("2", { benchmark: "small", count: "100" }, { input: Readable.from(["q"]), output: output as never });
  expect(chunks.join("")).toMatch(/task 2: goal: .*rules hidden/);
  expect(chunks.join("")).toMatch(/Universe-R1-9x9/);
});

test.each([
  [["universe", "generate", "--difficulty", "hard"], /--difficulty: expected one of trivial, small, medium, high/],
  [["universe", "list", "--benchmark", join(dir, "missing.rlu")], /--benchmark: expected .* or a benchmark file/],
  [["universe", "show", "100", "--benchmark", "trivial", "--count", "100"], /index: expected an index below 100/],
  [["universe", "list", "--split", "dev"], /--split: expected one of train, test, all/],
  [["universe", "show", "0", "--env", "DoorKey-8x8"], /--env: expected one of Universe-/],
])("bad input %j is one line, exit 2", async (argv, message) => {
  const r = await runCli(...argv);
  expect(r.code).toBe(2);
  expect(r.err).toMatch(message);
  expect(r.err.trim().split("\n")).toHaveLength(1);
});
