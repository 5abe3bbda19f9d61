export { SqliteStore, DEFAULT_STORE_PATH, type OpenOptions } from "./sqlite.js";
export { openStore, defaultStoreLocation, isPostgresUrl, redactUrl, type AnyStore } from "./open.js";
export type { PostgresStore } from "./postgres.js";
export { KyselyStore } from "./kysely-store.js";
export { RunWriter, type RunWriterOptions } from "./writer.js";
export { findRun, newRunId, newComparisonId } from "./ids.js";
export { processAlive } from "./liveness.js";
export { canWriteSync, type Store, type SyncWriteStore, type RecoverOptions } from "./store.js";
export { MIGRATIONS, SCHEMA_VERSION, type Database, type Migration, type ColumnTypes } from "./schema.js";
export {
  RUN_STATUSES,
  type RunStatus,
  type EndStatus,
  type NewRun,
  type RunRecord,
  type RunFilter,
  type NewComparison,
  type Comparison,
  type NewDesign,
  type DesignRecord,
  type DesignEntry,
  type MetricRow,
  type MetricPoint,
  type EpisodeRow,
  type EpisodeQuery,
  type EpisodeWindow,
  type EpisodeSummary,
  type NewCheckpoint,
  type Checkpoint,
  type WriteBatch,
} from "./types.js";
