import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadPipeline } from "../../agentic/load.js";
import { packageFile } from "../../core/paths.js";
import { runCli } from "../../test-utils/cli.js";

const SPEC = packageFile("examples/agentic/math.yaml");
const DATA = packageFile("examples/agentic/math.jsonl");

describe("rewardlab score", () => {
  it("scores every row of the example file, whatever its shape, and prints a table per aspect", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "rewardlab-score-")), "scores.jsonl");
    const r = await runCli("score", DATA, "--spec", SPEC, "--out", out);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const rows = readFileSync(out, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(rows).toHaveLength(8);
    // Rows 1 and 2: right and wrong boxed answers in the right format; row 4 hedges with two boxed answers.
    expect(rows.slice(0, 4).map((x) => x.aspects.correct)).toEqual([1, 0, 1, 0]);
    expect(rows[0]).toMatchObject({ id: 1, reward: 1.2, aspects: { format: 1 } });
    expect(rows[2].aspects.format).toBe(0);
    // Row 5 (OpenAI messages) keeps its id; rows 6–8 are verl, TRL and verl compute_score shapes.
    expect(rows[4].id).toBe(5);
    expect(rows.slice(5).map((x) => x.aspects.correct)).toEqual([1, 1, 0]);
    expect(rows[7].aspects.repetition).toBeLessThan(0);
    expect(r.out).toMatch(/correct\s+1\s+8\s+0\.625/);
    expect(r.out).toMatch(/^reward\s+8/m);
  });

  it("a reward that could not be computed is written as failed with its reason, counted, and left out of the table", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rewardlab-score-"));
    const spec = join(dir, "spec.yaml");
    writeFileSync(spec, "aspects:\n  - {kind: numeric}\n");
    const data = join(dir, "data.jsonl");
    writeFileSync(data, `{"id": "a", "answer": "7", "reference": {"answer": "7"}}\n{"id": "b", "answer": "7", "reference": {"answer": "seven"}}\n{"id": "c", "answer": "7"}\n`);
    const out = join(dir, "out.jsonl");
    const r = await runCli("score", data, "--spec", spec, "--out", out);
    expect(r.code).toBe(0);
    const rows = readFileSync(out, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(rows.map((x) => [x.id, x.reward, x.status])).toEqual([["a", 1, "scored"], ["b", null, "failed"], ["c", null, "abstained"]]);
    expect(rows[1].failure).toBe('numeric: reference "seven" is not a number');
    expect(r.out).toMatch(/^reward\s+1\s+1\s/m);
    expect(r.out).toContain('1 reward failed (status "failed" in');
    expect(r.out).toContain('first: b: numeric: reference "seven" is not a number');
  });

  it("a malformed line is one error naming the file and line, and leaves no results behind", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rewardlab-score-"));
    const data = join(dir, "bad.jsonl");
    writeFileSync(data, `{"answer": "1"}\n{"answer": "2", "turns": [{"role": "bot"}]}\n`);
    const out = join(dir, "out.jsonl");
    const r = await runCli("score", data, "--spec", SPEC, "--out", out);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(new RegExp(`^error: .*bad\\.jsonl:2 turns\\[0\\]\\.role: expected one of`));
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.partial`)).toBe(false);
    const notJson = join(dir, "notjson.jsonl");
    writeFileSync(notJson, `{"answer": "1"}\n{"answer": \n`);
    const r2 = await runCli("score", notJson, "--spec", SPEC, "--out", out);
    expect(r2.err).toMatch(/notjson\.jsonl:2: not valid JSON/);
  });

  it("a spec with an unknown scorer kind or a bad option names the path", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rewardlab-score-"));
    const spec = join(dir, "spec.yaml");
    writeFileSync(spec, "aspects:\n  - {kind: maths}\n");
    const r = await runCli("score", DATA, "--spec", spec);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^error: aspects\[0\]\.kind: unknown scorer kind "maths" \(did you mean "math"\?\)/);
    writeFileSync(spec, "aspects:\n  - {kind: math}\n  - {kind: regex, pattern: '(unclosed'}\n");
    const r2 = await runCli("score", DATA, "--spec", spec);
    expect(r2.code).toBe(2);
    expect(r2.err).toMatch(/^error: aspects\[1\]\.pattern: /);
    writeFileSync(spec, "aspects:\n  - {kind: judge, model: m, gate: {on: correct}}\n");
    const r3 = await runCli("score", DATA, "--spec", spec);
    expect(r3.err).toMatch(/^error: aspects\[0\]\.gate\.on: expected the name of an aspect listed before this one/);
  });

  it("serve without a spec says what it needs", async () => {
    const r = await runCli("serve");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^error: --spec: missing/);
  });

  it("serve's --template and --failed-reward are checked before the server starts", async () => {
    const spec = packageFile("examples/agentic/math.yaml");
    const t = await runCli("serve", "--spec", spec, "--template", "qwen", "--port", "0");
    expect(t.code).toBe(2);
    expect(t.err).toMatch(/^error: --template: /);
    const f = await runCli("serve", "--spec", spec, "--failed-reward", "zero", "--port", "0");
    expect(f.code).toBe(2);
    expect(f.err).toBe('error: --failed-reward: expected null or a finite number (0, a penalty such as -1), got "zero"\n');
  });
});

describe("the agentic examples", () => {
  it.each(readdirSync(packageFile("examples/agentic")).filter((f) => f.endsWith(".yaml")))("examples/agentic/%s loads and compiles", async (file) => {
    // The judge example names a hosted model: a key is needed to build its client, not to load the spec.
    const pipeline = loadPipeline(packageFile(`examples/agentic/${file}`), { OPENAI_API_KEY: "not-used" });
    expect(pipeline.aspectNames.length).toBeGreaterThan(0);
    await pipeline.close();
  });

  it("each example with data scores it as its comments say", async () => {
    const score = async (spec: string, data: string) => {
      const out = join(mkdtempSync(join(tmpdir(), "rewardlab-score-")), "out.jsonl");
      const r = await runCli("score", packageFile(`examples/agentic/${data}`), "--spec", packageFile(`examples/agentic/${spec}`), "--out", out);
      expect(r.code).toBe(0);
      return readFileSync(out, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    };
    // ToolRL: right call 1 + 3; one wrong value (S = 3 of 4) 1 + 1.5; a response where a call was wanted 0 − 3.
    expect((await score("tools.yaml", "tools.jsonl")).map((x) => x.reward)).toEqual([4, 2.5, -3]);
    // Code: both tests pass, one of two, and an endless loop stopped by the time limit.
    expect((await score("code.yaml", "code.jsonl")).map((x) => x.aspects.tests)).toEqual([1, 0.5, 0]);
    // The offline reward model with PAR ranks the polite, correct answer first.
    const rm = await score("reward-model.yaml", "answers.jsonl");
    expect(rm[0].aspects.preference).toBeGreaterThan(rm[1].aspects.preference);
    expect(rm[0].aspects.preference).toBeGreaterThan(rm[2].aspects.preference);
  }, 60_000);
});
