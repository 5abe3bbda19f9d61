/**
 * A real process writes a run and dies: killed with SIGKILL mid-write,
 * stopped with SIGINT, or exiting without closing its writer. The child runs
 * the TypeScript sources through test-utils/ts-loader.mjs, so no build is needed.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, test } from "vitest";
import { SqliteStore, type OpenOptions } from "./sqlite.js";

/** SQLite's own store (these tests are about the file). */
const openStore = async (path: string, options?: OpenOptions) => SqliteStore.open(path, options);

const dir = mkdtempSync(join(tmpdir(), "rewardlab-store-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const loader = new URL("./test-utils/ts-loader.mjs", import.meta.url).href;
const childFile = fileURLToPath(new URL("./test-utils/writer-child.mjs", import.meta.url));

type Line = { ready?: string; pid?: number; committed?: number; added?: number; time?: number };

/** Starts the child; `lines` collects its JSON lines, `waitFor` resolves on the first line that matches. */
function startChild(db: string, mode: "kill" | "sigint" | "exit") {
  const child = spawn(process.execPath, ["--import", loader, childFile, db, mode], { stdio: ["ignore", "pipe", "pipe"] });
  const lines: Line[] = [];
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const waiters: { test: (l: Line) => boolean; resolve: (l: Line) => void }[] = [];
  createInterface({ input: child.stdout }).on("line", (text) => {
    const line = JSON.parse(text) as Line;
    lines.push(line);
    for (const w of [...waiters]) if (w.test(line)) (waiters.splice(waiters.indexOf(w), 1), w.resolve(line));
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  const waitFor = (test: (l: Line) => boolean) =>
    new Promise<Line>((resolve, reject) => {
      waiters.push({ test, resolve });
      void exited.then((e) => reject(new Error(`child exited (${e.code ?? e.signal}) before the awaited line; stderr: ${stderr}`)));
    });
  return { child, lines, waitFor, exited, stderr: () => stderr };
}

describe.concurrent("a writing process that dies", () => {
  test("killed with SIGKILL mid-run: the store reopens intact with every flushed row and the run is recovered as interrupted", async () => {
    const db = join(dir, "kill.db");
    const c = startChild(db, "kill");
    const ready = await c.waitFor((l) => l.ready !== undefined);
    // Let it write for a while (several 200 ms flushes), then kill it at a moment unrelated to its flushes.
    await new Promise((r) => setTimeout(r, 1500));
    const killedAt = Date.now();
    c.child.kill("SIGKILL");
    expect((await c.exited).signal).toBe("SIGKILL");
    const lastCommitted = Math.max(...c.lines.map((l) => l.committed ?? 0));
    expect(existsSync(`${db}-wal`)).toBe(true); // the kill left a WAL to recover

    const store = await openStore(db);
    try {
      expect(store.integrityCheck()).toEqual(["ok"]);
      const run = await store.getRun(ready.ready as string);
      expect(run).toMatchObject({ status: "running", pid: ready.pid });

      const episodes = await store.episodes(run!.id);
      const steps = episodes.map((e) => e.step);
      expect(steps.length).toBeGreaterThanOrEqual(lastCommitted);
      expect(steps).toEqual(Array.from({ length: steps.length }, (_, i) => i + 1)); // no gaps, nothing half-written
      expect(episodes[steps.length - 1]).toEqual({ step: steps.length, env: 0, length: 1, return: steps.length, primary: steps.length / 2, success: steps.length % 2, trialEpisode: 0, terms: { task: steps.length / 2 } });
      const times = await store.metricSeries(run!.id, "time");
      expect(Math.abs(times.length - steps.length)).toBeLessThanOrEqual(1);
      // At most the last second before the kill is lost (flushes every 200 ms).
      expect(times[times.length - 1].value).toBeGreaterThan(killedAt - 1000);

      expect(await store.recoverInterrupted()).toEqual([run!.id]);
      expect((await store.getRun(run!.id))?.status).toBe("interrupted");
      expect(await store.recoverInterrupted()).toEqual([]);
    } finally {
      await store.close();
    }
  }, 15_000);

  test("stopped with SIGINT, a writer with signals on flushes every row, ends the run as interrupted, and the process still dies of the signal", async () => {
    const db = join(dir, "sigint.db");
    const c = startChild(db, "sigint");
    const ready = await c.waitFor((l) => l.ready !== undefined);
    await c.waitFor((l) => (l.added ?? 0) >= 20);
    c.child.kill("SIGINT");
    expect(await c.exited).toEqual({ code: null, signal: "SIGINT" });
    const added = Math.max(...c.lines.map((l) => l.added ?? 0));
    const store = await openStore(db);
    try {
      expect((await store.getRun(ready.ready as string))?.status).toBe("interrupted");
      expect((await store.episodes(ready.ready as string)).length).toBe(added);
    } finally {
      await store.close();
    }
  }, 15_000);

  test("exiting without closing its writer, the process flushes on exit and ends the run as interrupted", async () => {
    const db = join(dir, "exit.db");
    const c = startChild(db, "exit");
    const ready = await c.waitFor((l) => l.ready !== undefined);
    expect((await c.exited).code).toBe(3);
    expect(c.stderr()).toBe("");
    const store = await openStore(db);
    try {
      expect((await store.getRun(ready.ready as string))?.status).toBe("interrupted");
      expect((await store.episodes(ready.ready as string)).length).toBe(50);
      expect((await store.metricSeries(ready.ready as string, "time")).length).toBe(50);
    } finally {
      await store.close();
    }
  }, 15_000);
});
