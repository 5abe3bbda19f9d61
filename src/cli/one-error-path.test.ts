/**
 * One error path for every process: a user error found in the main thread,
 * a training worker thread or a `serve --workers` cluster worker prints the
 * same one line, `error: <path>: <problem>`, and exits 2. The spawned tests
 * run the built command (`npm test` builds dist/ first), where trainings
 * run in worker threads and serve forks its workers.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, test } from "vitest";
import { packageFile } from "../core/paths.js";
import { runCli } from "../test-utils/cli.js";

const MAIN = packageFile("dist/src/cli/main.js");
const dir = mkdtempSync(join(tmpdir(), "rewardlab-one-error-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** The built command in a child process: its exit code and stderr. */
function built(args: string[], timeoutMs = 30_000): Promise<{ code: number | null; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN, ...args], { stdio: ["ignore", "ignore", "pipe"], timeout: timeoutMs });
    let err = "";
    child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
    child.once("exit", (code) => resolve({ code, err }));
  });
}

const CASES: [string, string, string | undefined, RegExp][] = [
  ["an unknown environment id", "env: {id: NoSuchEnv}\nsteps: 1000\n", undefined, /^error: env\.id: unknown environment "NoSuchEnv"/],
  ["kwargs {size: eight}", "env: {id: DoorKey-8x8, kwargs: {size: eight}}\nsteps: 1000\n", undefined, /^error: env\.kwargs\.size: expected an integer ≥ 5 and ≤ 64, got "eight"$/],
  [
    "an unknown feature in an inline reward",
    "env: {id: DoorKey-5x5}\nreward: {terms: [{kind: task}, {name: x, kind: expression, expr: agent.z}]}\nsteps: 1000\n",
    undefined,
    /^error: reward\.terms\[1\]\.expr: unknown feature "agent\.z" \(did you mean "agent\.x" or "agent\.y"\?\) at column 1$/,
  ],
  [
    "numEnvs 4096 and learner.numSteps 1e9",
    "env: {id: DoorKey-8x8}\nnumEnvs: 4096\nlearner: {algo: ppo, numSteps: 1000000000}\n",
    undefined,
    /^error: learner\.numSteps: numEnvs × learner\.numSteps = 4096 × 1000000000 rollout rows of 148 observation values need about [\d.]+ PiB; at most 2 GiB fits: lower numEnvs or learner\.numSteps$/,
  ],
  ["an unknown top-level key", "env: {id: DoorKey-5x5}\nfoo: 1\n", undefined, /^error: foo: unknown key "foo" \(expected one of: name, env, /],
  ["learner.algo: ppo2", "env: {id: DoorKey-5x5}\nlearner: {algo: ppo2}\n", undefined, /^error: learner\.algo: expected one of "ppo", "rppo", "ippo", "mappo", "self-play", "q-learning", "sarsa", "reinforce", got "ppo2" \(did you mean "ppo"\?\)$/],
  ["evaluation.policies [sampld]", "env: {id: DoorKey-5x5}\nevaluation: {policies: [sampld]}\n", undefined, /^error: evaluation\.policies\[0\]: expected one of "sampled", "greedy", got "sampld"$/],
  ["a !!js/function YAML tag", 'env: {id: DoorKey-5x5}\nname: !!js/function "function(){}"\n', undefined, /^error: .*\.yaml:2:7 name: unsupported YAML tag !!js\/function: a config is plain data/],
  ["--db in a folder that does not exist", "env: {id: DoorKey-5x5}\nsteps: 1000\n", "no/such/folder/runs.db", /^error: --db: cannot write ".*runs\.db": the folder ".*folder" does not exist$/],
];

test.each(CASES)("train with %s: one line, exit 2, and nothing stored", async (name, yaml, dbName, expected) => {
  const config = file(`${name.replace(/\W+/g, "-")}.yaml`, yaml);
  const db = join(dir, dbName ?? `${name.replace(/\W+/g, "-")}.db`);
  const r = await runCli("train", config, "--db", db, "--no-report");
  expect(r.code).toBe(2);
  expect(r.err.trimEnd()).toMatch(expected);
  expect(r.err.split("\n").filter(Boolean)).toHaveLength(1);
  // Found before any run was created: the store was not even opened.
  expect(existsSync(db)).toBe(false);
});

test("the built command with an unknown feature prints one line and exits 2 (trainings run in worker threads there)", async () => {
  const config = file("built.yaml", CASES[2]![1]);
  const r = await built(["train", config, "--db", join(dir, "built.db"), "--no-report"]);
  expect(r.code).toBe(2);
  expect(r.err.trimEnd()).toMatch(CASES[2]![3]);
  expect(r.err.split("\n").filter(Boolean)).toHaveLength(1);
});

test("the built command with a !!js/function tag prints one line, not the YAML library's warning", async () => {
  const config = file("tagged.yaml", 'env: {id: DoorKey-5x5}\nname: !!js/function "function(){}"\n');
  const r = await built(["train", config, "--no-db", "--no-report"]);
  expect(r.code).toBe(2);
  expect(r.err).toBe(`error: ${config}:2:7 name: unsupported YAML tag !!js/function: a config is plain data (text, numbers, true/false, lists and maps)\n`);
});

test("serve --workers 2 on a port in use: the workers' error is printed once, by the primary, exit 2", async () => {
  const spec = file("spec.json", JSON.stringify({ aspects: [{ kind: "exact" }] }));
  const taken: Server = createServer();
  const port = await new Promise<number>((resolve) => taken.listen(0, "127.0.0.1", () => resolve((taken.address() as { port: number }).port)));
  try {
    const r = await built(["serve", "--spec", spec, "--port", String(port), "--workers", "2"]);
    expect(r.err).toBe(`error: --port: ${port} is already in use on 127.0.0.1; pick another or stop what listens there\n`);
    expect(r.code).toBe(2);
  } finally {
    taken.close();
  }
});

test("serve --workers 2 on an address that is not this machine's: one line naming --host, exit 2", async () => {
  const spec = file("spec2.json", JSON.stringify({ aspects: [{ kind: "exact" }] }));
  // 192.0.2.0/24 is reserved for documentation (RFC 5737): no machine has it.
  for (const port of ["0", "18931"]) {
    const r = await built(["serve", "--spec", spec, "--host", "192.0.2.1", "--port", port, "--workers", "2"]);
    expect(r.err).toBe('error: --host: cannot listen on "192.0.2.1" (EADDRNOTAVAIL)\n');
    expect(r.code).toBe(2);
  }
});
