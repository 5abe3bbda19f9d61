import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, test, vi } from "vitest";
import { z } from "zod";
import { parseConfigText } from "../../core/config.js";
import { runCli } from "../../test-utils/cli.js";

const run = runCli;

afterEach(() => vi.restoreAllMocks());

const dir = mkdtempSync(join(tmpdir(), "rewardlab-reward-"));
let files = 0;
/** Writes a YAML spec to a temporary file and returns its path. */
function specFile(yaml: string): string {
  const file = join(dir, `spec${files++}.yaml`);
  writeFileSync(file, yaml);
  return file;
}

interface JsonFinding {
  severity: string;
  code: string;
  term?: string;
  message: string;
  data?: Record<string, number | null>;
}

describe("reward check", () => {
  test("finds an auxiliary step penalty that dwarfs the primary, with the numbers", async () => {
    const file = specFile("terms:\n  - {name: goal, kind: task}\n  - {name: step, kind: expression, expr: '-0.1'}\n");
    const r = await run("reward", "check", file, "--env", "Empty-5x5", "--steps", "300", "--json");
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out);
    expect(report.episodes).toBeGreaterThan(10);
    const step = report.terms.find((t: { name: string }) => t.name === "step");
    // A constant −0.1 a step: |contribution| is 0.1, an episode's |sum| 0.1 × its length.
    expect(step.stepMeanAbs).toBeCloseTo(0.1, 12);
    expect(step.episodeMeanAbs).toBeCloseTo(0.1 * report.meanEpisodeLength, 9);
    const dwarf = (report.findings as JsonFinding[]).find((f) => f.code === "dwarfs-primary");
    expect(dwarf).toMatchObject({ severity: "warning", term: "step" });
    expect(dwarf!.data!.ratio).toBeCloseTo(step.episodeMeanAbs / report.primary.episodeMeanAbs, 9);
    expect(dwarf!.data!.ratio).toBeGreaterThan(10);
    expect(dwarf!.message).toContain(`mean |episode sum| ${fmt(step.episodeMeanAbs)} vs ${fmt(report.primary.episodeMeanAbs)} for the primary`);
    expect(dwarf!.message).toContain("per step mean |contribution| 0.1 vs");

    const text = await run("reward", "check", file, "--env", "Empty-5x5", "--steps", "300");
    expect(text.out).toMatch(/^warning \[dwarfs-primary\] term "step" dwarfs the primary reward/m);
  });

  test("does not call a small step penalty dwarfing", async () => {
    const file = specFile("terms:\n  - {name: goal, kind: task}\n  - {name: step, kind: expression, expr: '-0.0001'}\n");
    const r = await run("reward", "check", file, "--env", "Empty-5x5", "--steps", "300", "--json");
    expect((JSON.parse(r.out).findings as JsonFinding[]).map((f) => f.code)).not.toContain("dwarfs-primary");
  });

  test("says so when the primary never pays while auxiliary terms do", async () => {
    const file = specFile("terms:\n  - {name: goal, kind: task}\n  - {name: step, kind: expression, expr: '-0.01'}\n");
    const r = await run("reward", "check", file, "--env", "DoorKey-16x16", "--steps", "50", "--json");
    const findings = JSON.parse(r.out).findings as JsonFinding[];
    const silent = findings.find((f) => f.code === "primary-silent")!;
    expect(silent.severity).toBe("warning");
    expect(silent.message).toMatch(/^the primary reward paid nothing in 800 sampled steps \(16 environments × 50\), 0 episodes ended, while auxiliary terms did: "step" \(per step 0\.01\)/);
    // The primary's silence is said once, not again as a term that never fires.
    expect(findings.filter((f) => f.term === "goal")).toEqual([]);
  });

  test("flags auxiliary shaping that is not potential-based, and not the potential", async () => {
    const file = specFile(`
terms:
  - {name: goal, kind: task}
  - {name: key, kind: event, event: "pickup:key", weight: 0.01}
  - {name: progress, kind: potential, phi: "-0.01 * goal.distance", gamma: 0.95}
`);
    const r = await run("reward", "check", file, "--env", "DoorKey-5x5", "--steps", "200", "--json");
    expect(r.code).toBe(0);
    const findings = JSON.parse(r.out).findings as JsonFinding[];
    const notPotential = findings.filter((f) => f.code === "not-potential");
    expect(notPotential.map((f) => f.term)).toEqual(["key"]);
    expect(notPotential[0].severity).toBe("warning");
    expect(notPotential[0].message).toContain("may change the optimal policy");
    expect(findings.find((f) => f.code === "potential")).toMatchObject({ severity: "info", term: "progress" });
    expect(findings.find((f) => f.code === "potential")!.message).toContain("γ = 0.95");
  });

  test("reports a term that never fires", async () => {
    const file = specFile("terms:\n  - {name: goal, kind: task}\n  - {name: lava, kind: event, event: 'enter:lava'}\n");
    const r = await run("reward", "check", file, "--env", "Empty-5x5", "--steps", "100", "--json");
    const never = (JSON.parse(r.out).findings as JsonFinding[]).filter((f) => f.code === "never-fires");
    expect(never.map((f) => f.term)).toEqual(["lava"]);
    expect(never[0].message).toMatch(/^term "lava" was 0 on all 1600 sampled steps \(16 environments × 100, \d+ episodes ended\): event "enter:lava" never fired under a random policy$/);
  });

  test("reports NaN with the term, environment id and index, and step, and exits 2", async () => {
    const file = specFile("terms:\n  - {name: goal, kind: task}\n  - {name: bad, kind: expression, expr: 'log(agent.x - 2)'}\n");
    const r = await run("reward", "check", file, "--env", "Empty-5x5");
    expect(r.code).toBe(2);
    // Agents start at x = 1, so log(x − 2) is NaN on the first step, in environment 0 first.
    expect(r.out).toMatch(/^error {3}\[non-finite\] reward\.terms\[1\]: term "bad" produced NaN in environment 0 at step 1 \(step 1 of its episode\) on Empty-5x5; features of s → s′ there: agent\.x 1 → [12]; sampling stopped at step 1 of 2000/m);
    expect(r.out).toContain("1 error, ");
    expect(r.err).toBe(`error: reward check: 1 error in ${file} (see above)\n`);
    const json = await run("reward", "check", file, "--env", "Empty-5x5", "--json");
    expect(json.code).toBe(2);
    expect(JSON.parse(json.out).findings[0]).toMatchObject({ severity: "error", code: "non-finite", term: "bad", data: { env: 0, step: 1, value: "NaN" } });
  });

  test("an unknown feature exits 2 with one line and a did-you-mean", async () => {
    const file = specFile("terms:\n  - {name: goal, kind: task}\n  - {kind: expression, expr: 'agent.z * 2'}\n");
    const r = await run("reward", "check", file, "--env", "DoorKey-8x8");
    expect(r.code).toBe(2);
    expect(r.err).toBe('error: reward.terms[1].expr: unknown feature "agent.z" (did you mean "agent.x" or "agent.y"?) at column 1\n');
  });

  test("includes the reward machine's structural issues, runs on the product, and says how often the machine finished", async () => {
    const file = specFile(`
terms:
  - {name: task, kind: task}
  - {name: machine, kind: expression, expr: "rm.reward"}
machine:
  initial: start
  terminal: [done]
  propositions: {key: 'event("pickup:key")', door: 'event("open:door")', goal: 'event("reach:goal")'}
  edges:
    - {from: start, to: has_key, when: "key", reward: 0.1}
    - {from: has_key, to: done, when: "goal", reward: 1}
    - {from: orphan, to: done, when: "door"}
`);
    const r = await run("reward", "check", file, "--env", "DoorKey-5x5", "--steps", "300", "--json");
    expect(r.code).toBe(0);
    const findings = JSON.parse(r.out).findings as JsonFinding[];
    expect(findings.filter((f) => f.code.startsWith("machine-") && f.severity !== "info")).toEqual([
      { severity: "warning", code: "machine-unreachable", message: 'reward.machine.edges[2].from: state "orphan" cannot be reached from the initial state "start"', data: { state: "orphan", path: "reward.machine.edges[2].from" } },
    ]);
    expect(findings.find((f) => f.code === "machine-accepted")!.message).toMatch(/^the reward machine reached a terminal state \d+ times? in 4800 sampled steps/);
  });

  test("a missing spec file, an unknown environment and a missing --env exit 2", async () => {
    expect((await run("reward", "check", join(dir, "nope.yaml"), "--env", "DoorKey-8x8")).err).toMatch(/nope\.yaml: no such file\n$/);
    const file = specFile("terms: [{kind: task}]\n");
    expect((await run("reward", "check", file, "--env", "DorKey-8x8")).err).toMatch(/^error: env\.id: unknown environment "DorKey-8x8" \(did you mean "DoorKey-8x8"/);
    expect((await run("reward", "check", file)).code).toBe(2);
    expect((await run("reward", "check", file, "--env", "Empty-5x5", "--steps", "0")).err).toBe('error: --steps: expected an integer from 1 to 1,000,000, got "0"\n');
  });

  test("--steps is bounded: 1e12 is a one-line error, not a run that never ends", async () => {
    const file = specFile("terms: [{kind: task}]\n");
    for (const steps of ["1e12", "1000001"]) {
      const r = await run("reward", "check", file, "--env", "Empty-5x5", "--steps", steps);
      expect(r.code).toBe(2);
      expect(r.err).toBe(`error: --steps: expected an integer from 1 to 1,000,000, got "${steps}"\n`);
    }
  });

  test.each([
    ["2,000 terms", Array.from({ length: 2000 }, () => "agent.x").join(" + ")],
    ["1,000 nested parentheses", `${"(".repeat(1000)}agent.x${")".repeat(1000)}`],
  ])("an expression of %s is one line naming its path, exit 2", async (_name, expr) => {
    const file = specFile(`terms:\n  - {kind: task}\n  - {name: big, kind: expression, expr: "${expr}"}\n`);
    const r = await run("reward", "check", file, "--env", "DoorKey-5x5", "--steps", "10");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^error: reward\.terms\[1\]\.expr: expression nested deeper than 500 levels at column \d+ \(.*\); split it into several terms\n$/);
  });

  test("an expression nested just inside the limit is checked from the command line without overflowing the stack", async () => {
    const file = specFile(`terms:\n  - {kind: task}\n  - {name: deep, kind: expression, expr: "${"(".repeat(499)}agent.x${")".repeat(499)} * 0"}\n`);
    const r = await run("reward", "check", file, "--env", "DoorKey-5x5", "--steps", "10", "--json");
    expect(r.err).toBe("");
    expect(JSON.parse(r.out).terms.map((t: { name: string }) => t.name)).toContain("deep");
  });
});

describe("reward explain", () => {
  test("shares are each term's mean episode sum over the sum of |means|, and their magnitudes sum to 1", async () => {
    const file = specFile(`
terms:
  - {name: goal, kind: task}
  - {name: step, kind: expression, expr: "-0.01"}
  - {name: progress, kind: potential, phi: "-goal.distance", gamma: 0.9}
`);
    const r = await run("reward", "explain", file, "--env", "Empty-5x5", "--episodes", "24", "--seed", "3", "--json");
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out);
    expect(report.episodes).toBe(24);
    const rows = report.rows as { name: string; share: number; episodeMean: number; stepMin: number; stepMax: number; correlation: number | null }[];
    const scale = rows.reduce((a, t) => a + Math.abs(t.episodeMean), 0);
    for (const t of rows) expect(t.share).toBeCloseTo(t.episodeMean / scale, 12);
    expect(rows.reduce((a, t) => a + Math.abs(t.share), 0)).toBeCloseTo(1, 12);
    expect(rows.reduce((a, t) => a + t.episodeMean, 0)).toBeCloseTo(report.termsReturn, 12);
    expect(rows[1]).toMatchObject({ stepMin: -0.01, stepMax: -0.01 });
    expect(rows[1].share).toBeLessThan(0);
    expect(rows[0].correlation).toBeCloseTo(1, 12); // the only primary term is the primary return

    const text = await run("reward", "explain", file, "--env", "Empty-5x5", "--episodes", "24", "--seed", "3");
    expect(text.out).toMatch(/^term +role +share +step mean +step min +step max +episode mean +r\(primary\)$/m);
    expect(text.out).toMatch(/^step +auxiliary +−\d+\.\d%/m);
  });

  test("--episodes is bounded with a one-line error", async () => {
    const file = specFile("terms: [{kind: task}]\n");
    const r = await run("reward", "explain", file, "--env", "Empty-5x5", "--episodes", "1e12");
    expect(r.code).toBe(2);
    expect(r.err).toBe('error: --episodes: expected an integer from 1 to 100,000, got "1e12"\n');
  });

  test("--policy accepts only random, with a clear error", async () => {
    const file = specFile("terms: [{kind: task}]\n");
    const r = await run("reward", "explain", file, "--env", "Empty-5x5", "--policy", "ppo");
    expect(r.code).toBe(2);
    expect(r.err).toBe('error: --policy: unknown policy "ppo"; only "random" exists for now\n');
  });
});

describe("schema reward", () => {
  test("prints a JSON Schema of the spec, with terms and the recursive combine", async () => {
    const r = await run("schema", "reward");
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.out);
    expect(schema.type).toBe("object");
    expect(schema.required).toEqual(["terms"]);
    const item = schema.properties.terms.items;
    const term = item.$ref ? schema.$defs[item.$ref.replace("#/$defs/", "")] : item;
    const kinds = term.anyOf.map((t: { properties: { kind: { const: string } } }) => t.properties.kind.const);
    expect(kinds).toEqual(["task", "event", "expression", "potential", "intrinsic", "learned", "sandboxed", "combine"]);
    const combine = term.anyOf[kinds.indexOf("combine")];
    expect(combine.properties.terms.items).toEqual(item); // a combine's terms are terms again

    // Read back as a validator, the schema accepts every example spec, nested combines, and not a misspelt kind.
    const validator = z.fromJSONSchema(schema);
    const examples = new URL("../../../examples/rewards/", import.meta.url);
    for (const name of readdirSync(examples).filter((f) => f.endsWith(".yaml"))) {
      expect([name, validator.safeParse(parseConfigText(readFileSync(new URL(name, examples), "utf8"))).success]).toEqual([name, true]);
    }
    const nested = (kind: string) => ({ terms: [{ kind: "task" }, { kind: "combine", op: "min", terms: [{ kind: "combine", op: "sum", terms: [{ kind, expr: "-1" }] }] }] });
    expect(validator.safeParse(nested("expression")).success).toBe(true);
    expect(validator.safeParse(nested("expresion")).success).toBe(false);
  });
});

function fmt(x: number): string {
  return String(Number(x.toPrecision(3)));
}

test("reward compare prints EPIC with its interval and ERC; shaping is ≈ 0, heuristics are not", async () => {
  const shaping = await runCli("reward", "compare", "examples/rewards/doorkey-sparse.yaml", "examples/rewards/doorkey-potential.yaml", "--env", "DoorKey-5x5", "--json");
  expect(shaping.code).toBe(0);
  const s = JSON.parse(shaping.out);
  expect(s.epic).toBeLessThan(0.005);
  expect(s.interval).toHaveLength(2);
  const naive = await runCli("reward", "compare", "examples/rewards/doorkey-sparse.yaml", "examples/rewards/doorkey-naive.yaml", "--env", "DoorKey-5x5");
  expect(naive.out).toMatch(/EPIC distance {2}0\.[1-9]\d{3} {3}95% bootstrap interval \[0\.\d{4}, 0\.\d{4}\]/);
  const bad = await runCli("reward", "compare", "examples/rewards/doorkey-sparse.yaml", "examples/rewards/doorkey-naive.yaml", "--env", "DoorKey-5x5", "--gamma", "2");
  expect(bad.err).toBe('error: --gamma: expected a number in [0, 1], got "2"\n');
});
