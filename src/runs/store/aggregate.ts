/**
 * Episodes aggregated in SQL: per window of steps (curves for reports) and
 * over the last N episodes (summaries). Scalar columns are averaged by the
 * database; per-term returns are JSON, so they are averaged here.
 */
import { sql, type Compilable, type Kysely } from "kysely";
import { UserError } from "../../core/errors.js";
import { num } from "./rows.js";
import type { Database } from "./schema.js";
import type { EpisodeSummary, EpisodeWindow } from "./types.js";

export type Query = <R>(q: Compilable<R>) => Promise<R[]>;

export async function episodeWindows(db: Kysely<Database>, query: Query, runId: string, window: number): Promise<EpisodeWindow[]> {
  if (!Number.isSafeInteger(window) || window < 1) throw new UserError("window", `expected a whole number of steps ≥ 1, got ${window}`);
  // Integer division in both SQLite and PostgreSQL: step is an integer column and the window a literal.
  const bucket = sql<number>`(step / ${sql.lit(window)}) * ${sql.lit(window)}`;
  const rows = await query(
    db
      .selectFrom("episodes")
      .select((eb) => [
        bucket.as("bucket"),
        eb.fn.max("step").as("last_step"),
        eb.fn.countAll().as("episodes"),
        eb.fn.avg("length").as("mean_length"),
        eb.fn.avg("return_total").as("mean_return"),
        eb.fn.avg("return_primary").as("mean_primary"),
        eb.fn.avg("success").as("success_rate"),
      ])
      .where("run_id", "=", runId)
      .groupBy(bucket)
      .orderBy(bucket),
  );
  // Per-term means: terms are JSON, so they are summed here rather than in SQL.
  const sums = new Map<number, Map<string, [number, number]>>();
  const terms = await query(db.selectFrom("episodes").select(["step", "terms"]).where("run_id", "=", runId));
  for (const t of terms) {
    const b = Math.floor(Number(t.step) / window) * window;
    let m = sums.get(b);
    if (!m) sums.set(b, (m = new Map()));
    for (const [name, v] of Object.entries(JSON.parse(t.terms) as Record<string, number | null>)) {
      const s = m.get(name) ?? [0, 0];
      m.set(name, [s[0] + (v ?? NaN), s[1] + 1]);
    }
  }
  return rows.map((r) => ({
    step: Number(r.bucket),
    lastStep: Number(r.last_step),
    episodes: Number(r.episodes),
    meanLength: num(r.mean_length),
    meanReturn: num(r.mean_return),
    meanPrimary: num(r.mean_primary),
    successRate: num(r.success_rate),
    terms: Object.fromEntries([...(sums.get(Number(r.bucket)) ?? [])].map(([name, [s, n]]) => [name, s / n])),
  }));
}

export async function episodeSummary(db: Kysely<Database>, query: Query, runId: string, last: number): Promise<EpisodeSummary> {
  const [all] = await query(
    db
      .selectFrom("episodes")
      .select((eb) => [eb.fn.countAll().as("episodes"), eb.fn.max("step").as("last_step")])
      .where("run_id", "=", runId),
  );
  const recent = db.selectFrom("episodes").select(["length", "return_total", "return_primary", "success"]).where("run_id", "=", runId).orderBy("step", "desc").orderBy("env", "desc").limit(last);
  const [means] = await query(
    db
      .selectFrom(recent.as("r"))
      .select((eb) => [
        eb.fn.countAll().as("n"),
        eb.fn.avg("length").as("mean_length"),
        eb.fn.avg("return_total").as("mean_return"),
        eb.fn.avg("return_primary").as("mean_primary"),
        eb.fn.avg("success").as("success_rate"),
      ]),
  );
  return {
    episodes: Number(all?.episodes ?? 0),
    lastStep: all?.last_step === null || all?.last_step === undefined ? null : Number(all.last_step),
    last: Number(means?.n ?? 0),
    meanLength: num(means?.mean_length),
    meanReturn: num(means?.mean_return),
    meanPrimary: num(means?.mean_primary),
    successRate: num(means?.success_rate),
  };
}
