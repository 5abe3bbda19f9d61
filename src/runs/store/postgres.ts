/**
 * The shared store: PostgreSQL through node-postgres, for runs written from
 * several processes or machines at once (sweep workers, a dashboard). The
 * queries and migrations are `KyselyStore`'s, compiled by Kysely's
 * PostgreSQL dialect; only execution differs. Writes are asynchronous (no
 * `writeSync`): a `RunWriter` flushes in the background, so a killed
 * process may lose the rows of its last second, never a committed
 * checkpoint.
 *
 * Migrations run in one transaction under an advisory lock, so workers
 * opening a fresh database together do not race.
 *
 * @example
 * const store = await PostgresStore.open("postgres://rewardlab@127.0.0.1:5432/lab");
 */
import pg from "pg";
import { Kysely, PostgresDialect, sql, type Compilable } from "kysely";
import { UserError } from "../../core/errors.js";
import { KyselyStore } from "./kysely-store.js";
import { redactUrl } from "./postgres-url.js";
import { MIGRATIONS, SCHEMA_VERSION, createVersionTable, OUR_TABLES, type Database } from "./schema.js";


/**
 * node-postgres returns int8 (bigint: steps, counts) and NUMERIC (avg() over
 * integers) as text, to keep their precision; rewardlab's are below 2^53.
 * Parsed as numbers on this store's connections only, not process-wide.
 */
const TYPES = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === pg.types.builtins.INT8 || oid === pg.types.builtins.NUMERIC ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** An arbitrary constant: the advisory lock migrations hold. */
const MIGRATION_LOCK = 7_130_224_201;

export class PostgresStore extends KyselyStore {
  private closed = false;

  private constructor(
    readonly url: string,
    pool: pg.Pool,
  ) {
    super(new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }));
  }

  /** Connects, refuses a database holding other tables or a newer schema, and migrates. */
  static async open(url: string, options: { poolSize?: number } = {}): Promise<PostgresStore> {
    const where = redactUrl(url);
    let config: pg.PoolConfig;
    try {
      config = { connectionString: url, max: options.poolSize ?? 4, connectionTimeoutMillis: 10_000, types: TYPES };
      new URL(url);
    } catch {
      throw new UserError(where, "expected a PostgreSQL URL like postgres://user@host:5432/database");
    }
    const pool = new pg.Pool(config);
    // An idle client that loses its server must not crash the process; the next query reports it.
    pool.on("error", () => {});
    const store = new PostgresStore(url, pool);
    try {
      await store.probe();
      await store.migrate();
    } catch (e) {
      await pool.end().catch(() => {});
      throw store.userError(e);
    }
    return store;
  }

  get where(): string {
    return redactUrl(this.url);
  }

  /** The schema version the database is at. */
  async schemaVersion(): Promise<number> {
    const [row] = await this.query(this.db.selectFrom("schema_version").select((eb) => eb.fn.max("version").as("version")));
    return Number(row?.version ?? 0);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.db.destroy();
  }

  // ── execution ──────────────────────────────────────────────

  protected async query<R>(q: Compilable<R>): Promise<R[]> {
    try {
      return (await this.db.executeQuery(q.compile())).rows;
    } catch (e) {
      throw this.userError(e);
    }
  }

  protected async transaction(queries: readonly Compilable[]): Promise<void> {
    try {
      await this.db.transaction().execute(async (trx) => {
        for (const q of queries) await trx.executeQuery(q.compile());
      });
    } catch (e) {
      throw this.userError(e);
    }
  }

  /** Connection and permission failures as one line naming the store; query bugs stay errors. */
  private userError(e: unknown): unknown {
    if (e instanceof UserError) return e;
    const err = e as { code?: string; message?: string };
    const where = redactUrl(this.url);
    const code = err.code ?? "";
    if (["ECONNREFUSED", "ENOTFOUND", "ETIMEDOUT", "ECONNRESET", "EHOSTUNREACH"].includes(code) || /timeout|terminated/i.test(err.message ?? "")) {
      return new UserError(where, `cannot reach PostgreSQL (${err.message})`);
    }
    // Class 28: authorization; 3D000: no such database; 42501: insufficient privilege; 53: insufficient resources; 57P: shutdown.
    if (code.startsWith("28") || code === "3D000" || code === "42501" || code.startsWith("53") || code.startsWith("57P")) {
      return new UserError(where, `PostgreSQL refused (${err.message})`);
    }
    return e;
  }

  // ── schema ─────────────────────────────────────────────────

  /** Refuses a schema that holds other tables, or one from a newer rewardlab. */
  private async probe(): Promise<void> {
    const { rows } = await sql<{ table_name: string }>`select table_name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(this.db);
    const tables = rows.map((r) => r.table_name);
    const foreign = tables.filter((t) => !OUR_TABLES.has(t));
    if (foreign.length > 0) throw new UserError(redactUrl(this.url), `not a rewardlab run store (its schema has other tables: ${foreign.slice(0, 5).join(", ")})`);
    if (tables.includes("schema_version")) {
      const version = await this.schemaVersion();
      if (version > SCHEMA_VERSION) throw new UserError(redactUrl(this.url), `the run store is at schema version ${version}, newer than this rewardlab's ${SCHEMA_VERSION}; upgrade rewardlab`);
    }
  }

  private async migrate(): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK})`.execute(trx);
      await trx.executeQuery(createVersionTable(this.db).compile());
      const [row] = (await trx.executeQuery(this.db.selectFrom("schema_version").select((eb) => eb.fn.max("version").as("version")).compile())).rows as { version: number | null }[];
      const current = Number(row?.version ?? 0);
      for (const m of MIGRATIONS) {
        if (m.version <= current) continue;
        for (const q of m.up(this.db, { bytes: "bytea" })) await trx.executeQuery(q.compile());
        await trx.executeQuery(this.db.insertInto("schema_version").values({ version: m.version, applied_at: new Date().toISOString() }).compile());
      }
    });
  }
}
