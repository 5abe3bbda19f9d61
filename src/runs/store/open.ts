/**
 * Where runs are stored, by location: a `postgres://` URL is the shared
 * PostgreSQL store, anything else an SQLite file. Commands take `--db`;
 * without it, `REWARDLAB_DB`, else ./rewardlab.db.
 */
import type { PostgresStore } from "./postgres.js";
import { DEFAULT_STORE_PATH, SqliteStore, type OpenOptions } from "./sqlite.js";

import { isPostgresUrl } from "./postgres-url.js";

export { isPostgresUrl, redactUrl } from "./postgres-url.js";

export type AnyStore = SqliteStore | PostgresStore;

/** `REWARDLAB_DB`, else ./rewardlab.db. */
export const defaultStoreLocation = (): string => process.env.REWARDLAB_DB || DEFAULT_STORE_PATH;

/**
 * Opens (creating and migrating) the store at `location`. A file that is
 * not an SQLite database, is corrupt, belongs to something else or to a
 * newer rewardlab, a database that cannot be reached or holds other tables,
 * is a `UserError` naming the store, and is left as it was. `create: false`
 * refuses a missing SQLite file (a PostgreSQL database exists already).
 */
export async function openStore(location: string = defaultStoreLocation(), options: OpenOptions = {}): Promise<AnyStore> {
  if (isPostgresUrl(location)) {
    // Loaded only here: SQLite users never load the PostgreSQL driver.
    const { PostgresStore } = await import("./postgres.js");
    return PostgresStore.open(location);
  }
  return SqliteStore.open(location, options);
}
