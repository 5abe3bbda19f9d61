/**
 * A run's recording (where the agent went late in training, and replays
 * of its final evaluation episodes) kept in the store, so a report written
 * after the fact, and the dashboard, show the heatmaps and replays that the
 * report written at the end of training shows.
 */
import type { AnyStore } from "./open.js";

export async function saveRecording(store: AnyStore, runId: string, recording: unknown): Promise<void> {
  const { db, query } = store.access;
  const data = JSON.stringify(recording);
  await query(
    db
      .insertInto("run_recordings")
      .values({ run_id: runId, data, created_at: new Date().toISOString() })
      .onConflict((oc) => oc.column("run_id").doUpdateSet({ data })),
  );
}

export async function loadRecording(store: AnyStore, runId: string): Promise<unknown | undefined> {
  const { db, query } = store.access;
  const [row] = await query(db.selectFrom("run_recordings").select("data").where("run_id", "=", runId));
  return row ? JSON.parse(row.data) : undefined;
}
