/**
 * A sweep's records in the run store (SQLite or PostgreSQL): the sweep and
 * its resolved config, each trial's parameters, seed, status, run and
 * latest value, and the values trials had at each rung (what ASHA decides
 * on). Workers on several machines share them through a PostgreSQL store;
 * a trial is claimed by a conditional update, so two workers never train
 * the same trial at once.
 */
import { hostname } from "node:os";
import { UserError } from "../../core/errors.js";
import { newRunId } from "./ids.js";
import type { Selectable } from "kysely";
import type { StoreAccess } from "./kysely-store.js";
import type { SweepTrialsTable } from "./schema.js";
import type { AnyStore } from "./open.js";

export const SWEEP_STATUSES = ["running", "finished", "stopped"] as const;
export type SweepStatus = (typeof SWEEP_STATUSES)[number];

/**
 * pending: not started; running: a worker has it; paused: stopped at a
 * rung, to go on; pruned: stopped for good by early stopping; finished:
 * trained to the budget; failed: training failed (with the error).
 */
export const TRIAL_STATUSES = ["pending", "running", "paused", "pruned", "finished", "failed"] as const;
export type TrialStatus = (typeof TRIAL_STATUSES)[number];

export interface SweepRecord {
  id: string;
  name: string;
  status: SweepStatus;
  createdAt: string;
  updatedAt: string;
  config: unknown;
}

export interface TrialRecord {
  trial: number;
  /** Which configuration of the search (trials of one configuration differ by seed). */
  configIndex: number;
  params: Record<string, unknown>;
  seed: number;
  status: TrialStatus;
  runId: string | null;
  step: number;
  value: number | null;
  attempts: number;
  worker: string | null;
  error: string | null;
}

export interface NewTrial {
  trial: number;
  configIndex: number;
  params: Record<string, unknown>;
  seed: number;
}

/** This process, as a trial's worker: host and pid. */
export const workerName = (): string => `${hostname()}:${process.pid}`;

export class SweepTables {
  private readonly a: StoreAccess;

  constructor(store: AnyStore) {
    this.a = store.access;
  }

  async create(name: string, config: unknown, trials: readonly NewTrial[]): Promise<SweepRecord> {
    const now = new Date().toISOString();
    const id = `s${newRunId()}`;
    const { db } = this.a;
    await this.a.transaction([
      db.insertInto("sweeps").values({ id, name, status: "running", created_at: now, updated_at: now, config: JSON.stringify(config) }),
      ...chunks(trials, 200).map((part) => db.insertInto("sweep_trials").values(part.map((t) => this.trialRow(id, t, now)))),
    ]);
    return { id, name, status: "running", createdAt: now, updatedAt: now, config };
  }

  /** Adds trials (a model-based search proposes them as it goes); a trial number already taken is left as it is. */
  async addTrials(sweepId: string, trials: readonly NewTrial[]): Promise<void> {
    if (trials.length === 0) return;
    const now = new Date().toISOString();
    await this.a.transaction(chunks(trials, 200).map((part) => this.a.db.insertInto("sweep_trials").values(part.map((t) => this.trialRow(sweepId, t, now))).onConflict((oc) => oc.doNothing())));
  }

  async get(id: string): Promise<SweepRecord | undefined> {
    const [row] = await this.a.query(this.a.db.selectFrom("sweeps").selectAll().where("id", "=", id));
    return row && { id: row.id, name: row.name, status: row.status as SweepStatus, createdAt: row.created_at, updatedAt: row.updated_at, config: JSON.parse(row.config) };
  }

  /** The sweep with this id or the only one starting with it; else a UserError at `path`. */
  async find(id: string, path = "sweep"): Promise<SweepRecord> {
    const exact = await this.get(id);
    if (exact) return exact;
    const ids = (await this.a.query(this.a.db.selectFrom("sweeps").select("id").orderBy("id"))).map((r) => r.id).filter((k) => k.startsWith(id));
    if (ids.length === 1) return (await this.get(ids[0]))!;
    throw new UserError(path, ids.length ? `"${id}" is the start of ${ids.length} sweep ids` : `no sweep ${JSON.stringify(id)} in the store`);
  }

  async list(): Promise<SweepRecord[]> {
    const rows = await this.a.query(this.a.db.selectFrom("sweeps").select("id").orderBy("created_at", "desc"));
    return (await Promise.all(rows.map((r) => this.get(r.id)))) as SweepRecord[];
  }

  async setStatus(id: string, status: SweepStatus): Promise<void> {
    await this.a.query(this.a.db.updateTable("sweeps").set({ status, updated_at: new Date().toISOString() }).where("id", "=", id));
  }

  async trials(sweepId: string): Promise<TrialRecord[]> {
    return (await this.a.query(this.a.db.selectFrom("sweep_trials").selectAll().where("sweep_id", "=", sweepId).orderBy("trial"))).map(toTrial);
  }

  async trial(sweepId: string, trial: number): Promise<TrialRecord | undefined> {
    const [row] = await this.a.query(this.a.db.selectFrom("sweep_trials").selectAll().where("sweep_id", "=", sweepId).where("trial", "=", trial));
    return row && toTrial(row);
  }

  /**
   * Takes a trial for this worker unless it is done (finished, pruned or
   * failed): true when taken. A trial another worker holds is taken too: a
   * job is only handed out again when its worker is gone.
   */
  async claim(sweepId: string, trial: number, worker = workerName()): Promise<boolean> {
    const { db } = this.a;
    const before = await this.trial(sweepId, trial);
    if (!before || ["finished", "pruned", "failed"].includes(before.status)) return false;
    await this.a.query(
      db
        .updateTable("sweep_trials")
        .set({ status: "running", worker, attempts: before.attempts + 1, updated_at: new Date().toISOString() })
        .where("sweep_id", "=", sweepId)
        .where("trial", "=", trial)
        .where("status", "in", ["pending", "running", "paused"]),
    );
    return (await this.trial(sweepId, trial))?.worker === worker;
  }

  async update(sweepId: string, trial: number, set: { status?: TrialStatus; runId?: string; step?: number; value?: number | null; error?: string | null }): Promise<void> {
    const row = {
      ...(set.status !== undefined ? { status: set.status } : {}),
      ...(set.runId !== undefined ? { run_id: set.runId } : {}),
      ...(set.step !== undefined ? { step: set.step } : {}),
      ...(set.value !== undefined ? { value: set.value === null || Number.isNaN(set.value) ? null : set.value } : {}),
      ...(set.error !== undefined ? { error: set.error } : {}),
      updated_at: new Date().toISOString(),
    };
    await this.a.query(this.a.db.updateTable("sweep_trials").set(row).where("sweep_id", "=", sweepId).where("trial", "=", trial));
  }

  /** Records a trial's value at a rung (again: replaced, as a resumed job reaches it again). */
  async recordRung(sweepId: string, rung: number, trial: number, value: number): Promise<void> {
    await this.a.query(
      this.a.db
        .insertInto("sweep_rungs")
        .values({ sweep_id: sweepId, rung, trial, value })
        .onConflict((oc) => oc.columns(["sweep_id", "rung", "trial"]).doUpdateSet({ value })),
    );
  }

  /** Every value recorded at a rung, by trial. */
  async rungValues(sweepId: string, rung: number): Promise<Map<number, number>> {
    const rows = await this.a.query(this.a.db.selectFrom("sweep_rungs").select(["trial", "value"]).where("sweep_id", "=", sweepId).where("rung", "=", rung));
    return new Map(rows.map((r) => [Number(r.trial), Number(r.value)]));
  }

  private trialRow(sweepId: string, t: NewTrial, now: string) {
    return { sweep_id: sweepId, trial: t.trial, config_index: t.configIndex, params: JSON.stringify(t.params), seed: t.seed, status: "pending", run_id: null, step: 0, value: null, attempts: 0, worker: null, error: null, updated_at: now };
  }
}

function toTrial(r: Selectable<SweepTrialsTable>): TrialRecord {
  return {
    trial: Number(r.trial),
    configIndex: Number(r.config_index),
    params: JSON.parse(r.params),
    seed: Number(r.seed),
    status: r.status as TrialStatus,
    runId: r.run_id,
    step: Number(r.step),
    value: r.value === null ? null : Number(r.value),
    attempts: Number(r.attempts),
    worker: r.worker,
    error: r.error,
  };
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
