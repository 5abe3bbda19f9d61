import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { RunConfig } from "./config.js";
import { runPersisted } from "./persist.js";
import { openStore } from "./store/index.js";
import { runTraining } from "./train.js";

const config = RunConfig.parse({
  name: "resume-test",
  env: { id: "DoorKey-5x5", kwargs: { maxSteps: 40 } },
  numEnvs: 4,
  reward: { terms: [{ kind: "task" }, { kind: "event", event: "pickup:key", weight: 0.2, once: true }], transforms: [{ type: "normalize" }] },
  learner: { algo: "ppo", numSteps: 32 },
  steps: 128 * 8,
  seeds: [3],
});

test("a stored run stopped midway resumes from its checkpoint and ends as the uninterrupted run does", async () => {
  const straight = runTraining(config, 3);

  const db = join(mkdtempSync(join(tmpdir(), "rewardlab-persist-")), "runs.db");
  let iterations = 0;
  const stopped = await runPersisted(config, 3, { dbPath: db, checkpointEvery: 128 }, { shouldStop: () => ++iterations === 3 });
  expect(stopped.interrupted).toBe(true);
  let store = await openStore(db);
  expect((await store.getRun(stopped.runId))?.status).toBe("interrupted");
  expect((await store.latestCheckpoint(stopped.runId))?.step).toBe(3 * 128);
  // Only the latest checkpoint is kept.
  expect((await store.listCheckpoints(stopped.runId)).length).toBe(1);
  await store.close();

  const resumed = await runPersisted(config, 3, { dbPath: db, resumeId: stopped.runId });
  expect(resumed.runId).toBe(stopped.runId);
  expect(resumed.interrupted).toBe(false);
  for (const key of ["steps", "episodes", "finalPrimary", "finalSuccess", "finalReturn", "stepsToThreshold", "termReturns", "curve"] as const) {
    expect(resumed[key], key).toEqual(straight[key]);
  }
  store = await openStore(db);
  const run = await store.getRun(stopped.runId);
  expect(run?.status).toBe("finished");
  // Every episode of the whole run is stored once.
  const rows = await store.episodes(stopped.runId);
  expect(rows.length).toBe(straight.episodes);
  expect((await store.metricSeries(stopped.runId, "losses/policy_loss")).length).toBe(8);
  await store.close();
}, 60_000);

test("resuming a run without a checkpoint is a one-line error", async () => {
  const db = join(mkdtempSync(join(tmpdir(), "rewardlab-persist-")), "runs.db");
  const done = await runPersisted({ ...config, steps: 128 }, 3, { dbPath: db, checkpointEvery: 1e9 });
  await expect(runPersisted(config, 3, { dbPath: db, resumeId: done.runId })).rejects.toThrow(`--resume: run ${done.runId} has no checkpoint to resume from`);
});
