/**
 * Run and comparison ids: `20250314-093012-a1b2c3`, the UTC creation time then
 * six random hex digits, so ids sort by age and stay short enough to type.
 * `findRun` accepts an id or a unique prefix of one, and names the closest
 * ids when it finds none.
 */
import { randomBytes } from "node:crypto";
import { UserError } from "../../core/errors.js";
import { closest } from "../../core/suggest.js";
import type { Store } from "./store.js";
import type { RunRecord } from "./types.js";

function stamp(now: Date): string {
  const iso = now.toISOString(); // 2025-03-14T09:30:12.345Z
  return `${iso.slice(0, 10).replaceAll("-", "")}-${iso.slice(11, 19).replaceAll(":", "")}`;
}

/** A fresh run id (not `Math.random`: ids need no reproducibility, only uniqueness). */
export function newRunId(now = new Date()): string {
  return `${stamp(now)}-${randomBytes(3).toString("hex")}`;
}

/** A fresh comparison id: like a run id, with a `c` in front. */
export function newComparisonId(now = new Date()): string {
  return `c${newRunId(now)}`;
}

/**
 * The run with this id, or the only run whose id starts with it (at least 4
 * characters). Otherwise a `UserError` at `path` naming the id and the
 * closest known ids.
 */
export async function findRun(store: Store, id: string, path = "run"): Promise<RunRecord> {
  const exact = await store.getRun(id);
  if (exact) return exact;
  const ids = (await store.listRuns({ order: "oldest" })).map((r) => r.id);
  if (id.length >= 4) {
    const byPrefix = ids.filter((k) => k.startsWith(id));
    if (byPrefix.length === 1) return (await store.getRun(byPrefix[0])) as RunRecord;
    if (byPrefix.length > 1) {
      const shown = byPrefix.slice(0, 5).map((k) => JSON.stringify(k)).join(", ");
      throw new UserError(path, `${JSON.stringify(id)} is the start of ${byPrefix.length} run ids (${shown}${byPrefix.length > 5 ? ", …" : ""}); give more of it`);
    }
  }
  const near = closest(id, ids);
  const hint = near.length ? ` (did you mean ${near.map((k) => JSON.stringify(k)).join(" or ")}?)` : ids.length ? "" : " (the store has no runs)";
  throw new UserError(path, `unknown run ${JSON.stringify(id)}${hint}`);
}
