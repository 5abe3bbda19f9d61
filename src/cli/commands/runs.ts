/**
 * `rewardlab runs list|show|delete`: the runs recorded in a run store
 * (`--db`, default ./rewardlab.db). Listing and showing first mark runs whose
 * trainer on this host has died as "interrupted".
 */
import { createInterface } from "node:readline/promises";
import { hostname } from "node:os";
import { stringify } from "yaml";
import { UserError } from "../../core/errors.js";
import { defaultStoreLocation, findRun, openStore, processAlive, RUN_STATUSES, type EpisodeSummary, type RunRecord, type RunStatus, type AnyStore } from "../../runs/store/index.js";
import { intOption } from "../args.js";
import { summarizeEvaluations, type EvaluationSummary } from "../../runs/evaluate.js";

export interface StoreOptions {
  db?: string;
}

async function withStore<T>(opts: StoreOptions, f: (store: AnyStore) => Promise<T>): Promise<T> {
  const store = await openStore(opts.db ?? defaultStoreLocation(), { create: false });
  try {
    return await f(store);
  } finally {
    await store.close();
  }
}

const fmt = (x: number | null | undefined): string => (x === null || x === undefined || Number.isNaN(x) ? "—" : Number.isInteger(x) ? String(x) : x.toPrecision(3));
/** `2025-03-14 09:30:12` (UTC). */
const when = (iso: string | null): string => (iso ? `${iso.slice(0, 10)} ${iso.slice(11, 19)}` : "—");

function duration(from: string, to: string | null): string {
  const s = Math.round(((to ? Date.parse(to) : Date.now()) - Date.parse(from)) / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor(s / 60) % 60).padStart(2, "0")}m`;
}

function statusOption(value: string | undefined): RunStatus | undefined {
  if (value === undefined) return undefined;
  if (!(RUN_STATUSES as readonly string[]).includes(value)) throw new UserError("--status", `expected one of ${RUN_STATUSES.join(", ")}, got ${JSON.stringify(value)}`);
  return value as RunStatus;
}

// ── list ─────────────────────────────────────────────────────

export interface ListOptions extends StoreOptions {
  json?: boolean;
  status?: string;
  env?: string;
  comparison?: string;
  limit?: string;
}

export async function list(opts: ListOptions): Promise<void> {
  const filter = {
    status: statusOption(opts.status),
    envId: opts.env,
    comparisonId: opts.comparison,
    limit: opts.limit === undefined ? undefined : intOption(opts.limit, "--limit", 1),
  };
  await withStore(opts, async (store) => {
    await store.recoverInterrupted();
    const runs = await store.listRuns(filter);
    const summaries = await Promise.all(runs.map((r) => store.episodeSummary(r.id)));
    if (opts.json) {
      console.log(JSON.stringify(runs.map((r, i) => ({ ...brief(r), episodes: summaries[i] }))));
      return;
    }
    if (runs.length === 0) {
      console.log(`no runs in ${store.where}`);
      return;
    }
    const rows = runs.map((r, i) => [r.id, r.status, when(r.createdAt), r.name, r.envId, r.learner, String(r.seed), fmt(summaries[i].lastStep), fmt(summaries[i].meanPrimary), fmt(summaries[i].successRate)]);
    console.log(table(["id", "status", "created (UTC)", "name", "env", "learner", "seed", "steps", "primary", "success"], rows));
    console.log(`${runs.length} run${runs.length === 1 ? "" : "s"}; primary return and success over each run's last 100 episodes`);
  });
}

/** A run without its (possibly large) config and reward spec. */
function brief(r: RunRecord): Omit<RunRecord, "config" | "reward"> {
  const { config: _config, reward: _reward, ...rest } = r;
  return rest;
}

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
  const line = (cells: string[]) => cells.map((c, j) => (j === cells.length - 1 ? c : c.padEnd(widths[j]))).join("  ");
  return [line(head), ...rows.map(line)].join("\n");
}

// ── show ─────────────────────────────────────────────────────

export async function show(id: string, opts: StoreOptions & { json?: boolean }): Promise<void> {
  await withStore(opts, async (store) => {
    await store.recoverInterrupted();
    const run = await findRun(store, id);
    const [episodes, lastMetrics, checkpoints, rows] = await Promise.all([store.episodeSummary(run.id), store.lastMetrics(run.id), store.listCheckpoints(run.id), store.evaluations(run.id)]);
    const evaluations = summarizeEvaluations(rows, (run.config as { evaluation?: { policies?: EvaluationSummary["policy"][] } } | null)?.evaluation?.policies);
    if (opts.json) {
      console.log(JSON.stringify({ run, episodes, evaluations, lastMetrics, checkpoints }, null, 2));
      return;
    }
    console.log(describeRun(run, episodes, evaluations, lastMetrics, checkpoints.length ? checkpoints[checkpoints.length - 1].step : null, checkpoints.length));
  });
}

function describeRun(run: RunRecord, ep: EpisodeSummary, evaluations: EvaluationSummary[], metrics: Record<string, { step: number; value: number }>, lastCheckpoint: number | null, checkpoints: number): string {
  const ended = run.finishedAt ? `, ended ${when(run.finishedAt)}` : "";
  const lines = [
    `run ${run.id}  ${run.name}`,
    `status      ${run.status}${ended} (${duration(run.createdAt, run.finishedAt ?? (run.status === "running" ? null : run.updatedAt))})`,
    ...(run.error ? [`error       ${run.error}`] : []),
    `created     ${when(run.createdAt)} UTC; last write ${when(run.updatedAt)}`,
    `env         ${run.envId}`,
    `learner     ${run.learner}, seed ${run.seed}`,
    ...(run.comparisonId ? [`comparison  ${run.comparisonId}`] : []),
    ...(run.tags.length ? [`tags        ${run.tags.join(", ")}`] : []),
    `written by  rewardlab ${run.version}${run.pid !== null ? `, pid ${run.pid}` : ""}${run.host ? ` on ${run.host}` : ""}`,
    "",
    ep.episodes === 0
      ? "episodes    none"
      : `episodes    ${ep.episodes}, the last at step ${ep.lastStep}\n  last ${ep.last}: primary return ${fmt(ep.meanPrimary)}, return ${fmt(ep.meanReturn)}, success ${fmt(ep.successRate)}, length ${fmt(ep.meanLength)}`,
    evaluations.length === 0
      ? "evaluations none"
      : `evaluations ${new Set(evaluations.map((e) => e.step)).size}, on held-out episodes\n${evaluations.map((e) => `  step ${e.step} ${e.policy.padEnd(7)} ${e.episodes} episodes: primary return ${fmt(e.primary)}, success ${fmt(e.success)}, length ${fmt(e.length)}`).join("\n")}`,
    `checkpoints ${checkpoints === 0 ? "none" : `${checkpoints}, the last at step ${lastCheckpoint}`}`,
  ];
  const keys = Object.keys(metrics);
  if (keys.length) {
    const width = Math.max(...keys.map((k) => k.length));
    lines.push("", "last metrics", ...keys.map((k) => `  ${k.padEnd(width)}  ${fmt(metrics[k].value).padStart(10)}  at step ${metrics[k].step}`));
  }
  lines.push("", "config", indent(stringify(run.config)), "reward", indent(stringify(run.reward)));
  return lines.join("\n");
}

const indent = (text: string) =>
  text
    .trimEnd()
    .split("\n")
    .map((l) => `  ${l}`)
    .join("\n");

// ── delete ───────────────────────────────────────────────────

export async function remove(id: string, opts: StoreOptions & { yes?: boolean }): Promise<void> {
  await withStore(opts, async (store) => {
    await store.recoverInterrupted();
    const run = await findRun(store, id);
    if (run.status === "running" && run.host === hostname() && run.pid !== null && processAlive(run.pid)) {
      throw new UserError("run", `run ${run.id} is still being written by process ${run.pid}; stop it first`);
    }
    const { episodes } = await store.episodeSummary(run.id);
    const what = `run ${run.id} (${run.name}, ${run.status}, ${episodes} episodes)`;
    if (!opts.yes) {
      if (!process.stdin.isTTY) throw new UserError("--yes", `deleting ${what} needs confirmation: pass --yes`);
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      const answer = await rl.question(`delete ${what}? [y/N] `);
      rl.close();
      if (!/^y(es)?$/i.test(answer.trim())) {
        console.log("nothing deleted");
        return;
      }
    }
    await store.deleteRun(run.id);
    console.log(`deleted ${what}`);
  });
}
