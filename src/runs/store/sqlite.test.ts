import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { afterAll, describe, expect, test } from "vitest";
import { UserError } from "../../core/errors.js";
import { MIGRATIONS, SCHEMA_VERSION } from "./schema.js";
import { loadRecording, saveRecording } from "./recordings.js";
import { SweepTables } from "./sweeps.js";
import { SqliteStore, type OpenOptions } from "./sqlite.js";

/** SQLite's own store (these tests are about the file). */
const openStore = async (path: string, options?: OpenOptions) => SqliteStore.open(path, options);

const dir = mkdtempSync(join(tmpdir(), "rewardlab-sqlite-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = (name = "store.db") => join(dir, `${n++}-${name}`);
const hash = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

/** A store file with one run and some rows, closed (its WAL checkpointed into the file). */
async function makeStore(path = fresh()): Promise<string> {
  const store = await openStore(path);
  const run = await store.createRun({ name: "r", config: {}, seed: 0, envId: "E", reward: {}, learner: "ppo" });
  await store.logMetrics(run.id, Array.from({ length: 300 }, (_, i) => ({ step: i, key: "k", value: i })));
  await store.close();
  return path;
}

/** Overwrites the start of the page that holds `table`'s root with garbage. */
function corruptTable(path: string, table: string): void {
  const db = new BetterSqlite3(path); // read-write, so closing leaves no -wal or -shm behind
  const { rootpage } = db.prepare("select rootpage from sqlite_master where name = ?").get(table) as { rootpage: number };
  const pageSize = db.pragma("page_size", { simple: true }) as number;
  db.close();
  const bytes = readFileSync(path);
  const start = Math.max(100, (rootpage - 1) * pageSize);
  for (let i = start; i < start + 64; i++) bytes[i] = 0xa5;
  writeFileSync(path, bytes);
}

/** The UserError `openStore` (then `listRuns`) gives for `path`, checking the file is byte for byte unchanged. */
async function refusal(path: string): Promise<UserError> {
  const before = hash(path);
  const files = readdirSync(dir).sort();
  let error: unknown;
  try {
    const store = await openStore(path);
    try {
      await store.listRuns();
    } finally {
      await store.close();
    }
  } catch (e) {
    error = e;
  }
  expect(hash(path)).toBe(before);
  expect(readdirSync(dir).sort()).toEqual(files); // no -wal or -shm left behind either
  expect(error).toBeInstanceOf(UserError);
  expect((error as Error).message.split("\n")).toHaveLength(1);
  return error as UserError;
}

describe("opening a store", () => {
  test("a new file gets the schema at the latest version, WAL journal, synchronous NORMAL and foreign keys", async () => {
    const path = fresh();
    const store = await openStore(path);
    expect(store.settings()).toEqual({ journalMode: "wal", synchronous: 1, foreignKeys: true });
    expect(store.schemaVersion()).toBe(SCHEMA_VERSION);
    expect(store.integrityCheck()).toEqual(["ok"]);
    await store.close();
  });

  test("reopening keeps the runs and applies no migration twice", async () => {
    const path = await makeStore();
    const store = await openStore(path);
    expect((await store.listRuns()).length).toBe(1);
    await store.close();
    const db = new BetterSqlite3(path, { readonly: true });
    expect(db.prepare("select version from schema_version").all()).toEqual(MIGRATIONS.map((m) => ({ version: m.version })));
    db.close();
  });

  test("a store at schema version 1 is migrated: its runs get no process start, are still recovered by pid, and can take evaluations, designs, sweeps and recordings", async () => {
    const path = await makeStore();
    const old = new BetterSqlite3(path);
    old.exec("alter table runs drop column process_start; drop table evaluations; alter table episodes drop column trial_episode; drop table design_calls; drop table design_candidates; drop table designs; drop table sweep_rungs; drop table sweep_trials; drop table sweeps; drop table run_recordings; delete from schema_version where version > 1");
    old.prepare("update runs set pid = ?").run(2 ** 22 + 1); // above Linux's highest pid: no such process
    old.close();
    const store = await openStore(path);
    expect(store.schemaVersion()).toBe(SCHEMA_VERSION);
    const [run] = await store.listRuns();
    expect(run.status).toBe("running");
    expect(await store.recoverInterrupted()).toEqual([run.id]);
    await store.write(run.id, { evaluations: [{ step: 5, policy: "greedy", episode: 0, seed: 9, primary: 1, success: 1, length: 3 }] });
    expect(await store.evaluations(run.id)).toHaveLength(1);
    const design = await store.createDesign({ name: "d", designer: "evolution", config: {}, options: {} });
    await store.saveDesignCandidate(design.id, { id: "i0-0", iteration: 0, position: 0, score: 0.5, data: { spec: 1 } });
    expect(await store.designCandidates(design.id)).toEqual([{ id: "i0-0", iteration: 0, data: { spec: 1 } }]);
    const sweep = await new SweepTables(store).create("s", {}, [{ trial: 0, configIndex: 0, params: {}, seed: 0 }]);
    expect((await new SweepTables(store).trials(sweep.id)).map((t) => t.status)).toEqual(["pending"]);
    await saveRecording(store, run.id, { visits: null });
    expect(await loadRecording(store, run.id)).toEqual({ visits: null });
    await store.close();
  });

  test("an empty file becomes a store; a missing one is created unless told not to", async () => {
    const empty = fresh();
    writeFileSync(empty, "");
    await (await openStore(empty)).close();
    await expect(openStore(join(dir, "missing.db"), { create: false })).rejects.toThrow(/missing\.db: no run store here/);
  });
});

describe("files that are not a usable store are refused in one line and left unchanged", () => {
  test("a text file", async () => {
    const path = fresh("notes.db");
    writeFileSync(path, "these are my notes, not a database\n".repeat(40));
    expect((await refusal(path)).message).toBe(`${path}: not a rewardlab run store (not an SQLite database)`);
  });

  test("a file with an SQLite header and garbage after it", async () => {
    const path = fresh();
    writeFileSync(path, Buffer.concat([Buffer.from("SQLite format 3\0"), Buffer.alloc(4080, 0x5a)]));
    expect((await refusal(path)).message).toMatch(/: (not a rewardlab run store|the run store is corrupt)/);
  });

  test("a store whose schema page is corrupt", async () => {
    const path = await makeStore();
    const bytes = readFileSync(path);
    for (let i = 100; i < 160; i++) bytes[i] = 0xff; // page 1: the schema's b-tree header
    writeFileSync(path, bytes);
    expect((await refusal(path)).message).toMatch(new RegExp(`^${path}: the run store is corrupt \\(`));
  });

  test("a store whose runs table is corrupt fails on reading it", async () => {
    const path = await makeStore();
    corruptTable(path, "runs");
    expect((await refusal(path)).message).toMatch(/: the run store is corrupt \(database disk image is malformed\)$/);
  });

  test("another program's SQLite database", async () => {
    const path = fresh("other.sqlite");
    const db = new BetterSqlite3(path);
    db.exec("create table customers (id integer primary key, name text); insert into customers (name) values ('ada')");
    db.close();
    expect((await refusal(path)).message).toBe(`${path}: not a rewardlab run store (it has other tables: customers)`);
  });

  test("a store from a newer rewardlab", async () => {
    const path = await makeStore();
    const db = new BetterSqlite3(path);
    db.prepare("insert into schema_version (version, applied_at) values (?, ?)").run(SCHEMA_VERSION + 1, "2099-01-01");
    db.close();
    expect((await refusal(path)).message).toMatch(`at schema version ${SCHEMA_VERSION + 1}, newer than this rewardlab's ${SCHEMA_VERSION}`);
  });

  test("a directory", async () => {
    const path = fresh("folder.db");
    mkdirSync(path);
    await expect(openStore(path)).rejects.toThrow(`${path}: expected a run store file, got a directory`);
  });
});
