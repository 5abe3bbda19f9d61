/**
 * `rewardlab sweep CONFIG` (start), `sweep status|report|resume|stop ID`.
 * Trials run on this machine's threads, or with `--queue` as jobs for
 * `rewardlab worker` processes; either way every trial's run, its rungs
 * and its result are in the run store.
 */
import cliProgress from "cli-progress";
import { UserError } from "../../core/errors.js";
import { defaultStoreLocation, isPostgresUrl, openStore, redactUrl, type AnyStore } from "../../runs/store/index.js";
import { SweepTables, type SweepRecord } from "../../runs/store/sweeps.js";
import type { ResolvedSweep } from "../../sweeps/config.js";
import { intOption } from "../args.js";
import { checkOutputFile } from "../output.js";

export interface SweepOptions {
  db?: string;
  workers?: string;
  queue?: string;
  json?: boolean;
}

async function withStore<T>(db: string | undefined, f: (store: AnyStore, location: string) => Promise<T>, create = false): Promise<T> {
  const location = db ?? defaultStoreLocation();
  if (create && !isPostgresUrl(location)) checkOutputFile(location, "--db");
  const store = await openStore(location, { create });
  try {
    return await f(store, location);
  } finally {
    await store.close();
  }
}

export async function sweepStart(file: string | undefined, opts: SweepOptions): Promise<void> {
  if (!file) throw new UserError("config", "expected a sweep config to start (or a subcommand: status, report, resume, stop)");
  const { loadSweep } = await import("../../sweeps/config.js");
  const { trialsOf } = await import("../../sweeps/search.js");
  const sweep = loadSweep(file);
  const trials = trialsOf(sweep);
  const workers = intOption(opts.workers ?? "2", "--workers", 1, 256);
  // Nothing is stored for a queue that is not there.
  if (opts.queue) await (await import("../../sweeps/queue.js")).checkQueue(opts.queue);
  await withStore(
    opts.db,
    async (store, location) => {
      const record = await new SweepTables(store).create(sweep.name, sweep, trials);
      const configs = new Set(trials.map((t) => t.configIndex)).size;
      process.stderr.write(`sweep ${record.id} ${sweep.name}: ${configs} configuration${configs === 1 ? "" : "s"} × ${sweep.seeds.length} seed${sweep.seeds.length === 1 ? "" : "s"} = ${trials.length} trials${sweep.early ? `, ASHA at ${sweep.early.rungs.join(", ")} of the budget (η ${sweep.early.eta})` : ""}; in ${redactUrl(location)}\n`);
      await drive(store, location, { ...sweep, id: record.id }, opts, workers);
    },
    true,
  );
}

export async function sweepResume(id: string, opts: SweepOptions): Promise<void> {
  const workers = intOption(opts.workers ?? "2", "--workers", 1, 256);
  await withStore(opts.db, async (store, location) => {
    const tables = new SweepTables(store);
    const record = await tables.find(id);
    if (record.status === "finished") throw new UserError("sweep", `sweep ${record.id} has finished`);
    if (opts.queue) await (await import("../../sweeps/queue.js")).checkQueue(opts.queue);
    await tables.setStatus(record.id, "running");
    await drive(store, location, { ...(record.config as ResolvedSweep), id: record.id }, opts, workers);
  });
}

export async function sweepStop(id: string, opts: SweepOptions): Promise<void> {
  await withStore(opts.db, async (store) => {
    const tables = new SweepTables(store);
    const record = await tables.find(id);
    if (record.status !== "running") throw new UserError("sweep", `sweep ${record.id} is ${record.status}, not running`);
    await tables.setStatus(record.id, "stopped");
    console.log(`sweep ${record.id} stopped: no worker takes its trials any more; rewardlab sweep resume ${record.id} goes on`);
  });
}

/** Runs (or hands out) the sweep's open trials, then prints its report. */
async function drive(store: AnyStore, location: string, sweep: ResolvedSweep & { id: string }, opts: SweepOptions, workers: number): Promise<void> {
  const tables = new SweepTables(store);
  const total = (await tables.trials(sweep.id)).length;
  const bar = process.stderr.isTTY ? new cliProgress.SingleBar({ format: "trials {bar} {value}/{total} done | {eta_formatted}", stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic) : undefined;
  const done = async () => (await tables.trials(sweep.id)).filter((t) => t.status === "finished" || t.status === "pruned" || t.status === "failed").length;
  bar?.start(total, await done());
  let status: "finished" | "stopped";
  if (opts.queue) {
    const { enqueueOpen, waitForSweep } = await import("../../sweeps/queue.js");
    if (!isPostgresUrl(location)) process.stderr.write("note: workers on other machines need a store they can reach: --db postgres://…\n");
    const n = await enqueueOpen(opts.queue, store, sweep.id);
    process.stderr.write(`${n} trial jobs on ${redactUrl(opts.queue)}; start workers with: rewardlab worker --queue ${redactUrl(opts.queue)} --db ${redactUrl(location)}\n`);
    status = await waitForSweep(store, sweep.id, async () => bar?.update(await done()));
  } else {
    const { runSweepLocally } = await import("../../sweeps/local.js");
    const stop = new SharedArrayBuffer(4);
    const onSigint = () => {
      Atomics.store(new Int32Array(stop), 0, 1);
      process.stderr.write("\nStopping: the trials in flight pause at their next checkpoint; rewardlab sweep resume goes on\n");
    };
    process.once("SIGINT", onSigint);
    try {
      status = await runSweepLocally(store, sweep, { dbPath: location, workers, stop, onStep: () => void done().then((n) => bar?.update(n)) });
    } finally {
      process.off("SIGINT", onSigint);
    }
  }
  bar?.update(await done());
  bar?.stop();
  await printReport(store, await tables.find(sweep.id), opts.json);
  if (status === "stopped") process.stderr.write(`stopped with trials left: rewardlab sweep resume ${sweep.id}\n`);
}

export async function sweepStatus(id: string, opts: SweepOptions): Promise<void> {
  await withStore(opts.db, async (store) => {
    const tables = new SweepTables(store);
    const record = await tables.find(id);
    const trials = await tables.trials(record.id);
    if (opts.json) {
      console.log(JSON.stringify({ ...record, config: undefined, trials }));
      return;
    }
    console.log(`sweep ${record.id} ${record.name} (${record.status}), created ${record.createdAt.slice(0, 19).replace("T", " ")} UTC`);
    console.log(`${"trial".padEnd(6)} ${"config".padEnd(7)} ${"seed".padEnd(6)} ${"status".padEnd(9)} ${"step".padEnd(9)} ${"primary".padEnd(9)} ${"tries".padEnd(6)} run`);
    for (const t of trials) {
      console.log(`${String(t.trial).padEnd(6)} ${String(t.configIndex).padEnd(7)} ${String(t.seed).padEnd(6)} ${t.status.padEnd(9)} ${String(t.step).padEnd(9)} ${(t.value === null ? "—" : t.value.toFixed(3)).padEnd(9)} ${String(t.attempts).padEnd(6)} ${t.runId ?? "—"}${t.error ? `  ${t.error}` : ""}`);
    }
  });
}

export async function sweepReportCommand(id: string, opts: SweepOptions): Promise<void> {
  await withStore(opts.db, async (store) => printReport(store, await new SweepTables(store).find(id), opts.json));
}

async function printReport(store: AnyStore, record: SweepRecord, json?: boolean): Promise<void> {
  const { sweepReport, reportLines, labeller } = await import("../../sweeps/report.js");
  const report = sweepReport(await new SweepTables(store).trials(record.id), labeller(record.config as never));
  if (json) console.log(JSON.stringify({ id: record.id, name: record.name, status: record.status, ...report }));
  else console.log(reportLines(record, report).join("\n"));
}
