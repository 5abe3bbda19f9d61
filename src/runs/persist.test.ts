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

/** Every stored row of a run: metrics (but the wall-clock `charts/SPS`), episodes and checkpoints. */
async function storedRows(db: string, id: string) {
  const store = await openStore(db);
  try {
    const keys = (await store.metricKeys(id)).filter((k) => k !== "charts/SPS");
    const metrics = Object.fromEntries(await Promise.all(keys.map(async (k) => [k, await store.metricSeries(id, k)] as const)));
    const checkpoint = await store.latestCheckpoint(id);
    return { metrics, episodes: await store.episodes(id), checkpoints: (await store.listCheckpoints(id)).map((c) => c.step), state: checkpoint?.state };
  } finally {
    await store.close();
  }
}

test.each([
  { dies: 5, checkpoint: 512 },
  { dies: 1, checkpoint: undefined },
])("a trainer that died in iteration $dies (last checkpoint: $checkpoint) resumes to the rows of an uninterrupted run, the rows it wrote after the checkpoint replaced", async ({ dies, checkpoint }) => {
  const db = join(mkdtempSync(join(tmpdir(), "rewardlab-persist-")), "runs.db");
  const quiet = { ...config, checkpoint: { seconds: 1e9 } };
  const straight = await runPersisted(quiet, 3, { dbPath: db, checkpointEvery: 256 });
  let iterations = 0;
  const die = () => {
    if (++iterations === dies) throw new Error("died");
  };
  // The writer flushes the dying iteration's rows as the run ends, as a kill after a flush would leave them.
  await expect(runPersisted(quiet, 3, { dbPath: db, checkpointEvery: 256 }, { onIteration: die })).rejects.toThrow("died");
  let store = await openStore(db);
  const [died] = (await store.listRuns()).filter((r) => r.id !== straight.runId);
  expect((await store.latestCheckpoint(died.id))?.step).toBe(checkpoint);
  expect((await store.metricSeries(died.id, "losses/policy_loss")).at(-1)?.step).toBe(dies * 128);
  await store.close();

  const resumed = await runPersisted(quiet, 3, { dbPath: db, resumeId: died.id, checkpointEvery: 256 });
  expect(resumed.episodes).toBe(straight.episodes);
  const [a, b] = [await storedRows(db, straight.runId), await storedRows(db, died.id)];
  expect(a.episodes.length).toBe(straight.episodes);
  expect(a.metrics["losses/policy_loss"].length).toBe(8);
  expect(a.checkpoints).toEqual([1024]); // the final state, the only one kept
  expect(b).toEqual(a);
}, 60_000);

test("checkpoints come by time as well as by steps, and at the end", () => {
  const steps = (options: { every?: number; seconds?: number }) => {
    const saved: number[] = [];
    runTraining(config, 3, {}, undefined, { ...options, onCheckpoint: (step) => saved.push(step) });
    return saved;
  };
  expect(steps({})).toEqual([1024]);
  expect(steps({ every: 384 })).toEqual([384, 768, 1024]);
  expect(steps({ seconds: 0 })).toEqual([128, 256, 384, 512, 640, 768, 896, 1024]);
  expect(steps({ seconds: 1e9, every: 512 })).toEqual([512, 1024]);
}, 60_000);
