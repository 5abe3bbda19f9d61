/**
 * The tables, as Kysely sees them, and the migrations that make them. A
 * migration is a list of portable DDL statements built with Kysely's schema
 * builder; the one type that differs between SQLite and PostgreSQL (bytes)
 * comes in through `ColumnTypes`. `schema_version` holds the versions applied.
 *
 * Steps are `bigint` (runs pass 2³¹ steps), reals `double precision`, times
 * ISO-8601 text, JSON as text.
 */
import type { Compilable, Kysely } from "kysely";
import type { RunStatus } from "./types.js";

export interface RunsTable {
  id: string;
  name: string;
  status: RunStatus;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
  config: string;
  seed: number;
  env_id: string;
  reward: string;
  learner: string;
  version: string;
  comparison_id: string | null;
  pid: number | null;
  host: string | null;
  error: string | null;
  /** When the writing process started (`processStart`), to tell it from a later process with its pid. */
  process_start: string | null;
}

export interface RunTagsTable {
  run_id: string;
  tag: string;
}

export interface ComparisonsTable {
  id: string;
  name: string;
  config: string;
  created_at: string;
}

export interface MetricsTable {
  run_id: string;
  step: number;
  key: string;
  /** NULL stands for NaN. */
  value: number | null;
}

export interface EpisodesTable {
  run_id: string;
  step: number;
  env: number;
  length: number;
  return_total: number;
  return_primary: number;
  /** 1, 0, or NULL for tasks without success. */
  success: number | null;
  terms: string;
  /** The episode's place in its trial (0: the first on its task). */
  trial_episode: number;
}

/** One evaluation episode (config `evaluation`): the policy at `step`, reset with `seed`. */
export interface EvaluationsTable {
  run_id: string;
  step: number;
  policy: string;
  episode: number;
  seed: number;
  return_primary: number;
  /** 1, 0, or NULL for tasks without success. */
  success: number | null;
  length: number;
}

export interface CheckpointsTable {
  run_id: string;
  step: number;
  path: string | null;
  data: Uint8Array | null;
  state: string | null;
  rng: string | null;
  created_at: string;
}

/** A reward design (`rewardlab design`): its config and options, and when it ended its result (JSON). */
export interface DesignsTable {
  id: string;
  name: string;
  status: string;
  created_at: string;
  finished_at: string | null;
  /** `evolution`, or the model's name. */
  designer: string;
  config: string;
  options: string;
  /** The comparison its candidates' training runs are stored under. */
  comparison_id: string | null;
  result: string | null;
}

/** One candidate of a design, its whole lineage record as JSON; `score` for ordering. */
export interface DesignCandidatesTable {
  design_id: string;
  candidate_id: string;
  iteration: number;
  position: number;
  score: number | null;
  data: string;
}

/** One exchange of a design with its model (prompt, reply, tokens) as JSON. */
export interface DesignCallsTable {
  design_id: string;
  call_id: number;
  iteration: number;
  stage: string;
  prompt_tokens: number;
  completion_tokens: number;
  data: string;
}

/** A sweep: its whole config (base run config and search, resolved) as JSON. */
export interface SweepsTable {
  id: string;
  name: string;
  status: string;
  created_at: string;
  updated_at: string;
  config: string;
}

/**
 * One trial of a sweep: a configuration (its parameters as JSON) on one
 * training seed, trained in steps to its rungs. `step` is how far it has
 * trained; `value` its latest primary return (at a rung, or its final one).
 */
export interface SweepTrialsTable {
  sweep_id: string;
  trial: number;
  config_index: number;
  params: string;
  seed: number;
  status: string;
  run_id: string | null;
  step: number;
  value: number | null;
  attempts: number;
  worker: string | null;
  error: string | null;
  updated_at: string;
}

/** A trial's primary return when it reached rung `rung` (ASHA's record). */
export interface SweepRungsTable {
  sweep_id: string;
  rung: number;
  trial: number;
  value: number;
}

/** What a run recorded for its report while training (visits, evaluation replays), as JSON. */
export interface RunRecordingsTable {
  run_id: string;
  data: string;
  created_at: string;
}

export interface SchemaVersionTable {
  version: number;
  applied_at: string;
}

export interface Database {
  runs: RunsTable;
  run_tags: RunTagsTable;
  comparisons: ComparisonsTable;
  metrics: MetricsTable;
  episodes: EpisodesTable;
  evaluations: EvaluationsTable;
  checkpoints: CheckpointsTable;
  designs: DesignsTable;
  design_candidates: DesignCandidatesTable;
  design_calls: DesignCallsTable;
  sweeps: SweepsTable;
  sweep_trials: SweepTrialsTable;
  sweep_rungs: SweepRungsTable;
  run_recordings: RunRecordingsTable;
  schema_version: SchemaVersionTable;
}

/** Column types that differ by database. */
export interface ColumnTypes {
  /** `blob` in SQLite, `bytea` in PostgreSQL. */
  bytes: "blob" | "bytea";
}

export interface Migration {
  version: number;
  description: string;
  up(db: Kysely<Database>, types: ColumnTypes): Compilable[];
}

/** Every table the migrations make: a store holding any other is not rewardlab's. */
export const OUR_TABLES = new Set(["schema_version", "runs", "run_tags", "comparisons", "metrics", "episodes", "evaluations", "checkpoints", "designs", "design_candidates", "design_calls", "sweeps", "sweep_trials", "sweep_rungs", "run_recordings"]);

/** The table that records applied migrations (created before any migration runs). */
export const createVersionTable = (db: Kysely<Database>): Compilable =>
  db.schema
    .createTable("schema_version")
    .ifNotExists()
    .addColumn("version", "integer", (c) => c.primaryKey())
    .addColumn("applied_at", "text", (c) => c.notNull());

/** Every migration, in order. Append; never edit one that has shipped. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: "runs, comparisons, tags, metrics, episodes, checkpoints",
    up: (db, types) => [
      db.schema
        .createTable("comparisons")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("config", "text", (c) => c.notNull())
        .addColumn("created_at", "text", (c) => c.notNull()),
      db.schema
        .createTable("runs")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("updated_at", "text", (c) => c.notNull())
        .addColumn("finished_at", "text")
        .addColumn("config", "text", (c) => c.notNull())
        .addColumn("seed", "bigint", (c) => c.notNull())
        .addColumn("env_id", "text", (c) => c.notNull())
        .addColumn("reward", "text", (c) => c.notNull())
        .addColumn("learner", "text", (c) => c.notNull())
        .addColumn("version", "text", (c) => c.notNull())
        .addColumn("comparison_id", "text", (c) => c.references("comparisons.id"))
        .addColumn("pid", "integer")
        .addColumn("host", "text")
        .addColumn("error", "text"),
      db.schema.createIndex("runs_status").on("runs").columns(["status", "created_at"]),
      db.schema.createIndex("runs_comparison").on("runs").column("comparison_id"),
      db.schema
        .createTable("run_tags")
        .addColumn("run_id", "text", (c) => c.notNull().references("runs.id"))
        .addColumn("tag", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("run_tags_pk", ["run_id", "tag"]),
      db.schema.createIndex("run_tags_tag").on("run_tags").column("tag"),
      db.schema
        .createTable("metrics")
        .addColumn("run_id", "text", (c) => c.notNull().references("runs.id"))
        .addColumn("step", "bigint", (c) => c.notNull())
        .addColumn("key", "text", (c) => c.notNull())
        .addColumn("value", "double precision"),
      db.schema.createIndex("metrics_run_key_step").on("metrics").columns(["run_id", "key", "step"]),
      db.schema
        .createTable("episodes")
        .addColumn("run_id", "text", (c) => c.notNull().references("runs.id"))
        .addColumn("step", "bigint", (c) => c.notNull())
        .addColumn("env", "integer", (c) => c.notNull())
        .addColumn("length", "integer", (c) => c.notNull())
        .addColumn("return_total", "double precision", (c) => c.notNull())
        .addColumn("return_primary", "double precision", (c) => c.notNull())
        .addColumn("success", "double precision")
        .addColumn("terms", "text", (c) => c.notNull()),
      db.schema.createIndex("episodes_run_step").on("episodes").columns(["run_id", "step"]),
      db.schema
        .createTable("checkpoints")
        .addColumn("run_id", "text", (c) => c.notNull().references("runs.id"))
        .addColumn("step", "bigint", (c) => c.notNull())
        .addColumn("path", "text")
        .addColumn("data", types.bytes)
        .addColumn("state", "text")
        .addColumn("rng", "text")
        .addColumn("created_at", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("checkpoints_pk", ["run_id", "step"]),
    ],
  },
  {
    version: 2,
    description: "runs.process_start: the writing process's start, so a reused pid is not taken for it",
    up: (db) => [db.schema.alterTable("runs").addColumn("process_start", "text")],
  },
  {
    version: 3,
    description: "evaluations: episodes of the policy on held-out seeds, apart from training's",
    up: (db) => [
      db.schema
        .createTable("evaluations")
        .addColumn("run_id", "text", (c) => c.notNull().references("runs.id"))
        .addColumn("step", "bigint", (c) => c.notNull())
        .addColumn("policy", "text", (c) => c.notNull())
        .addColumn("episode", "integer", (c) => c.notNull())
        .addColumn("seed", "bigint", (c) => c.notNull())
        .addColumn("return_primary", "double precision", (c) => c.notNull())
        .addColumn("success", "double precision")
        .addColumn("length", "integer", (c) => c.notNull())
        // One row per episode of an evaluation: a resumed run that plays an evaluation again replaces its rows.
        .addPrimaryKeyConstraint("evaluations_pk", ["run_id", "step", "policy", "episode"]),
    ],
  },
  {
    version: 4,
    description: "episodes.trial_episode: an episode's place in its trial (meta-RL), 0 where every episode is a new trial",
    up: (db) => [db.schema.alterTable("episodes").addColumn("trial_episode", "integer", (c) => c.notNull().defaultTo(0))],
  },
  {
    version: 5,
    description: "designs, design_candidates, design_calls: the lineage of reward designs",
    up: (db) => [
      db.schema
        .createTable("designs")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("finished_at", "text")
        .addColumn("designer", "text", (c) => c.notNull())
        .addColumn("config", "text", (c) => c.notNull())
        .addColumn("options", "text", (c) => c.notNull())
        .addColumn("comparison_id", "text", (c) => c.references("comparisons.id"))
        .addColumn("result", "text"),
      db.schema
        .createTable("design_candidates")
        .addColumn("design_id", "text", (c) => c.notNull().references("designs.id"))
        .addColumn("candidate_id", "text", (c) => c.notNull())
        .addColumn("iteration", "integer", (c) => c.notNull())
        .addColumn("position", "integer", (c) => c.notNull())
        .addColumn("score", "double precision")
        .addColumn("data", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("design_candidates_pk", ["design_id", "candidate_id"]),
      db.schema
        .createTable("design_calls")
        .addColumn("design_id", "text", (c) => c.notNull().references("designs.id"))
        .addColumn("call_id", "integer", (c) => c.notNull())
        .addColumn("iteration", "integer", (c) => c.notNull())
        .addColumn("stage", "text", (c) => c.notNull())
        .addColumn("prompt_tokens", "integer", (c) => c.notNull())
        .addColumn("completion_tokens", "integer", (c) => c.notNull())
        .addColumn("data", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("design_calls_pk", ["design_id", "call_id"]),
    ],
  },
  {
    version: 6,
    description: "sweeps, sweep_trials, sweep_rungs: hyperparameter and reward sweeps with early stopping",
    up: (db) => [
      db.schema
        .createTable("sweeps")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("updated_at", "text", (c) => c.notNull())
        .addColumn("config", "text", (c) => c.notNull()),
      db.schema
        .createTable("sweep_trials")
        .addColumn("sweep_id", "text", (c) => c.notNull().references("sweeps.id"))
        .addColumn("trial", "integer", (c) => c.notNull())
        .addColumn("config_index", "integer", (c) => c.notNull())
        .addColumn("params", "text", (c) => c.notNull())
        .addColumn("seed", "bigint", (c) => c.notNull())
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("run_id", "text", (c) => c.references("runs.id"))
        .addColumn("step", "bigint", (c) => c.notNull())
        .addColumn("value", "double precision")
        .addColumn("attempts", "integer", (c) => c.notNull())
        .addColumn("worker", "text")
        .addColumn("error", "text")
        .addColumn("updated_at", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("sweep_trials_pk", ["sweep_id", "trial"]),
      db.schema
        .createTable("sweep_rungs")
        .addColumn("sweep_id", "text", (c) => c.notNull().references("sweeps.id"))
        .addColumn("rung", "integer", (c) => c.notNull())
        .addColumn("trial", "integer", (c) => c.notNull())
        .addColumn("value", "double precision", (c) => c.notNull())
        .addPrimaryKeyConstraint("sweep_rungs_pk", ["sweep_id", "rung", "trial"]),
    ],
  },
  {
    version: 7,
    description: "run_recordings: a run's visits and evaluation replays, for reports and the dashboard after the fact",
    up: (db) => [
      db.schema
        .createTable("run_recordings")
        .addColumn("run_id", "text", (c) => c.primaryKey().references("runs.id"))
        .addColumn("data", "text", (c) => c.notNull())
        .addColumn("created_at", "text", (c) => c.notNull()),
    ],
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;
