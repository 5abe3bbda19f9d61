/**
 * User errors raised inside training worker threads. Only the built code
 * (dist/, which `npm test` builds first) runs trainings in worker threads;
 * from sources they stay in-process, so these tests load compare.js from
 * dist/ and compare errors by class name and fields (dist's UserError is
 * not this file's).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, test } from "vitest";
import { packageFile } from "../core/paths.js";
import { runCli } from "../test-utils/cli.js";
import { RunConfig } from "./config.js";
import type * as Compare from "./compare.js";
import { openStore } from "./store/index.js";

const { compareDesigns } = (await import(packageFile("dist/src/runs/compare.js"))) as typeof Compare;
const dir = mkdtempSync(join(tmpdir(), "rewardlab-worker-errors-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base = RunConfig.parse({ env: { id: "DoorKey-5x5" }, numEnvs: 4, learner: { algo: "ppo", numSteps: 32 }, steps: 4096, seeds: [0] });
const badReward = { terms: [{ kind: "task" }, { name: "bad", kind: "expression", expr: "agent.z" }] } as RunConfig["reward"];

async function rejection(p: Promise<unknown>): Promise<{ name: string; path: string; message: string }> {
  return p.then(
    () => expect.fail("expected a rejection"),
    (e) => e,
  );
}

test("a UserError raised in a worker thread reaches the caller as a UserError with its path", async () => {
  const e = await rejection(compareDesigns({ ...base, env: { id: "NoSuchEnv", kwargs: {} } }, [{ name: "x", reward: base.reward }], { workers: 1 }));
  expect(e.name).toBe("UserError");
  expect(e.path).toBe("env.id");
  expect(e.message).toMatch(/^env\.id: unknown environment "NoSuchEnv"/);
});

test("a stored run that fails on a user error in a worker is marked failed with the message, and resuming it is one line", async () => {
  const db = join(dir, "failed.db");
  const e = await rejection(compareDesigns(base, [{ name: "bad", reward: badReward }], { workers: 1, persist: { dbPath: db } }));
  expect(e.name).toBe("UserError");
  const store = await openStore(db);
  const [run] = await store.listRuns();
  await store.close();
  expect(run.status).toBe("failed");
  expect(run.error).toBe(e.message);
  expect(run.error).toMatch(/^reward\.terms\[1\]\.expr: unknown feature "agent\.z"/);

  const resumed = await runCli("train", "--resume", run.id, "--db", db, "--no-report");
  expect(resumed.code).toBe(2);
  expect(resumed.err).toBe(`error: --resume: run ${run.id} failed (${e.message}); it cannot be resumed: fix the config and train it again\n`);
});

test("when one run fails in a worker, the others stop at their next iteration as interrupted, not left running", async () => {
  const db = join(dir, "mixed.db");
  const good = { name: "good", reward: base.reward };
  const t0 = performance.now();
  const e = await rejection(compareDesigns({ ...base, steps: 10_000_000 }, [good, { name: "bad", reward: badReward }], { workers: 2, persist: { dbPath: db } }));
  expect(e.name).toBe("UserError");
  // Ten million steps would take minutes; the good run stopped instead.
  expect(performance.now() - t0).toBeLessThan(30_000);
  const store = await openStore(db);
  const runs = await store.listRuns();
  await store.close();
  expect(Object.fromEntries(runs.map((r) => [r.name, r.status]))).toEqual({ good: "interrupted", bad: "failed" });
});
