import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { expect, test } from "vitest";
import { parseRewardSpec } from "../../rewards/spec.js";
import { runCli } from "../../test-utils/cli.js";

const dir = mkdtempSync(join(tmpdir(), "rewardlab-design-"));
const config = join(dir, "design.yaml");
writeFileSync(config, "env: {id: DoorKey-5x5}\nnumEnvs: 4\nlearner: {algo: ppo, numSteps: 32}\nsteps: 1024\nevaluation: {episodes: 4}\n");

test("design evolves candidates, prints each with its score and the best spec, and --out writes a spec that parses", async () => {
  const out = join(dir, "best.yaml");
  const report = join(dir, "design.html");
  const r = await runCli("design", config, "--population", "3", "--iterations", "2", "--seeds", "1", "--finalists", "2", "--final-seeds", "5-6", "--out", out, "--db", join(dir, "lab.db"), "--report", report);
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/^i0-0 +sparse/m);
  expect(r.out).toMatch(/^i1-0 +(mutation|crossover) +i0-\d/m);
  expect(r.out).toMatch(/finalists re-checked on seeds 5, 6: i\d-\d -?\d\.\d{3}, i\d-\d -?\d\.\d{3}/);
  expect(r.out).toMatch(/best: i\d-\d \(-?\d\.\d{3} on the final seeds\); \d+ training runs; rejected before training: \d+ by the critic, \d+ by the pre-screen \(\d+ runs saved\)/);
  expect(r.out).toMatch(/^lineage: design d\d{8}-\d{6}-[0-9a-f]{6} in .*lab\.db$/m);
  expect(readFileSync(report, "utf8")).toContain("<h2>Candidates</h2>");
  const spec = parse(readFileSync(out, "utf8"));
  expect(spec.terms[0]).toEqual({ name: "task", kind: "task", role: "primary" });
  expect(() => parseRewardSpec(spec)).not.toThrow();
  const json = await runCli("design", config, "--population", "3", "--iterations", "2", "--seeds", "1", "--finalists", "2", "--final-seeds", "5-6", "--json", "--no-db", "--no-report");
  const result = JSON.parse(json.out);
  expect(result.candidates).toHaveLength(4);
  // The same seed: the same lineage as the printed run.
  expect(r.out).toContain(`best: ${result.best.id} `);
}, 60_000);

test("design's bad options and configs are one-line errors, exit 2", async () => {
  const elite = await runCli("design", config, "--population", "3", "--elite", "3", "--no-db");
  expect(elite.code).toBe(2);
  expect(elite.err).toBe('error: --elite: expected an integer from 1 to 2, got "3"\n');
  const overlap = await runCli("design", config, "--seeds", "3", "--final-seeds", "2-6");
  expect(overlap.code).toBe(2);
  expect(overlap.err).toBe("error: --final-seeds: expected seeds no candidate is judged on; 2 is also a training seed\n");
  const demos = join(dir, "demos.jsonl");
  writeFileSync(demos, JSON.stringify({ format: "rewardlab.demonstration/1", env: "Empty-5x5", seed: 0, actions: [2] }) + "\n");
  const other = await runCli("design", config, "--no-db", "--prescreen-demos", demos);
  expect([other.code, other.err]).toEqual([2, `error: ${demos}:1: a demonstration of Empty-5x5; the config's environment is DoorKey-5x5\n`]);
  const bad = join(dir, "bad.yaml");
  writeFileSync(bad, "env: {id: DoorKey-5x6}\n");
  const r = await runCli("design", bad);
  expect(r.code).toBe(2);
  expect(r.err).toMatch(/^error: .*env\.id: unknown environment "DoorKey-5x6".*\n$/);
});

test("design with a model: against a scripted chat-completions server, recorded to a cassette, the lineage in the store and the report; then replayed from the cassette alone", async () => {
  const { startOpenAIStub } = await import("../../test-utils/openai-stub.js");
  const { script } = await import("../../test-utils/design-script.js");
  const { openStore } = await import("../../runs/store/index.js");
  const stub = await startOpenAIStub(script);
  const cassette = join(dir, "cassette.jsonl");
  const db = join(dir, "llm.db");
  const report = join(dir, "llm.html");
  const args = ["design", config, "--samples", "4", "--iterations", "2", "--seeds", "1", "--finalists", "0", "--task", "open the door and reach the goal", "--workers", "1"];
  let live;
  try {
    live = await runCli(...args, "--model", "scripted", "--llm", stub.baseURL, "--record", cassette, "--db", db, "--report", report, "--price", "1,2");
  } finally {
    await stub.close();
  }
  expect(live.err).toBe("");
  expect(live.code).toBe(0);
  expect(live.out).toMatch(/^i0-1 +model +-?\d\.\d{3}  speed 0\.1|^i0-1 +model +-?\d\.\d{3}  key 0\.2 \(after 1 repair\)$/m);
  expect(live.out).toMatch(/^i1-3 +model +i0-\d +rejected  model: .*the model fell over$/m);
  expect(live.out).toMatch(/^model scripted: 1\d calls, \d+ prompt \+ \d+ completion tokens, \$0\.\d{4}$/m);
  const html = readFileSync(report, "utf8");
  expect(html).toContain("<h2>Model calls</h2>");
  expect(html).toContain("We trained a policy");
  expect(html).not.toContain("<script");

  const store = await openStore(db, { create: false });
  try {
    const [design] = await store.listDesigns();
    expect(design).toMatchObject({ status: "finished", designer: "scripted" });
    const candidates = await store.designCandidates(design.id);
    expect(candidates.map((c) => c.id)).toEqual(["i0-0", "i0-1", "i0-2", "i0-3", "i1-0", "i1-1", "i1-2", "i1-3"]);
    const calls = await store.designCalls(design.id);
    expect(calls.map((c) => (c.data as { stage: string }).stage)).toContain("repair");
    expect((design.result as { usage: { calls: number; cost: number } }).usage.cost).toBeGreaterThan(0);
  } finally {
    await store.close();
  }

  const replayed = await runCli(...args, "--replay", cassette, "--no-db", "--no-report");
  expect(replayed.code).toBe(0);
  const table = (out: string) => out.split("\n").filter((l) => /^i\d-\d /.test(l));
  expect(table(replayed.out)).toEqual(table(live.out));
}, 120_000);

test("the model designer's bad options are one line, exit 2", async () => {
  const cases: [string[], string][] = [
    [["--samples", "3"], "error: --samples: is for the language-model designer: give --model (with --llm URL for a local server) or --replay CASSETTE\n"],
    [["--parameters", "examples/rewards/doorkey-potential.yaml"], "error: --parameters: is for the language-model designer: give --model (with --llm URL for a local server) or --replay CASSETTE\n"],
    [["--model", "m", "--llm", "http://127.0.0.1:9/v1", "--parameters", "examples/rewards/doorkey-sparse.yaml"], "error: examples/rewards/doorkey-sparse.yaml: expected a spec with auxiliary terms to weigh; it has only primary ones\n"],
    [["--replay", join(dir, "missing.jsonl")], `error: --replay: cannot read ${join(dir, "missing.jsonl")}: ENOENT: no such file or directory, open '${join(dir, "missing.jsonl")}'\n`],
    [["--model", "m", "--population", "4"], "error: --population: is for the model-free designer; the language-model designer takes --samples\n"],
    [["--model", "m", "--llm", "ftp://x"], 'error: baseURL: expected an http:// or https:// URL, got "ftp://x"\n'],
    [["--model", "m", "--price", "1"], 'error: --price: expected IN,OUT in dollars per million prompt and completion tokens (e.g. 0.15,0.6), got "1"\n'],
    [["--model", "m", "--record", "a", "--replay", "b"], "error: --record: records a live model; --replay answers from a recording: use one of them\n"],
  ];
  for (const [extra, expected] of cases) {
    const r = await runCli("design", config, "--no-db", "--no-report", ...extra);
    expect([r.code, r.err]).toEqual([2, expected]);
  }
  const prompts = join(dir, "prompts");
  const { mkdirSync, cpSync } = await import("node:fs");
  const { defaultPromptDir } = await import("../../design/prompts.js");
  mkdirSync(prompts, { recursive: true });
  cpSync(defaultPromptDir(), prompts, { recursive: true });
  writeFileSync(join(prompts, "repair.md"), "Fix {{errrors}}");
  const r = await runCli("design", config, "--no-db", "--no-report", "--model", "m", "--llm", "http://127.0.0.1:9/v1", "--prompts", prompts);
  expect([r.code, r.err]).toEqual([2, `error: ${join(prompts, "repair.md")}: unknown placeholder {{errrors}}: it knows errors, note, write\n`]);
});
