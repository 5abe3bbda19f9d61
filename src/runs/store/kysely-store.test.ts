/**
 * Every query of the store, run against SQLite and against a real
 * PostgreSQL (see test-utils/postgres.ts): the same tests, both backends.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { UserError } from "../../core/errors.js";
import { postgresAvailable, startTestPostgres, type TestPostgres } from "../../test-utils/postgres.js";
import { findRun } from "./ids.js";
import { openStore, type AnyStore } from "./open.js";
import type { EpisodeRow, NewRun } from "./types.js";

let store: AnyStore;
/** A fresh, empty store of the backend under test. */
let openFresh: () => Promise<AnyStore>;

const newRun = (over: Partial<NewRun> = {}): NewRun => ({
  name: "doorkey-potential",
  config: { env: { id: "DoorKey-8x8" }, steps: 1000, learner: { algo: "ppo", lr: 2.5e-4 } },
  seed: 3,
  envId: "DoorKey-8x8",
  reward: { terms: [{ kind: "task" }, { kind: "potential", phi: "-goal.distance" }] },
  learner: "ppo",
  ...over,
});

const episode = (step: number, env = 0, over: Partial<EpisodeRow> = {}): EpisodeRow => ({
  step,
  env,
  length: 10 + env,
  return: step / 100,
  primary: step / 200,
  success: step % 2,
  trialEpisode: step % 3,
  terms: { task: step / 200, potential: step / 200 },
  ...over,
});

/** Rows of every table that belong to a run. */
async function rowCounts(id: string) {
  return {
    metrics: (await store.metricKeys(id)).length ? (await Promise.all((await store.metricKeys(id)).map((k) => store.metricSeries(id, k)))).flat().length : 0,
    episodes: (await store.episodes(id)).length,
    checkpoints: (await store.listCheckpoints(id)).length,
    run: (await store.getRun(id)) ? 1 : 0,
  };
}

for (const backend of ["sqlite", "postgres"] as const) {
  describe.skipIf(backend === "postgres" && !postgresAvailable)(`${backend} store${backend === "postgres" && !postgresAvailable ? " (no PostgreSQL here: set REWARDLAB_TEST_POSTGRES or install postgresql)" : ""}`, () => {
    let server: TestPostgres | undefined;
    beforeAll(async () => {
      if (backend === "postgres") server = await startTestPostgres();
      openFresh = async () => openStore(server ? await server.newDatabase() : ":memory:");
    }, 60_000);
    afterAll(async () => server?.stop(), 30_000);
    beforeEach(async () => {
      store = await openFresh();
    });
    afterEach(() => store.close());

    describe("round trips", () => {
      test("a run comes back with its config, reward, tags and owner as created", async () => {
        const comparison = await store.createComparison({ name: "doorkey designs", config: { designs: ["sparse", "potential"] } });
        const created = await store.createRun(newRun({ comparisonId: comparison.id, tags: ["baseline", "doorkey", "baseline"], createdAt: new Date("2025-03-14T09:30:12Z") }));
        expect(created.id).toMatch(/^20250314-093012-[0-9a-f]{6}$/);
        const got = await store.getRun(created.id);
        expect(got).toEqual(created);
        expect(got).toMatchObject({
          name: "doorkey-potential",
          status: "running",
          seed: 3,
          envId: "DoorKey-8x8",
          learner: "ppo",
          comparisonId: comparison.id,
          tags: ["baseline", "doorkey"],
          pid: process.pid,
          finishedAt: null,
          createdAt: "2025-03-14T09:30:12.000Z",
        });
        expect(got?.config).toEqual(newRun().config);
        expect(got?.reward).toEqual(newRun().reward);
        expect(await store.getRun("nope")).toBeUndefined();
      });

      test("a comparison comes back as created and lists newest first", async () => {
        const a = await store.createComparison({ name: "a", config: { x: [1, 2] }, createdAt: new Date("2025-01-01T00:00:00Z") });
        const b = await store.createComparison({ name: "b", config: null, createdAt: new Date("2025-02-01T00:00:00Z") });
        expect(await store.getComparison(a.id)).toEqual({ id: a.id, name: "a", config: { x: [1, 2] }, createdAt: "2025-01-01T00:00:00.000Z" });
        expect((await store.listComparisons()).map((c) => c.name)).toEqual(["b", "a"]);
        expect(b.id.startsWith("c2025")).toBe(true);
      });

      test("metrics come back as series per key in step order, NaN kept, with each key's last value", async () => {
        const { id } = await store.createRun(newRun());
        await store.logMetrics(id, [
          { step: 200, key: "losses/policy_loss", value: -0.5 },
          { step: 100, key: "losses/policy_loss", value: 0.25 },
          { step: 100, key: "charts/SPS", value: 5000 },
          { step: 300, key: "losses/policy_loss", value: NaN },
        ]);
        expect(await store.metricSeries(id, "losses/policy_loss")).toEqual([
          { step: 100, value: 0.25 },
          { step: 200, value: -0.5 },
          { step: 300, value: NaN },
        ]);
        expect(await store.metricSeries(id, "losses/policy_loss", { fromStep: 150, toStep: 250 })).toEqual([{ step: 200, value: -0.5 }]);
        expect(await store.metricKeys(id)).toEqual(["charts/SPS", "losses/policy_loss"]);
        expect(await store.lastMetrics(id)).toEqual({ "charts/SPS": { step: 100, value: 5000 }, "losses/policy_loss": { step: 300, value: NaN } });
      });

      test("episodes come back field for field, with NaN success and NaN term returns kept", async () => {
        const { id } = await store.createRun(newRun());
        const rows = [episode(50, 1), episode(50, 0), episode(70, 2, { success: NaN, terms: { task: NaN, potential: -1.5 } })];
        await store.logEpisodes(id, rows);
        expect(await store.episodes(id)).toEqual([rows[1], rows[0], rows[2]]);
        expect(await store.episodes(id, { limit: 2 })).toEqual([rows[0], rows[2]]);
        expect(await store.episodes(id, { fromStep: 60 })).toEqual([rows[2]]);
      });

      test("a checkpoint comes back with its bytes, state and RNG; a second one at the same step replaces it", async () => {
        const { id } = await store.createRun(newRun());
        expect(await store.latestCheckpoint(id)).toBeUndefined();
        await store.saveCheckpoint(id, { step: 1000, path: "ckpt/1000.json", rng: { s: [1, 2, 3, 4] }, state: { iteration: 3 } });
        await store.saveCheckpoint(id, { step: 2000, data: new Uint8Array([0, 255, 7]), rng: { s: [5] } });
        await store.saveCheckpoint(id, { step: 2000, data: new Uint8Array([9, 9]), rng: { s: [6] } });
        const latest = await store.latestCheckpoint(id);
        expect(latest).toMatchObject({ runId: id, step: 2000, path: null, state: null, rng: { s: [6] } });
        expect([...(latest?.data ?? [])]).toEqual([9, 9]);
        expect((await store.listCheckpoints(id)).map((c) => [c.step, c.path])).toEqual([
          [1000, "ckpt/1000.json"],
          [2000, null],
        ]);
      });
    });

    describe("batched writes", () => {
      test("a batch of thousands of metrics and episodes is written whole, in chunks", async () => {
        const { id } = await store.createRun(newRun());
        const metrics = Array.from({ length: 2600 }, (_, i) => ({ step: i, key: i % 2 ? "a" : "b", value: i }));
        const episodes = Array.from({ length: 1234 }, (_, i) => episode(i));
        await store.write(id, { metrics, episodes });
        expect((await store.metricSeries(id, "a")).length).toBe(1300);
        expect((await store.episodes(id)).length).toBe(1234);
        expect((await store.episodeSummary(id, 1234)).meanReturn).toBeCloseTo(616.5 / 100, 10);
      });

      test("a batch with one bad row in a later chunk writes nothing at all", async () => {
        const { id } = await store.createRun(newRun());
        const episodes = Array.from({ length: 900 }, (_, i) => episode(i));
        episodes[700] = { ...episodes[700], terms: undefined as never }; // NOT NULL column: fails in the second chunk
        await expect(store.logEpisodes(id, episodes)).rejects.toThrow(/NOT NULL|not-null/);
        expect(await store.episodes(id)).toEqual([]);
      });

      test("rows for an unknown run are refused", async () => {
        await expect(store.logMetrics("no-such-run", [{ step: 1, key: "a", value: 1 }])).rejects.toThrow(/FOREIGN KEY|foreign key/);
      });
    });

    describe("queries", () => {
      test("runs list newest first and filter by status, env, comparison and tag", async () => {
        const cmp = await store.createComparison({ name: "c", config: {} });
        const a = await store.createRun(newRun({ name: "a", createdAt: new Date("2025-01-01T00:00:00Z"), tags: ["x"] }));
        const b = await store.createRun(newRun({ name: "b", envId: "CartPole-v1", createdAt: new Date("2025-01-02T00:00:00Z"), comparisonId: cmp.id }));
        const c = await store.createRun(newRun({ name: "c", createdAt: new Date("2025-01-03T00:00:00Z"), comparisonId: cmp.id, tags: ["x", "y"] }));
        await store.finishRun(a.id);
        await store.finishRun(b.id, "failed", "NaN in policy loss");
        const names = async (f: Parameters<AnyStore["listRuns"]>[0]) => (await store.listRuns(f)).map((r) => r.name);
        expect(await names({})).toEqual(["c", "b", "a"]);
        expect(await names({ order: "oldest", limit: 2 })).toEqual(["a", "b"]);
        expect(await names({ status: "running" })).toEqual(["c"]);
        expect(await names({ status: ["finished", "failed"] })).toEqual(["b", "a"]);
        expect(await names({ status: [] })).toEqual([]);
        expect(await names({ envId: "DoorKey-8x8" })).toEqual(["c", "a"]);
        expect(await names({ comparisonId: cmp.id })).toEqual(["c", "b"]);
        expect(await names({ tag: "x" })).toEqual(["c", "a"]);
        expect(await names({ tag: "x", comparisonId: cmp.id })).toEqual(["c"]);
        expect((await store.listRuns({ tag: "y" })).map((r) => [r.id, r.tags])).toEqual([[c.id, ["x", "y"]]]);
        const failed = await store.getRun(b.id);
        expect(failed).toMatchObject({ status: "failed", error: "NaN in policy loss" });
        expect(failed?.finishedAt).not.toBeNull();
      });

      test("ending an unknown run is a UserError naming it", async () => {
        await expect(store.finishRun("ghost")).rejects.toThrow(new UserError("run", 'unknown run "ghost"'));
      });

      test("episodes aggregate per window of steps, each term averaged too", async () => {
        const { id } = await store.createRun(newRun());
        await store.logEpisodes(id, [
          episode(100, 0, { length: 10, return: 1, primary: 0, success: 0, terms: { task: 0, bonus: 1 } }),
          episode(900, 1, { length: 20, return: 3, primary: 1, success: 1, terms: { task: 1, bonus: 2 } }),
          episode(1000, 0, { length: 30, return: 5, primary: 1, success: NaN, terms: { task: 1, bonus: 4 } }),
          episode(2999, 0, { length: 40, return: -1, primary: 0, success: 0, terms: { task: 0, bonus: -1 } }),
        ]);
        expect(await store.episodeWindows(id, 1000)).toEqual([
          { step: 0, lastStep: 900, episodes: 2, meanLength: 15, meanReturn: 2, meanPrimary: 0.5, successRate: 0.5, terms: { task: 0.5, bonus: 1.5 } },
          { step: 1000, lastStep: 1000, episodes: 1, meanLength: 30, meanReturn: 5, meanPrimary: 1, successRate: NaN, terms: { task: 1, bonus: 4 } },
          { step: 2000, lastStep: 2999, episodes: 1, meanLength: 40, meanReturn: -1, meanPrimary: 0, successRate: 0, terms: { task: 0, bonus: -1 } },
        ]);
        await expect(store.episodeWindows(id, 0)).rejects.toThrow(/window: expected a whole number of steps ≥ 1, got 0/);
        expect(await store.episodeSummary(id, 2)).toEqual({ episodes: 4, lastStep: 2999, last: 2, meanLength: 35, meanReturn: 2, meanPrimary: 0.5, successRate: 0 });
        const empty = await store.createRun(newRun());
        expect(await store.episodeSummary(empty.id)).toMatchObject({ episodes: 0, lastStep: null, last: 0, meanReturn: NaN });
      });

      test("a run is found by id, by a unique prefix, or named with the closest ids", async () => {
        const a = await store.createRun(newRun({ id: "20250314-093012-a1b2c3" }));
        await store.createRun(newRun({ id: "20250314-093012-ffff00" }));
        expect((await findRun(store, "20250314-093012-a1b2c3")).id).toBe(a.id);
        expect((await findRun(store, "20250314-093012-a1")).id).toBe(a.id);
        await expect(findRun(store, "20250314-093012-a1b2c4")).rejects.toThrow('run: unknown run "20250314-093012-a1b2c4" (did you mean "20250314-093012-a1b2c3"?)');
        await expect(findRun(store, "2025")).rejects.toThrow(/"2025" is the start of 2 run ids/);
        const empty = await openFresh();
        await expect(findRun(empty, "x")).rejects.toThrow('unknown run "x" (the store has no runs)');
        await empty.close();
      });
    });

    describe("deleting and recovering runs", () => {
      test("deleting a run removes every row of it and nothing of the others", async () => {
        const [keep, gone] = [await store.createRun(newRun({ tags: ["t"] })), await store.createRun(newRun({ tags: ["t"] }))];
        for (const id of [keep.id, gone.id]) {
          await store.write(id, { metrics: [{ step: 1, key: "a", value: 1 }, { step: 2, key: "b", value: 2 }], episodes: [episode(1), episode(2)] });
          await store.saveCheckpoint(id, { step: 2, rng: [1] });
        }
        const before = await rowCounts(keep.id);
        expect(before).toEqual({ metrics: 2, episodes: 2, checkpoints: 1, run: 1 });
        expect(await store.deleteRun(gone.id)).toBe(true);
        expect(await rowCounts(gone.id)).toEqual({ metrics: 0, episodes: 0, checkpoints: 0, run: 0 });
        expect(await rowCounts(keep.id)).toEqual(before);
        expect((await store.listRuns({ tag: "t" })).map((r) => r.id)).toEqual([keep.id]);
        expect(await store.deleteRun(gone.id)).toBe(false);
      });

      test("runs whose process is gone are marked interrupted; live, ended and other hosts' runs are left", async () => {
        const dead = await store.createRun(newRun({ pid: 111, host: "here" }));
        const alive = await store.createRun(newRun({ pid: 222, host: "here" }));
        const elsewhere = await store.createRun(newRun({ pid: 111, host: "there" }));
        const done = await store.createRun(newRun({ pid: 111, host: "here" }));
        await store.finishRun(done.id);
        const isAlive = (pid: number) => pid === 222;
        expect(await store.recoverInterrupted({ host: "here", isAlive })).toEqual([dead.id]);
        const interrupted = await store.getRun(dead.id);
        expect(interrupted?.status).toBe("interrupted");
        expect(interrupted?.finishedAt).toBe(interrupted?.updatedAt); // it ended at its last write
        expect((await store.getRun(alive.id))?.status).toBe("running");
        expect((await store.getRun(elsewhere.id))?.status).toBe("running");
        expect((await store.getRun(done.id))?.status).toBe("finished");
        // Another host's run is marked only when stale.
        expect(await store.recoverInterrupted({ host: "here", isAlive, staleAfterMs: 60_000 })).toEqual([]);
        expect(await store.recoverInterrupted({ host: "here", isAlive, staleAfterMs: -1 })).toEqual([elsewhere.id]);
      });
    });

    describe("evaluations", () => {
      const evaluation = (step: number, episode: number, primary: number, policy: "sampled" | "greedy" = "sampled") => ({ step, policy, episode, seed: 2 ** 31 + episode, primary, success: primary > 0.5 ? 1 : 0, length: 10 });

      test("evaluation episodes round-trip (success NaN too); one written again replaces its row; reopening rewinds them with the rest; deleting a run deletes them", async () => {
        const run = await store.createRun(newRun());
        const rows = [evaluation(100, 0, 0.25), evaluation(100, 1, 0.75), evaluation(100, 0, 1, "greedy"), { ...evaluation(200, 0, 0.5), success: NaN }];
        await store.write(run.id, { evaluations: rows });
        expect(await store.evaluations(run.id)).toEqual([rows[0], rows[1], rows[2], rows[3]]);
        // A resumed run plays the evaluation at step 100 again: the same keys replace the rows, none is doubled.
        await store.write(run.id, { evaluations: [evaluation(100, 1, 0.8)] });
        expect((await store.evaluations(run.id)).filter((r) => r.step === 100 && r.policy === "sampled").map((r) => r.primary)).toEqual([0.25, 0.8]);
        await store.reopenRun(run.id, 150);
        expect((await store.evaluations(run.id)).map((r) => r.step)).toEqual([100, 100, 100]);
        await store.deleteRun(run.id);
        expect(await store.evaluations(run.id)).toEqual([]);
      });
    });

    describe("designs", () => {
      test("a design's candidates and calls are kept in order, a candidate saved again is replaced, and the design ends with its result", async () => {
        const design = await store.createDesign({ name: "design-DoorKey", designer: "scripted", config: { env: { id: "DoorKey-5x5" } }, options: { iterations: 2 } });
        expect(design).toMatchObject({ status: "running", finishedAt: null, result: null, comparisonId: null, designer: "scripted" });
        expect(design.id).toMatch(/^d\d{8}-\d{6}-[0-9a-f]{6}$/);
        await store.saveDesignCandidate(design.id, { id: "i0-1", iteration: 0, position: 1, score: NaN, data: { verdict: { ok: false } } });
        await store.saveDesignCandidate(design.id, { id: "i0-0", iteration: 0, position: 0, score: 0.2, data: { score: 0.2 } });
        await store.saveDesignCandidate(design.id, { id: "i0-0", iteration: 0, position: 0, score: 0.2, data: { score: 0.2, finalScore: 0.3 } });
        await store.saveDesignCall(design.id, { id: 0, iteration: 0, stage: "propose", promptTokens: 10, completionTokens: 5, data: { reply: "```yaml\nterms: []\n```" } });
        expect(await store.designCandidates(design.id)).toEqual([
          { id: "i0-0", iteration: 0, data: { score: 0.2, finalScore: 0.3 } },
          { id: "i0-1", iteration: 0, data: { verdict: { ok: false } } },
        ]);
        expect(await store.designCalls(design.id)).toEqual([{ id: 0, iteration: 0, data: { reply: "```yaml\nterms: []\n```" } }]);
        await store.finishDesign(design.id, "finished", { best: "i0-0" });
        const ended = await store.getDesign(design.id);
        expect(ended).toMatchObject({ status: "finished", result: { best: "i0-0" }, config: { env: { id: "DoorKey-5x5" } }, options: { iterations: 2 } });
        expect(ended!.finishedAt).not.toBeNull();
        expect((await store.listDesigns()).map((d) => d.id)).toEqual([design.id]);
        expect(await store.getDesign("nope")).toBeUndefined();
      });
    });
  });
}
