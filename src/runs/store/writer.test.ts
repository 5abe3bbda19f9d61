import { afterEach, beforeEach, expect, test } from "vitest";
import { SqliteStore, type OpenOptions } from "./sqlite.js";

/** SQLite's own store (these tests are about the file). */
const openStore = async (path: string, options?: OpenOptions) => SqliteStore.open(path, options);
import type { Store } from "./store.js";
import type { EpisodeRow } from "./types.js";
import { RunWriter } from "./writer.js";

let store: SqliteStore;
let runId: string;
const writers: RunWriter[] = [];
beforeEach(async () => {
  store = await openStore(":memory:");
  runId = (await store.createRun({ name: "w", config: {}, seed: 0, envId: "E", reward: {}, learner: "ppo" })).id;
});
afterEach(async () => {
  for (const w of writers.splice(0)) w.detach();
  await store.close();
});

const writer = (s: Store, options: ConstructorParameters<typeof RunWriter>[2]) => {
  const w = new RunWriter(s, runId, { onExit: false, ...options });
  writers.push(w);
  return w;
};
const episode = (step: number): EpisodeRow => ({ step, env: 0, length: 1, return: 1, primary: 1, success: 1, trialEpisode: 0, terms: { task: 1 } });
const stored = async () => (await store.episodes(runId)).length;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("rows are written in batches once maxRows wait", async () => {
  const w = writer(store, { maxRows: 10, intervalMs: 60_000 });
  for (let i = 1; i <= 25; i++) w.episode(episode(i));
  expect(await stored()).toBe(20);
  expect(w.buffered).toBe(5);
  await w.flush();
  expect(await stored()).toBe(25);
  expect(w.written).toBe(25);
});

test("rows older than intervalMs are written by the next add, even in a loop that never yields", async () => {
  const w = writer(store, { maxRows: 1000, intervalMs: 30 });
  w.episode(episode(1));
  w.metrics(1, { "losses/policy_loss": 0.5, "charts/SPS": 1000 });
  expect(await stored()).toBe(0);
  const until = Date.now() + 40;
  while (Date.now() < until); // a synchronous training loop: no timer can fire
  w.episode(episode(2));
  expect(await stored()).toBe(2);
  expect(await store.lastMetrics(runId)).toEqual({ "charts/SPS": { step: 1, value: 1000 }, "losses/policy_loss": { step: 1, value: 0.5 } });
});

test("the timer writes rows when the program is idle", async () => {
  const w = writer(store, { intervalMs: 20 });
  w.episode(episode(1));
  await sleep(80);
  expect(await stored()).toBe(1);
});

test("close writes what waits and ends the run; a closed writer refuses rows", async () => {
  const w = writer(store, { intervalMs: 60_000 });
  w.episodes([episode(1), episode(2)]);
  await w.close("failed", "diverged");
  expect(await stored()).toBe(2);
  expect(await store.getRun(runId)).toMatchObject({ status: "failed", error: "diverged" });
  expect(() => w.episode(episode(3))).toThrow(/is closed/);
});

test("with a store that writes only asynchronously, a failed write is reported once and its rows are retried", async () => {
  let failNext = true;
  const asyncOnly: Store = Object.assign(Object.create(store) as Store, {
    writeSync: undefined,
    write: async (id: string, batch: Parameters<Store["write"]>[1]) => {
      if (failNext) {
        failNext = false;
        throw new Error("connection reset");
      }
      return store.write(id, batch);
    },
  });
  const w = writer(asyncOnly, { maxRows: 2, intervalMs: 60_000 });
  w.episodes([episode(1), episode(2)]); // flushes in the background, and fails
  await expect(w.flush()).rejects.toThrow("connection reset");
  expect(w.buffered).toBe(2);
  w.episode(episode(3));
  await w.flush();
  expect((await store.episodes(runId)).map((e) => e.step)).toEqual([1, 2, 3]);
});

test("RunWriter.start creates the run it writes to", async () => {
  const w = await RunWriter.start(store, { name: "started", config: { a: 1 }, seed: 1, envId: "E", reward: {}, learner: "q" }, { onExit: false });
  writers.push(w);
  w.metric(5, "charts/SPS", 10);
  await w.close();
  expect(await store.getRun(w.runId)).toMatchObject({ name: "started", status: "finished" });
  expect(await store.metricSeries(w.runId, "charts/SPS")).toEqual([{ step: 5, value: 10 }]);
});

test("a checkpoint is committed with the rows before it, in one transaction, and replaces the earlier ones", async () => {
  const w = writer(store, { intervalMs: 60_000 });
  w.episodes([episode(1), episode(2)]);
  await w.checkpoint({ step: 2, state: { at: 2 } });
  expect(await stored()).toBe(2);
  w.episode(episode(3));
  // A checkpoint the database refuses (a step that is not a number): neither it nor the rows are written.
  expect(() => w.checkpoint({ step: NaN, state: { at: 3 } })).toThrow();
  expect(await stored()).toBe(2);
  expect(w.buffered).toBe(1);
  await w.checkpoint({ step: 3, state: { at: 3 } });
  expect(await stored()).toBe(3);
  expect(await store.listCheckpoints(runId)).toMatchObject([{ step: 3 }]);
  expect((await store.latestCheckpoint(runId))?.state).toEqual({ at: 3 });
});
