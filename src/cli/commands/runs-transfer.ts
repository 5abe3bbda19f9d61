/**
 * `rewardlab runs export [RUN...] --out FILE` and `rewardlab runs import
 * FILE`: runs moved between stores (an SQLite file and PostgreSQL, either
 * way), every row as stored. See runs/store/transfer.ts for the format.
 */
import { closeSync, openSync, writeSync } from "node:fs";
import { UserError } from "../../core/errors.js";
import { defaultStoreLocation, findRun, openStore, redactUrl } from "../../runs/store/index.js";
import { exportRuns, importRuns, readRunsFile } from "../../runs/store/transfer.js";
import { checkOutputFile } from "../output.js";

export interface ExportOptions {
  db?: string;
  out?: string;
  comparison?: string;
}

export async function exportCommand(ids: string[], opts: ExportOptions): Promise<void> {
  if (!opts.out) throw new UserError("--out", "expected the file to write the runs to (JSON Lines)");
  checkOutputFile(opts.out, "--out", { createDirs: true });
  const store = await openStore(opts.db ?? defaultStoreLocation(), { create: false });
  try {
    const chosen = ids.length ? await Promise.all(ids.map(async (id) => (await findRun(store, id, "run")).id)) : (await store.listRuns({ comparisonId: opts.comparison, order: "oldest" })).map((r) => r.id);
    if (chosen.length === 0) throw new UserError(opts.comparison ? "--comparison" : "run", opts.comparison ? `no runs in comparison ${opts.comparison}` : "the store has no runs");
    // Written to a new file a line at a time, so a store of many runs is never held whole.
    const fd = openSync(opts.out, "w");
    try {
      const n = await exportRuns(store, [...new Set(chosen)], (line) => writeSync(fd, line + "\n"));
      console.log(`${n} run${n === 1 ? "" : "s"} exported from ${store.where} to ${opts.out}`);
    } finally {
      closeSync(fd);
    }
  } finally {
    await store.close();
  }
}

export async function importCommand(file: string, opts: { db?: string }): Promise<void> {
  // The whole file is checked before the store is opened: a bad line writes nothing.
  const runs = await readRunsFile(file);
  const location = opts.db ?? defaultStoreLocation();
  const store = await openStore(location);
  try {
    const { imported, skipped } = await importRuns(store, runs);
    console.log(`${imported.length} run${imported.length === 1 ? "" : "s"} imported into ${redactUrl(location)}${skipped.length ? `; ${skipped.length} already there, skipped: ${skipped.join(", ")}` : ""}`);
  } finally {
    await store.close();
  }
}
