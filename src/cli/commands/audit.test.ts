import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { packageFile } from "../../core/paths.js";
import { openStore } from "../../runs/store/index.js";
import { runCli } from "../../test-utils/cli.js";

// The shipped examples, trained for real (shorter than their configs ask), then audited.
const gameable = ["pickup-farming", "door-farming", "survival-bonus"];
const sound = ["sparse", "potential", "key-once"];
const dir = mkdtempSync(join(tmpdir(), "rewardlab-audit-"));
const db = join(dir, "lab.db");
const ids: Record<string, string> = {};

beforeAll(async () => {
  for (const name of [...gameable, ...sound]) {
    const r = await runCli("train", packageFile(`examples/audit/${name}.yaml`), "--steps", "60000", "--db", db, "--no-report");
    expect(r.code).toBe(0);
  }
  const store = await openStore(db, { create: false });
  for (const run of await store.listRuns()) ids[run.name] = run.id;
  await store.close();
}, 600_000);

type Audit = { findings: { kind: string; term?: string }[]; replays: { events: Record<string, number> }[] };
const auditOf = async (name: string): Promise<Audit> => {
  const r = await runCli("audit", ids[name], "--db", db, "--json", "--replays", "1");
  expect(r.code).toBe(0);
  return JSON.parse(r.out) as Audit;
};

describe("the audit of the shipped examples", () => {
  test("flags the re-collectable pickup bonus as farming, and its replay picks the key up and drops it again and again", async () => {
    const a = await auditOf("pickup-farming");
    expect(a.findings.map((f) => f.kind)).toContain("event-farming");
    expect(a.findings.find((f) => f.kind === "event-farming")!.term).toBe("key");
    expect(a.replays[0].events["pickup:key"]).toBeGreaterThanOrEqual(3);
    expect(a.replays[0].events["drop:key"]).toBeGreaterThanOrEqual(3);
  });

  test("flags door-toggle farming", async () => {
    const a = await auditOf("door-farming");
    expect(a.findings.some((f) => f.term === "door" && (f.kind === "event-farming" || f.kind === "dominant-term"))).toBe(true);
  });

  test("flags the survival bonus as stalling", async () => {
    const a = await auditOf("survival-bonus");
    expect(a.findings.map((f) => f.kind)).toContain("stalling");
  });

  test.each(sound)("does not flag the sound design %s", async (name) => {
    const a = await auditOf(name);
    expect(a.findings).toEqual([]);
  });

  test("prints findings with evidence and writes them into the run's report; an unknown run is a one-line error", async () => {
    const report = join(dir, "audit.html");
    const r = await runCli("audit", ids["pickup-farming"], "--db", db, "--report", report, "--replays", "1");
    expect(r.out).toMatch(/⚠ event-farming \(key\): "pickup:key" pays every time and fires [\d.]+ times per late episode/);
    expect(r.out).toMatch(/e\.g\. episode ending at step \d+ \(env \d\): firings \d+/);
    expect(r.out).toMatch(/Replay \(held-out seed 2147483648\): \d+ steps/);
    expect(readFileSync(report, "utf8")).toContain("event-farming (key)");
    const unknown = await runCli("audit", "nope", "--db", db);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/^error: run: /);
  });
});
