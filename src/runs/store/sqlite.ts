/**
 * The default store: one SQLite file through better-sqlite3, in WAL mode with
 * `synchronous = NORMAL` (a commit survives a killed process; a power cut may
 * lose the last few commits, never the file). Queries come from Kysely's
 * builder (`KyselyStore`), compiled, then run synchronously on the
 * connection: better-sqlite3 is synchronous anyway, and this way a
 * `RunWriter` can flush from inside a synchronous training loop or an exit
 * handler (`writeSync`).
 *
 * @example
 * const store = await openStore("./rewardlab.db");
 * const run = await store.createRun({ name: "doorkey", config, seed: 0, envId: "DoorKey-8x8", reward, learner: "ppo" });
 */
import { existsSync, openSync, readSync, closeSync, statSync } from "node:fs";
import BetterSqlite3 from "better-sqlite3";
import { DummyDriver, Kysely, SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler, type Compilable } from "kysely";
import { UserError } from "../../core/errors.js";
import { KyselyStore } from "./kysely-store.js";
import { MIGRATIONS, SCHEMA_VERSION, createVersionTable, OUR_TABLES, type Database } from "./schema.js";
import type { SyncWriteStore } from "./store.js";
import type { EndStatus, WriteBatch } from "./types.js";

export const DEFAULT_STORE_PATH = "./rewardlab.db";

export interface OpenOptions {
  /** Create the file if it does not exist (default true). */
  create?: boolean;
  /** Milliseconds to wait for another process's write lock (default 5000). */
  busyTimeoutMs?: number;
}

const SQLITE_HEADER = "SQLite format 3\0";

export class SqliteStore extends KyselyStore implements SyncWriteStore {
  private readonly statements = new Map<string, BetterSqlite3.Statement>();
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly sqlite: BetterSqlite3.Database,
  ) {
    // Kysely only builds and compiles here; the connection runs the SQL.
    super(
      new Kysely<Database>({
        dialect: {
          createAdapter: () => new SqliteAdapter(),
          createDriver: () => new DummyDriver(),
          createIntrospector: (db) => new SqliteIntrospector(db),
          createQueryCompiler: () => new SqliteQueryCompiler(),
        },
      }),
    );
  }

  static open(path: string, options: OpenOptions = {}): SqliteStore {
    const exists = path !== ":memory:" && existsSync(path);
    if (path !== ":memory:") checkFile(path, exists, options.create ?? true);
    let sqlite: BetterSqlite3.Database;
    try {
      sqlite = new BetterSqlite3(path, { fileMustExist: exists, timeout: options.busyTimeoutMs ?? 5000 });
    } catch (e) {
      throw new UserError(path, `cannot open the run store: ${(e as Error).message}`);
    }
    const store = new SqliteStore(path, sqlite);
    try {
      // Reads only, before anything could write to a file that is not ours.
      store.probe();
      sqlite.pragma("journal_mode = WAL");
      sqlite.pragma("synchronous = NORMAL");
      sqlite.pragma("foreign_keys = ON");
      store.migrate();
    } catch (e) {
      sqlite.close();
      throw store.userError(e);
    }
    return store;
  }

  get where(): string {
    return this.path;
  }

  /** `PRAGMA integrity_check`: "ok", or the problems found. */
  integrityCheck(): string[] {
    return this.guard(() => this.sqlite.pragma("integrity_check", { simple: false }) as { integrity_check: string }[]).map((r) => r.integrity_check);
  }

  /** The connection's journal mode, `synchronous` level (1 is NORMAL) and foreign-key enforcement. */
  settings(): { journalMode: string; synchronous: number; foreignKeys: boolean } {
    return this.guard(() => ({
      journalMode: String(this.sqlite.pragma("journal_mode", { simple: true })),
      synchronous: Number(this.sqlite.pragma("synchronous", { simple: true })),
      foreignKeys: Number(this.sqlite.pragma("foreign_keys", { simple: true })) === 1,
    }));
  }

  /** The schema version the file is at. */
  schemaVersion(): number {
    return this.currentVersion();
  }

  writeSync(runId: string, batch: WriteBatch): void {
    this.transactionSync(this.writeQueries(runId, batch));
  }

  finishRunSync(id: string, status: EndStatus = "finished", error?: string): void {
    this.runSync(this.finishQuery(id, status, error));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.statements.clear();
    this.sqlite.close();
  }

  // ── execution ──────────────────────────────────────────────

  protected async query<R>(q: Compilable<R>): Promise<R[]> {
    return this.runSync(q);
  }

  protected async transaction(queries: readonly Compilable[]): Promise<void> {
    this.transactionSync(queries);
  }

  private runSync<R>(q: Compilable<R>): R[] {
    const compiled = q.compile();
    return this.guard(() => {
      const stmt = this.prepare(compiled.sql);
      const params = compiled.parameters as unknown[];
      if (stmt.reader) return stmt.all(...params) as R[];
      stmt.run(...params);
      return [];
    });
  }

  private transactionSync(queries: readonly Compilable[]): void {
    // IMMEDIATE: take the write lock up front (waiting up to the busy timeout) rather than fail on upgrade.
    this.guard(() => this.sqlite.transaction(() => queries.forEach((q) => this.runSync(q))).immediate());
  }

  private prepare(text: string): BetterSqlite3.Statement {
    let stmt = this.statements.get(text);
    if (!stmt) {
      if (this.statements.size >= 256) this.statements.clear();
      stmt = this.sqlite.prepare(text);
      this.statements.set(text, stmt);
    }
    return stmt;
  }

  /** Runs `f`, turning a corrupt or unreadable file into a one-line `UserError`. */
  private guard<T>(f: () => T): T {
    try {
      return f();
    } catch (e) {
      throw this.userError(e);
    }
  }

  private userError(e: unknown): unknown {
    if (!(e instanceof BetterSqlite3.SqliteError)) return e;
    const code = e.code;
    if (code.startsWith("SQLITE_NOTADB")) return new UserError(this.path, "not a rewardlab run store (not an SQLite database)");
    if (code.startsWith("SQLITE_CORRUPT")) return new UserError(this.path, `the run store is corrupt (${e.message})`);
    if (code.startsWith("SQLITE_BUSY")) return new UserError(this.path, `the run store stayed locked by another process (${e.message})`);
    if (code.startsWith("SQLITE_READONLY") || code.startsWith("SQLITE_CANTOPEN") || code.startsWith("SQLITE_IOERR") || code.startsWith("SQLITE_FULL")) {
      return new UserError(this.path, `cannot write the run store (${e.message})`);
    }
    return e;
  }

  // ── schema ─────────────────────────────────────────────────

  /** Refuses SQLite files that hold other tables, or are from a newer rewardlab. */
  private probe(): void {
    const master = this.db as unknown as Kysely<{ sqlite_master: { name: string; type: string } }>;
    const tables = this.runSync(master.selectFrom("sqlite_master").select("name").where("type", "=", "table")).map((t) => t.name);
    const foreign = tables.filter((t) => !OUR_TABLES.has(t) && !t.startsWith("sqlite_"));
    if (foreign.length > 0) {
      throw new UserError(this.path, `not a rewardlab run store (it has other tables: ${foreign.slice(0, 5).join(", ")})`);
    }
    if (tables.includes("schema_version")) {
      const version = this.currentVersion();
      if (version > SCHEMA_VERSION) {
        throw new UserError(this.path, `the run store is at schema version ${version}, newer than this rewardlab's ${SCHEMA_VERSION}; upgrade rewardlab`);
      }
    }
  }

  private currentVersion(): number {
    const [row] = this.runSync(this.db.selectFrom("schema_version").select((eb) => eb.fn.max("version").as("version")));
    return Number(row?.version ?? 0);
  }

  /** Applies pending migrations in one IMMEDIATE transaction, so two processes opening a new file do not race. */
  private migrate(): void {
    this.guard(() =>
      this.sqlite
        .transaction(() => {
          this.runSync(createVersionTable(this.db));
          const current = this.currentVersion();
          for (const m of MIGRATIONS) {
            if (m.version <= current) continue;
            for (const q of m.up(this.db, { bytes: "blob" })) this.runSync(q);
            this.runSync(this.db.insertInto("schema_version").values({ version: m.version, applied_at: new Date().toISOString() }));
          }
        })
        .immediate(),
    );
  }
}

/** Checks an existing file's header without opening it for writing. */
function checkFile(path: string, exists: boolean, create: boolean): void {
  if (!exists) {
    if (!create) throw new UserError(path, "no run store here (it is created when a run is recorded)");
    return;
  }
  const stat = statSync(path);
  if (stat.isDirectory()) throw new UserError(path, "expected a run store file, got a directory");
  if (stat.size === 0) return; // an empty file is an empty database
  const header = Buffer.alloc(16);
  const fd = openSync(path, "r");
  try {
    readSync(fd, header, 0, 16, 0);
  } finally {
    closeSync(fd);
  }
  if (stat.size < 512 || header.toString("latin1") !== SQLITE_HEADER) {
    throw new UserError(path, "not a rewardlab run store (not an SQLite database)");
  }
}
