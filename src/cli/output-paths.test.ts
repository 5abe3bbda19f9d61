/**
 * Every command that writes a file says, in one line naming the option and
 * before doing its work, when the path given cannot be written: a folder
 * where a file is expected, a folder that does not exist, a file where a
 * folder is expected.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { UserError } from "../core/errors.js";
import { packageFile } from "../core/paths.js";
import { runCli } from "../test-utils/cli.js";
import { checkOutputFile, checkOutputFolder, writeOutputFile } from "./output.js";

const dir = mkdtempSync(join(tmpdir(), "rewardlab-output-paths-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const folder = join(dir, "a-folder");
mkdirSync(folder);
const missing = join(dir, "no-such-folder", "out.file");
const file = (name: string, text: string) => (writeFileSync(join(dir, name), text), join(dir, name));

const trajectories = file("t.jsonl", '{"answer": "4", "reference": {"answer": "4"}}\n');
const agentic = file("agentic.json", JSON.stringify({ aspects: [{ kind: "exact" }] }));
const reward = file("reward.yaml", "terms: [{kind: task}]\n");
const run = file("run.yaml", "env: {id: DoorKey-5x5}\nsteps: 1000\n");
const pairs = file("pairs.jsonl", '{"prompt": "p", "chosen": "a", "rejected": "b"}\n');

/** Each command with its output option set to `path`. */
const COMMANDS: [string, string, (path: string) => string[]][] = [
  ["score", "--out", (p) => ["score", trajectories, "--spec", agentic, "--out", p]],
  ["learn-reward", "--out", (p) => ["learn-reward", packageFile("examples/learn/cartpole-preferences.yaml"), "--out", p]],
  ["reward teacher", "--out", (p) => ["reward", "teacher", "--env", "DoorKey-5x5", "--out", p]],
  ["reward sensitivity", "--plot", (p) => ["reward", "sensitivity", reward, "--env", "DoorKey-5x5", "--plot", p]],
  ["optimize", "--out", (p) => ["optimize", packageFile("examples/optimize/doorkey-helpful.yaml"), "--out", p]],
  ["rm train", "--out", (p) => ["rm", "train", pairs, "--out", p]],
  ["prefs label", "--out", (p) => ["prefs", "label", "--env", "DoorKey-5x5", "--out", p]],
  ["demos record", "--out", (p) => ["demos", "record", "--env", "DoorKey-5x5", "--out", p]],
  ["play", "--record", (p) => ["play", "DoorKey-5x5", "--record", p]],
  ["train", "--report", (p) => ["train", run, "--no-db", "--report", p]],
  ["train", "--db", (p) => ["train", run, "--no-report", "--db", p]],
  ["compare", "--report", (p) => ["compare", run, "--rewards", reward, "--no-db", "--report", p]],
  ["audit", "--report", (p) => ["audit", "some-run", "--db", join(dir, "none.db"), "--report", p]],
];

describe.each(COMMANDS)("%s %s", (_name, option, args) => {
  test("a folder where a file is expected: one line naming the option, exit 2, before any work", async () => {
    const t0 = performance.now();
    const r = await runCli(...args(folder));
    expect(r.code).toBe(2);
    expect(r.err).toBe(`error: ${option}: ${JSON.stringify(folder)} is a folder; expected a file path\n`);
    expect(performance.now() - t0).toBeLessThan(5000);
  });

  test.skipIf(option === "--report")("a file in a folder that does not exist: one line naming the option, exit 2", async () => {
    const r = await runCli(...args(missing));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(new RegExp(`^error: ${option}: cannot write .*out\\.file": the folder ".*no-such-folder" does not exist\\n$`));
  });
});

test("score writes nothing, not even a partial file, when --out is a folder", async () => {
  await runCli("score", trajectories, "--spec", agentic, "--out", folder);
  expect(existsSync(`${folder}.partial`)).toBe(false);
});

test("score of a folder instead of a JSONL file is one line naming it", async () => {
  const r = await runCli("score", folder, "--spec", agentic);
  expect(r.code).toBe(2);
  expect(r.err).toBe(`error: ${folder}: is a folder; expected a JSONL file of trajectories\n`);
});

test("suite --report takes a folder: a file there is one line naming --report", async () => {
  const r = await runCli("suite", "exploration", "--report", trajectories, "--no-db", "--steps", "1000");
  expect(r.code).toBe(2);
  expect(r.err).toBe(`error: --report: ${JSON.stringify(trajectories)} is a file; expected a folder\n`);
});

test("checkOutputFile accepts a new file, an existing file, and missing folders when asked to create them", () => {
  expect(() => checkOutputFile(join(dir, "new.txt"), "--out")).not.toThrow();
  expect(() => checkOutputFile(trajectories, "--out")).not.toThrow();
  expect(() => checkOutputFile(join(dir, "x", "y", "z.html"), "--report", { createDirs: true })).not.toThrow();
  expect(() => checkOutputFile(join(trajectories, "inside.txt"), "--out")).toThrow(new UserError("--out", `cannot write ${JSON.stringify(join(trajectories, "inside.txt"))}: a folder on its path is a file`));
  expect(() => checkOutputFile("", "--out")).toThrow(/^--out: expected a file path, got an empty string$/);
  expect(() => checkOutputFolder(join(dir, "reports", "new"), "--report")).not.toThrow();
});

test("writeOutputFile turns a file-system error into a one-line UserError naming the option", () => {
  expect(() => writeOutputFile(folder, "x", "--out")).toThrow(new UserError("--out", `cannot write ${JSON.stringify(folder)} (it is a folder)`));
  const path = join(dir, "deep", "er", "report.html");
  writeOutputFile(path, "<html>", "--report", { createDirs: true });
  expect(readFileSync(path, "utf8")).toBe("<html>");
});
