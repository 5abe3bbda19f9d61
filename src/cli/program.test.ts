import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, test, vi } from "vitest";
import { parallelEnvSpecs } from "../envs/multi/registry.js";
import { main } from "./program.js";
import { runCli } from "../test-utils/cli.js";

const run = runCli;

afterEach(() => vi.restoreAllMocks());

describe("rewardlab CLI", () => {
  test("envs list shows every family and exits 0", async () => {
    const r = await run("envs", "list");
    expect(r.code).toBe(0);
    for (const id of ["DoorKey-8x8", "KeyCorridorS3R1", "CartPole-v1", "Bandit-Bernoulli-10", "Dynamic-Obstacles-16x16"]) expect(r.out).toContain(id);
  });

  test("envs show lists features and events", async () => {
    const r = await run("envs", "show", "doorkey-8x8");
    expect(r.code).toBe(0);
    expect(r.out).toContain("goal.distance");
    expect(r.out).toContain("pickup:key");
  });

  test("an unknown environment exits 2 with one line naming the closest ids", async () => {
    const r = await run("envs", "show", "DorKey-8x8");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^error: env\.id: unknown environment "DorKey-8x8" \(did you mean "DoorKey-8x8"/);
    expect(r.err.trim().split("\n")).toHaveLength(1);
  });

  test("bad kwargs exit 2 with the path of the bad field", async () => {
    const r = await run("envs", "show", "DoorKey-8x8", "--kwargs", '{"size": "eight"}');
    expect(r.code).toBe(2);
    expect(r.err).toBe('error: env.kwargs.size: expected an integer ≥ 5 and ≤ 64, got "eight"\n');
    const unknown = await run("envs", "show", "DoorKey-8x8", "--kwargs", '{"sise": 6}');
    expect(unknown.err).toBe('error: env.kwargs: unknown key "sise" (did you mean "size"?)\n');
  });

  test("bad arguments and unknown commands exit 2", async () => {
    expect((await run("demo", "--steps", "many")).err).toBe('error: --steps: expected an integer ≥ 1, got "many"\n');
    expect((await run("bogus")).code).toBe(2);
    expect((await run("bench", "nosuch")).code).toBe(2);
    expect((await run("play", "CartPole-v1")).err).toMatch(/only gridworlds can be played/);
  });

  test("a mistyped command or option is one line with one suggestion, the name first", async () => {
    for (const [args, line] of [
      [["trian"], 'error: trian: unknown command (did you mean "train"?)'],
      [["runs", "lsit"], 'error: lsit: unknown command (did you mean "list"?)'],
      [["envs", "list", "--jsn"], 'error: --jsn: unknown option (did you mean "--json"?)'],
      [["reward", "check", "spec.yaml"], "error: --env: missing; this option is required"],
      [["serve", "--port"], "error: --port: expected a value after it"],
      [["runs", "list", "extra"], "error: too many arguments for 'list'. Expected 0 arguments but got 1."],
    ] as const) {
      const r = await run(...args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.err, args.join(" ")).toBe(`${line}\n`);
    }
  });

  test("an internal error exits 1 with a short report, no stack trace", async () => {
    const r = await run("envs", "list", "--family", "grid");
    expect(r.code).toBe(0);
    const spy = vi.spyOn(JSON, "stringify").mockImplementation(() => {
      throw new TypeError("boom");
    });
    const out: string[] = [];
    vi.spyOn(process.stderr, "write").mockImplementation((s) => (out.push(String(s)), true));
    vi.spyOn(console, "log").mockImplementation(() => {});
    const code = await main(["envs", "list", "--json"]);
    spy.mockRestore();
    expect(code).toBe(1);
    expect(out.join("")).toMatch(/^internal error: boom\n/);
    expect(out.join("")).not.toMatch(/at .*\.ts:\d+/);
  });

  test("schema run prints a JSON Schema with the env field", async () => {
    const r = await run("schema", "run");
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.out);
    expect(schema.type).toBe("object");
    expect(schema.properties.env.properties.id.type).toBe("string");
    expect((await run("schema", "rnu")).err).toMatch(/unknown schema "rnu" \(did you mean "run"\?\)/);
  });

  test("schema trajectory and schema agentic print the LLM-agent schemas", async () => {
    const t = JSON.parse((await run("schema", "trajectory")).out);
    expect(t.properties.turns.items.properties.role.enum).toEqual(["system", "user", "assistant", "tool"]);
    expect(t.additionalProperties).toBe(false);
    const a = JSON.parse((await run("schema", "agentic")).out);
    expect(a.required).toContain("aspects");
  });

  test("bench --json prints one figure object per line", async () => {
    const r = await run("bench", "envs", "--json", "--seconds", "0.02");
    expect(r.code).toBe(0);
    const lines = r.out.trim().split("\n").map((l) => JSON.parse(l));
    const single = ["doorkey-8x8/single", "doorkey-8x8/vector64", "empty-8x8/single", "empty-8x8/vector64", "cartpole-v1/single", "cartpole-v1/vector64"];
    // Every registered multi-agent environment, as a parallel vector and as seats.
    const multi = parallelEnvSpecs().flatMap((spec) => [`${spec.id.toLowerCase()}/parallel-vector64`, `${spec.id.toLowerCase()}/seats64`]);
    expect(multi).toContain("commonsharvest/seats64");
    const universe = ["universe-r1-9x9-medium/vector64", "universe-r1-9x9-high/vector64"];
    expect(lines.map((l) => l.name)).toEqual([...single, ...universe, ...multi]);
    for (const l of lines) {
      expect(l.suite).toBe("envs");
      // A multi-agent table's step counts once per agent.
      expect(l.unit).toBe(multi.includes(l.name) ? "agent-steps/s" : "steps/s");
      expect(l.value).toBeGreaterThan(0);
    }
    // No recorded Python figure to divide by: peer ratios are measured side by side (bench/envs-vs-python.ts).
    const doorkey = lines[1];
    expect(doorkey.baseline).toBeUndefined();
    expect(doorkey.ratio).toBeUndefined();
  });

  test("demo trains PPO under the three DoorKey designs, prints the comparison and writes the report", async () => {
    const report = join(mkdtempSync(join(tmpdir(), "rewardlab-demo-")), "demo.html");
    const db = join(dirname(report), "runs.db");
    const r = await run("demo", "--steps", "2048", "--seeds", "1", "--workers", "1", "--report", report, "--db", db);
    expect(r.err).toMatch(new RegExp(`Stored in ${db.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: comparison \\S+, runs \\S+, \\S+, \\S+`));
    expect(r.code).toBe(0);
    for (const design of ["sparse", "naive", "potential"]) expect(r.out).toMatch(new RegExp(`^${design} +`, "m"));
    expect(r.out).toContain("primary return");
    expect(r.out).toContain("3 runs in");
    expect(r.out).toContain(`Report: ${report}`);
    expect(readFileSync(report, "utf8")).toContain("rewardlab demo: PPO on DoorKey-6x6");
  }, 60_000);
});
