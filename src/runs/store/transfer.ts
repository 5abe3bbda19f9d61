/**
 * Runs moved between stores (`rewardlab runs export|import`): a JSON Lines
 * file whose first line names the format and whose every other line is one
 * run with all its rows as stored (metrics, episodes, evaluations,
 * checkpoints, tags, and its comparison's row), so a run copied from SQLite
 * to PostgreSQL or back is the same run, row for row. Checkpoint bytes are
 * base64. An import checks every line before writing anything, writes each
 * run in one transaction, and skips a run whose id the store has already.
 */
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { z } from "zod";
import { UserError } from "../../core/errors.js";
import type { RunDump } from "./kysely-store.js";
import type { AnyStore } from "./open.js";
import { RUN_STATUSES } from "./types.js";

export const TRANSFER_FORMAT = "rewardlab-runs";
export const TRANSFER_VERSION = 1;

const text = z.string();
const maybe = text.nullable();
const int = z.number().int();
const num = z.number();

const Header = z.object({ format: z.literal(TRANSFER_FORMAT), version: z.literal(TRANSFER_VERSION) }).strict();

const RunLine = z
  .object({
    run: z
      .object({
        id: text.min(1),
        name: text,
        status: z.enum(RUN_STATUSES),
        created_at: text,
        updated_at: text,
        finished_at: maybe,
        config: text,
        seed: int,
        env_id: text,
        reward: text,
        learner: text,
        version: text,
        comparison_id: maybe,
        pid: int.nullable(),
        host: maybe,
        error: maybe,
        process_start: maybe,
      })
      .strict(),
    comparison: z.object({ id: text.min(1), name: text, config: text, created_at: text }).strict().optional(),
    tags: z.array(z.object({ run_id: text, tag: text }).strict()),
    metrics: z.array(z.object({ run_id: text, step: int, key: text, value: num.nullable() }).strict()),
    episodes: z.array(z.object({ run_id: text, step: int, env: int, length: int, return_total: num, return_primary: num, success: num.nullable(), terms: text, trial_episode: int }).strict()),
    evaluations: z.array(z.object({ run_id: text, step: int, policy: text, episode: int, seed: int, return_primary: num, success: num.nullable(), length: int }).strict()),
    checkpoints: z.array(z.object({ run_id: text, step: int, path: maybe, data: z.object({ $bytes: text }).strict().nullable(), state: maybe, rng: maybe, created_at: text }).strict()),
    recordings: z.array(z.object({ run_id: text, data: text, created_at: text }).strict()).max(1).optional(),
  })
  .strict()
  .superRefine((line, ctx) => {
    // Every row belongs to the line's run, and its comparison is the run's.
    for (const table of ["tags", "metrics", "episodes", "evaluations", "checkpoints", "recordings"] as const) {
      const k = ((line[table] ?? []) as { run_id: string }[]).findIndex((r) => r.run_id !== line.run.id);
      if (k >= 0) ctx.addIssue({ code: "custom", path: [table, k, "run_id"], message: `expected the line's run ${JSON.stringify(line.run.id)}` });
    }
    if (line.comparison && line.comparison.id !== line.run.comparison_id) ctx.addIssue({ code: "custom", path: ["comparison", "id"], message: `expected the run's comparison ${JSON.stringify(line.run.comparison_id)}` });
  });

/** A dumped run as one line of the file. */
export function runLine(d: RunDump): string {
  const checkpoints = d.checkpoints.map((c) => ({ ...c, data: c.data ? { $bytes: Buffer.from(c.data).toString("base64") } : null }));
  return JSON.stringify({ ...d, checkpoints });
}

export const headerLine = (): string => JSON.stringify({ format: TRANSFER_FORMAT, version: TRANSFER_VERSION });

/** Writes the runs `ids` of `store` to `write`, a line each; how many. */
export async function exportRuns(store: AnyStore, ids: readonly string[], write: (line: string) => void): Promise<number> {
  write(headerLine());
  for (const id of ids) {
    const d = await store.dumpRun(id);
    if (!d) throw new UserError(id, "no such run in the store");
    write(runLine(d));
  }
  return ids.length;
}

/** Reads and checks a whole export file: its runs, or a one-line error naming the line and field. */
export async function readRunsFile(file: string): Promise<RunDump[]> {
  const runs: RunDump[] = [];
  const lines = createInterface({ input: createReadStream(file, { encoding: "utf8" }), crlfDelay: Infinity });
  let n = 0;
  try {
    for await (const raw of lines) {
      n++;
      if (raw.trim() === "") continue;
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch (e) {
        throw new UserError(`${file}:${n}`, `not JSON (${(e as Error).message})`);
      }
      const schema = n === 1 ? Header : RunLine;
      const parsed = schema.safeParse(value);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const path = issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("").replace(/^\./, "");
        throw new UserError(`${file}:${n}${path ? ` ${path}` : ""}`, n === 1 ? `expected the header {"format": "${TRANSFER_FORMAT}", "version": ${TRANSFER_VERSION}} (${issue.message})` : issue.message);
      }
      if (n > 1) {
        const line = parsed.data as z.output<typeof RunLine>;
        runs.push({ ...line, checkpoints: line.checkpoints.map((c) => ({ ...c, data: c.data ? new Uint8Array(Buffer.from(c.data.$bytes, "base64")) : null })) } as RunDump);
      }
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") throw new UserError(file, "no such file");
    if ((e as NodeJS.ErrnoException).code === "EISDIR") throw new UserError(file, "expected a file, got a directory");
    throw e;
  }
  if (n === 0) throw new UserError(file, "empty: expected an export of `rewardlab runs export`");
  const seen = new Set<string>();
  for (const r of runs) {
    if (seen.has(r.run.id)) throw new UserError(file, `run ${r.run.id} appears twice`);
    seen.add(r.run.id);
  }
  return runs;
}

/** Writes each run not in `store` yet; the ids imported and those skipped. */
export async function importRuns(store: AnyStore, runs: readonly RunDump[]): Promise<{ imported: string[]; skipped: string[] }> {
  const imported: string[] = [];
  const skipped: string[] = [];
  for (const r of runs) ((await store.loadRun(r)) ? imported : skipped).push(r.run.id);
  return { imported, skipped };
}
