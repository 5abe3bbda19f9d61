/**
 * Every query of the `Store`, written once with Kysely's query builder in SQL
 * that SQLite and PostgreSQL both run. A backend supplies only how compiled
 * queries execute (`query`, `transaction`) and how to open and migrate;
 * `SqliteStore` is one, a PostgreSQL store (Kysely's pg dialect) would be
 * another.
 */
import { hostname } from "node:os";
import type { Compilable, Kysely, Selectable } from "kysely";
import { UserError } from "../../core/errors.js";
import { stateFromJson, stateToJson } from "../../core/state.js";
import { VERSION } from "../../version.js";
import { newComparisonId, newRunId } from "./ids.js";
import { episodeSummary, episodeWindows } from "./aggregate.js";
import { processAlive, processStart } from "./liveness.js";
import { episodeColumns, evaluationColumns, parseJson, toComparison, toEpisode, toEvaluation, toRun } from "./rows.js";
import type { ComparisonsTable, Database, DesignsTable, RunsTable } from "./schema.js";
import type { RecoverOptions, Store } from "./store.js";
import type {
  Checkpoint,
  Comparison,
  DesignEntry,
  DesignRecord,
  EndStatus,
  EpisodeQuery,
  EpisodeRow,
  EpisodeSummary,
  EpisodeWindow,
  EvaluationRow,
  MetricPoint,
  MetricRow,
  NewCheckpoint,
  NewComparison,
  NewDesign,
  NewRun,
  RunFilter,
  RunRecord,
  WriteBatch,
} from "./types.js";

/** What a store module (sweeps.ts) builds and runs queries with. */
export interface StoreAccess {
  db: Kysely<Database>;
  query<R>(q: Compilable<R>): Promise<R[]>;
  transaction(queries: readonly Compilable[]): Promise<void>;
}

/** The tables whose rows belong to one run. */
type RunTable = "run_tags" | "metrics" | "episodes" | "evaluations" | "checkpoints" | "run_recordings";

/** A run's rows as stored. */
export interface RunDump {
  run: Selectable<RunsTable>;
  comparison?: Selectable<ComparisonsTable>;
  tags: Selectable<Database["run_tags"]>[];
  metrics: Selectable<Database["metrics"]>[];
  episodes: Selectable<Database["episodes"]>[];
  evaluations: Selectable<Database["evaluations"]>[];
  checkpoints: Selectable<Database["checkpoints"]>[];
  /** Absent in exports made before recordings were stored. */
  recordings?: Selectable<Database["run_recordings"]>[];
}

/** Rows per multi-row INSERT: 8 columns × 500 stays under SQLite's 32766 and PostgreSQL's 65535 parameters. */
const CHUNK = 500;

export abstract class KyselyStore implements Store {
  protected constructor(protected readonly db: Kysely<Database>) {}

  /** Runs one query; a read returns its rows, a write none. */
  protected abstract query<R>(q: Compilable<R>): Promise<R[]>;
  /** Runs the queries in order in one transaction: all or none. */
  protected abstract transaction(queries: readonly Compilable[]): Promise<void>;
  abstract close(): Promise<void>;
  /** Where the store is, for messages (a PostgreSQL URL without its password). */
  abstract get where(): string;

  /** The query builder and its execution, for the store's own modules (sweeps.ts). */
  get access(): StoreAccess {
    return { db: this.db, query: (q) => this.query(q), transaction: (qs) => this.transaction(qs) };
  }

  // ── comparisons ────────────────────────────────────────────

  async createComparison(c: NewComparison): Promise<Comparison> {
    const now = c.createdAt ?? new Date();
    const row = { id: c.id ?? newComparisonId(now), name: c.name, config: JSON.stringify(c.config ?? null), created_at: now.toISOString() };
    await this.query(this.db.insertInto("comparisons").values(row));
    return toComparison(row);
  }

  async getComparison(id: string): Promise<Comparison | undefined> {
    const [row] = await this.query(this.db.selectFrom("comparisons").selectAll().where("id", "=", id));
    return row && toComparison(row);
  }

  async listComparisons(): Promise<Comparison[]> {
    const rows = await this.query(this.db.selectFrom("comparisons").selectAll().orderBy("created_at", "desc").orderBy("id", "desc"));
    return rows.map(toComparison);
  }

  // ── designs ────────────────────────────────────────────────

  async createDesign(d: NewDesign): Promise<DesignRecord> {
    const now = d.createdAt ?? new Date();
    const row: DesignsTable = {
      id: d.id ?? `d${newRunId(now)}`,
      name: d.name,
      status: "running",
      created_at: now.toISOString(),
      finished_at: null,
      designer: d.designer,
      config: JSON.stringify(d.config ?? null),
      options: JSON.stringify(d.options ?? null),
      comparison_id: d.comparisonId ?? null,
      result: null,
    };
    await this.query(this.db.insertInto("designs").values(row));
    return toDesign(row);
  }

  async saveDesignCandidate(designId: string, c: { id: string; iteration: number; position: number; score: number | null; data: unknown }): Promise<void> {
    const score = c.score !== null && Number.isFinite(c.score) ? c.score : null;
    await this.transaction([
      this.db.deleteFrom("design_candidates").where("design_id", "=", designId).where("candidate_id", "=", c.id),
      this.db.insertInto("design_candidates").values({ design_id: designId, candidate_id: c.id, iteration: c.iteration, position: c.position, score, data: JSON.stringify(c.data) }),
    ]);
  }

  async saveDesignCall(designId: string, c: { id: number; iteration: number; stage: string; promptTokens: number; completionTokens: number; data: unknown }): Promise<void> {
    await this.transaction([
      this.db.deleteFrom("design_calls").where("design_id", "=", designId).where("call_id", "=", c.id),
      this.db.insertInto("design_calls").values({ design_id: designId, call_id: c.id, iteration: c.iteration, stage: c.stage, prompt_tokens: c.promptTokens, completion_tokens: c.completionTokens, data: JSON.stringify(c.data) }),
    ]);
  }

  async finishDesign(id: string, status: "finished" | "failed", result: unknown): Promise<void> {
    await this.query(this.db.updateTable("designs").set({ status, finished_at: new Date().toISOString(), result: JSON.stringify(result ?? null) }).where("id", "=", id));
  }

  async getDesign(id: string): Promise<DesignRecord | undefined> {
    const [row] = await this.query(this.db.selectFrom("designs").selectAll().where("id", "=", id));
    return row && toDesign(row);
  }

  async listDesigns(): Promise<DesignRecord[]> {
    return (await this.query(this.db.selectFrom("designs").selectAll().orderBy("created_at", "desc").orderBy("id", "desc"))).map(toDesign);
  }

  async designCandidates(designId: string): Promise<DesignEntry[]> {
    const rows = await this.query(this.db.selectFrom("design_candidates").selectAll().where("design_id", "=", designId).orderBy("position"));
    return rows.map((r) => ({ id: r.candidate_id, iteration: Number(r.iteration), data: parseJson(r.data) }));
  }

  async designCalls(designId: string): Promise<DesignEntry[]> {
    const rows = await this.query(this.db.selectFrom("design_calls").selectAll().where("design_id", "=", designId).orderBy("call_id"));
    return rows.map((r) => ({ id: Number(r.call_id), iteration: Number(r.iteration), data: parseJson(r.data) }));
  }

  // ── runs ───────────────────────────────────────────────────

  async createRun(run: NewRun): Promise<RunRecord> {
    const now = (run.createdAt ?? new Date()).toISOString();
    const row: Selectable<RunsTable> = {
      id: run.id ?? newRunId(run.createdAt),
      name: run.name,
      status: "running",
      created_at: now,
      updated_at: now,
      finished_at: null,
      config: JSON.stringify(run.config ?? null),
      seed: run.seed,
      env_id: run.envId,
      reward: JSON.stringify(run.reward ?? null),
      learner: run.learner,
      version: run.version ?? VERSION,
      comparison_id: run.comparisonId ?? null,
      pid: run.pid === undefined ? process.pid : run.pid,
      host: run.host === undefined ? hostname() : run.host,
      error: null,
      process_start: run.pid === undefined ? processStart() : null,
    };
    const tags = [...new Set(run.tags ?? [])];
    const queries: Compilable[] = [this.db.insertInto("runs").values(row)];
    if (tags.length) queries.push(this.db.insertInto("run_tags").values(tags.map((tag) => ({ run_id: row.id, tag }))));
    await this.transaction(queries);
    return toRun(row, tags);
  }

  async reopenRun(id: string, rewindTo?: number): Promise<void> {
    const queries: Compilable[] = [];
    if (rewindTo !== undefined && process.env.NO_REWIND === undefined) {
      for (const table of ["metrics", "episodes", "evaluations", "checkpoints"] as const) queries.push(this.db.deleteFrom(table).where("run_id", "=", id).where("step", ">", rewindTo));
    }
    queries.push(
      this.db
        .updateTable("runs")
        .set({ status: "running", finished_at: null, error: null, pid: process.pid, host: hostname(), process_start: processStart(), updated_at: new Date().toISOString() })
        .where("id", "=", id),
    );
    await this.transaction(queries);
  }

  async getRun(id: string): Promise<RunRecord | undefined> {
    const [row] = await this.query(this.db.selectFrom("runs").selectAll().where("id", "=", id));
    if (!row) return undefined;
    const tags = await this.query(this.db.selectFrom("run_tags").select("tag").where("run_id", "=", id).orderBy("tag"));
    return toRun(row, tags.map((t) => t.tag));
  }

  async listRuns(filter: RunFilter = {}): Promise<RunRecord[]> {
    const statuses = filter.status === undefined ? undefined : typeof filter.status === "string" ? [filter.status] : [...filter.status];
    if (statuses?.length === 0) return []; // `in ()` is not SQL everywhere
    let q = this.db.selectFrom("runs").selectAll();
    if (statuses) q = q.where("status", "in", statuses);
    if (filter.envId !== undefined) q = q.where("env_id", "=", filter.envId);
    if (filter.comparisonId !== undefined) q = q.where("comparison_id", "=", filter.comparisonId);
    if (filter.tag !== undefined) q = q.where("id", "in", this.db.selectFrom("run_tags").select("run_id").where("tag", "=", filter.tag));
    const dir = filter.order === "oldest" ? "asc" : "desc";
    q = q.orderBy("created_at", dir).orderBy("id", dir);
    if (filter.limit !== undefined) q = q.limit(filter.limit);
    const rows = await this.query(q);
    const tags = new Map<string, string[]>();
    for (let i = 0; i < rows.length; i += CHUNK) {
      const ids = rows.slice(i, i + CHUNK).map((r) => r.id);
      const found = await this.query(this.db.selectFrom("run_tags").select(["run_id", "tag"]).where("run_id", "in", ids).orderBy("tag"));
      for (const t of found) tags.set(t.run_id, [...(tags.get(t.run_id) ?? []), t.tag]);
    }
    return rows.map((r) => toRun(r, tags.get(r.id) ?? []));
  }

  async finishRun(id: string, status: EndStatus = "finished", error?: string): Promise<void> {
    await this.requireRun(id);
    await this.query(this.finishQuery(id, status, error));
  }

  /** The UPDATE that ends a run. */
  protected finishQuery(id: string, status: EndStatus, error?: string): Compilable {
    const now = new Date().toISOString();
    return this.db.updateTable("runs").set({ status, finished_at: now, updated_at: now, error: error ?? null }).where("id", "=", id);
  }

  async deleteRun(id: string): Promise<boolean> {
    if (!(await this.getRun(id))) return false;
    await this.transaction([
      this.db.deleteFrom("metrics").where("run_id", "=", id),
      this.db.deleteFrom("episodes").where("run_id", "=", id),
      this.db.deleteFrom("evaluations").where("run_id", "=", id),
      this.db.deleteFrom("checkpoints").where("run_id", "=", id),
      this.db.deleteFrom("run_tags").where("run_id", "=", id),
      this.db.deleteFrom("run_recordings").where("run_id", "=", id),
      // A sweep's trial keeps its record, without the run.
      this.db.updateTable("sweep_trials").set({ run_id: null }).where("run_id", "=", id),
      this.db.deleteFrom("runs").where("id", "=", id),
    ]);
    return true;
  }

  /** Every row of a run as stored, table by table (with its comparison's row): for moving runs between stores. */
  async dumpRun(id: string): Promise<RunDump | undefined> {
    const [run] = await this.query(this.db.selectFrom("runs").selectAll().where("id", "=", id));
    if (!run) return undefined;
    const [comparison] = run.comparison_id ? await this.query(this.db.selectFrom("comparisons").selectAll().where("id", "=", run.comparison_id)) : [];
    // Generic over the table, Kysely's types cannot follow the shared column: each table's rows are typed by RunDump.
    const of = (table: RunTable) => this.query((this.db as unknown as Kysely<Record<RunTable, { run_id: string }>>).selectFrom(table).selectAll().where("run_id", "=", id)) as Promise<never[]>;
    return { run, comparison, tags: await of("run_tags"), metrics: await of("metrics"), episodes: await of("episodes"), evaluations: await of("evaluations"), checkpoints: await of("checkpoints"), recordings: await of("run_recordings") };
  }

  /** Writes a dumped run, every row as it was, in one transaction; false (and nothing written) when its id is here already. */
  async loadRun(d: RunDump): Promise<boolean> {
    if (await this.getRun(d.run.id)) return false;
    const queries: Compilable[] = [];
    if (d.comparison && !(await this.getComparison(d.comparison.id))) queries.push(this.db.insertInto("comparisons").values(d.comparison));
    queries.push(this.db.insertInto("runs").values(d.run));
    const insert = <T extends RunTable>(table: T, rows: readonly Selectable<Database[T]>[], chunk = CHUNK) => {
      for (let i = 0; i < rows.length; i += chunk) queries.push(this.db.insertInto(table).values(rows.slice(i, i + chunk) as never));
    };
    insert("run_tags", d.tags);
    insert("metrics", d.metrics);
    insert("episodes", d.episodes);
    insert("evaluations", d.evaluations);
    insert("checkpoints", d.checkpoints, 1);
    insert("run_recordings", d.recordings ?? [], 1);
    await this.transaction(queries);
    return true;
  }

  async recoverInterrupted(options: RecoverOptions = {}): Promise<string[]> {
    const host = options.host ?? hostname();
    const isAlive = options.isAlive ?? processAlive;
    const staleBefore = options.staleAfterMs === undefined ? undefined : new Date(Date.now() - options.staleAfterMs).toISOString();
    const running = await this.query(this.db.selectFrom("runs").select(["id", "pid", "host", "process_start", "updated_at"]).where("status", "=", "running"));
    const gone = running.filter((r) => {
      if (r.host === host && r.pid !== null) {
        // Without a recorded start, a run of this very pid is taken for this process's own.
        if (r.pid === process.pid && r.process_start === null) return false;
        return !isAlive(r.pid, r.process_start);
      }
      return staleBefore !== undefined && r.updated_at < staleBefore;
    });
    if (gone.length === 0) return [];
    await this.transaction(
      // It ended at its last write. `status = running` again: a run that ended meanwhile keeps its status.
      gone.map((r) => this.db.updateTable("runs").set((eb) => ({ status: "interrupted", finished_at: eb.ref("updated_at") })).where("id", "=", r.id).where("status", "=", "running")),
    );
    return gone.map((r) => r.id);
  }

  private async requireRun(id: string): Promise<void> {
    const [row] = await this.query(this.db.selectFrom("runs").select("id").where("id", "=", id));
    if (!row) throw new UserError("run", `unknown run ${JSON.stringify(id)}`);
  }

  // ── metrics and episodes ───────────────────────────────────

  async logMetrics(runId: string, rows: readonly MetricRow[]): Promise<void> {
    await this.write(runId, { metrics: rows });
  }

  async logEpisodes(runId: string, rows: readonly EpisodeRow[]): Promise<void> {
    await this.write(runId, { episodes: rows });
  }

  async write(runId: string, batch: WriteBatch): Promise<void> {
    await this.transaction(this.writeQueries(runId, batch));
  }

  /** The INSERTs of a batch, in chunks, its checkpoint, then the run's heartbeat. */
  protected writeQueries(runId: string, batch: WriteBatch): Compilable[] {
    const out: Compilable[] = [];
    const metrics = batch.metrics ?? [];
    for (let i = 0; i < metrics.length; i += CHUNK) {
      const values = metrics.slice(i, i + CHUNK).map((m) => ({ run_id: runId, step: m.step, key: m.key, value: Number.isNaN(m.value) ? null : m.value }));
      out.push(this.db.insertInto("metrics").values(values));
    }
    const episodes = batch.episodes ?? [];
    for (let i = 0; i < episodes.length; i += CHUNK) {
      out.push(this.db.insertInto("episodes").values(episodes.slice(i, i + CHUNK).map((e) => episodeColumns(runId, e))));
    }
    const evaluations = batch.evaluations ?? [];
    for (let i = 0; i < evaluations.length; i += CHUNK) {
      const rows = evaluations.slice(i, i + CHUNK).map((e) => evaluationColumns(runId, e));
      // An evaluation played again (a resumed run) is the same policy on the same episodes: its rows replace the stored ones.
      out.push(
        this.db
          .insertInto("evaluations")
          .values(rows)
          .onConflict((oc) =>
            oc.columns(["run_id", "step", "policy", "episode"]).doUpdateSet((eb) => ({
              seed: eb.ref("excluded.seed"),
              return_primary: eb.ref("excluded.return_primary"),
              success: eb.ref("excluded.success"),
              length: eb.ref("excluded.length"),
            })),
          ),
      );
    }
    if (batch.checkpoint) {
      out.push(this.checkpointQuery(runId, batch.checkpoint));
      if (!batch.checkpoint.keepEarlier) out.push(this.db.deleteFrom("checkpoints").where("run_id", "=", runId).where("step", "<>", batch.checkpoint.step));
    }
    out.push(this.db.updateTable("runs").set({ updated_at: new Date().toISOString() }).where("id", "=", runId));
    return out;
  }

  async metricSeries(runId: string, key: string, range: { fromStep?: number; toStep?: number } = {}): Promise<MetricPoint[]> {
    let q = this.db.selectFrom("metrics").select(["step", "value"]).where("run_id", "=", runId).where("key", "=", key);
    if (range.fromStep !== undefined) q = q.where("step", ">=", range.fromStep);
    if (range.toStep !== undefined) q = q.where("step", "<=", range.toStep);
    const rows = await this.query(q.orderBy("step"));
    return rows.map((r) => ({ step: Number(r.step), value: r.value === null ? NaN : Number(r.value) }));
  }

  async metricKeys(runId: string): Promise<string[]> {
    const rows = await this.query(this.db.selectFrom("metrics").select("key").distinct().where("run_id", "=", runId).orderBy("key"));
    return rows.map((r) => r.key);
  }

  async lastMetrics(runId: string): Promise<Record<string, MetricPoint>> {
    const last = this.db.selectFrom("metrics").select(["key", (eb) => eb.fn.max("step").as("step")]).where("run_id", "=", runId).groupBy("key");
    const rows = await this.query(
      this.db
        .selectFrom("metrics as m")
        .innerJoin(last.as("l"), (j) => j.onRef("m.key", "=", "l.key").onRef("m.step", "=", "l.step"))
        .select(["m.key", "m.step", "m.value"])
        .where("m.run_id", "=", runId)
        .orderBy("m.key"),
    );
    const out: Record<string, MetricPoint> = {};
    for (const r of rows) out[r.key] = { step: Number(r.step), value: r.value === null ? NaN : Number(r.value) };
    return out;
  }

  async episodes(runId: string, query: EpisodeQuery = {}): Promise<EpisodeRow[]> {
    let q = this.db.selectFrom("episodes").selectAll().where("run_id", "=", runId);
    if (query.fromStep !== undefined) q = q.where("step", ">=", query.fromStep);
    if (query.toStep !== undefined) q = q.where("step", "<=", query.toStep);
    if (query.limit === undefined) return (await this.query(q.orderBy("step").orderBy("env"))).map(toEpisode);
    const rows = await this.query(q.orderBy("step", "desc").orderBy("env", "desc").limit(query.limit));
    return rows.reverse().map(toEpisode);
  }

  async evaluations(runId: string): Promise<EvaluationRow[]> {
    const rows = await this.query(this.db.selectFrom("evaluations").selectAll().where("run_id", "=", runId).orderBy("step").orderBy("policy", "desc").orderBy("episode"));
    return rows.map(toEvaluation);
  }

  async episodeWindows(runId: string, window: number): Promise<EpisodeWindow[]> {
    return episodeWindows(this.db, (q) => this.query(q), runId, window);
  }

  async episodeSummary(runId: string, last = 100): Promise<EpisodeSummary> {
    return episodeSummary(this.db, (q) => this.query(q), runId, last);
  }

  // ── checkpoints ────────────────────────────────────────────

  async saveCheckpoint(runId: string, cp: NewCheckpoint): Promise<void> {
    await this.transaction([this.checkpointQuery(runId, cp), this.db.updateTable("runs").set({ updated_at: new Date().toISOString() }).where("id", "=", runId)]);
  }

  /** The INSERT of a checkpoint, replacing one at the same step. */
  private checkpointQuery(runId: string, cp: NewCheckpoint): Compilable {
    const row = {
      run_id: runId,
      step: cp.step,
      path: cp.path ?? null,
      data: cp.data ? Buffer.from(cp.data.buffer, cp.data.byteOffset, cp.data.byteLength) : null,
      state: cp.state === undefined ? null : stateToJson(cp.state),
      rng: cp.rng === undefined ? null : JSON.stringify(cp.rng),
      created_at: (cp.createdAt ?? new Date()).toISOString(),
    };
    return this.db
      .insertInto("checkpoints")
      .values(row)
      .onConflict((oc) =>
        oc.columns(["run_id", "step"]).doUpdateSet((eb) => ({
          path: eb.ref("excluded.path"),
          data: eb.ref("excluded.data"),
          state: eb.ref("excluded.state"),
          rng: eb.ref("excluded.rng"),
          created_at: eb.ref("excluded.created_at"),
        })),
      );
  }

  async deleteCheckpointsBefore(runId: string, step: number): Promise<void> {
    await this.transaction([this.db.deleteFrom("checkpoints").where("run_id", "=", runId).where("step", "<", step)]);
  }

  async latestCheckpoint(runId: string, atOrBefore?: number): Promise<Checkpoint | undefined> {
    let q = this.db.selectFrom("checkpoints").selectAll().where("run_id", "=", runId);
    if (atOrBefore !== undefined) q = q.where("step", "<=", atOrBefore);
    const [row] = await this.query(q.orderBy("step", "desc").limit(1));
    if (!row) return undefined;
    return {
      runId: row.run_id,
      step: Number(row.step),
      path: row.path,
      data: row.data === null ? null : new Uint8Array(row.data),
      state: row.state === null ? null : stateFromJson(row.state),
      rng: parseJson(row.rng),
      createdAt: row.created_at,
    };
  }

  async listCheckpoints(runId: string): Promise<Omit<Checkpoint, "data" | "state" | "rng">[]> {
    const rows = await this.query(this.db.selectFrom("checkpoints").select(["run_id", "step", "path", "created_at"]).where("run_id", "=", runId).orderBy("step"));
    return rows.map((r) => ({ runId: r.run_id, step: Number(r.step), path: r.path, createdAt: r.created_at }));
  }
}

function toDesign(r: DesignsTable): DesignRecord {
  return {
    id: r.id,
    name: r.name,
    status: r.status,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
    designer: r.designer,
    config: parseJson(r.config),
    options: parseJson(r.options),
    comparisonId: r.comparison_id,
    result: parseJson(r.result),
  };
}
