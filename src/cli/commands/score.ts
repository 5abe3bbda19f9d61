/**
 * `rewardlab score FILE.jsonl --spec SPEC [--out results.jsonl]`: scores a
 * file of trajectories offline (one JSON object per line: native
 * trajectories, OpenAI message lists, verl or TRL rows), with a progress
 * bar; writes one result per line and prints a summary table per aspect.
 * The output is written to a temporary file and renamed when complete, so
 * an interrupted run leaves no half-written results.
 */
import { closeSync, createReadStream, openSync, readSync, renameSync, rmSync, statSync } from "node:fs";
import { open } from "node:fs/promises";
import { createInterface } from "node:readline";
import { importTrajectory } from "../../agentic/import.js";
import { loadPipeline } from "../../agentic/load.js";
import { FAILED, RewardPipeline, type BatchScores } from "../../agentic/pipeline.js";
import type { Trajectory } from "../../agentic/trajectory.js";
import { UserError } from "../../core/errors.js";
import { intOption } from "../args.js";
import { checkOutputFile, outputError, withOutputErrors } from "../output.js";
import { progressBar } from "../progress.js";

export interface ScoreOptions {
  spec?: string;
  out?: string;
  batch?: string;
  json?: boolean;
}

interface AspectSummary {
  name: string;
  weight: number;
  n: number;
  sum: number;
  sumSq: number;
  min: number;
  max: number;
}

export async function score(file: string, opts: ScoreOptions): Promise<void> {
  if (!opts.spec) throw new UserError("--spec", "missing; expected an agentic reward spec (YAML or JSON), e.g. examples/agentic/math.yaml");
  const batchSize = intOption(opts.batch ?? "256", "--batch", 1);
  let input;
  try {
    input = statSync(file);
  } catch {
    throw new UserError(file, "no such file");
  }
  if (input.isDirectory()) throw new UserError(file, "is a folder; expected a JSONL file of trajectories");
  const out = opts.out ?? file.replace(/(\.jsonl)?$/, ".scores.jsonl");
  // Before any scoring: a folder or a missing folder is a one-line error naming --out, not an EISDIR at the end.
  checkOutputFile(out, "--out");
  // The line count only sizes the progress bar, which is drawn on a terminal only: no second read otherwise.
  const total = process.stderr.isTTY ? countLines(file) : 0;
  const pipeline = loadPipeline(opts.spec);
  const tmp = `${out}.partial`;
  const writer = await open(tmp, "w").catch(async (e: unknown) => {
    await pipeline.close();
    throw outputError(e, tmp, "--out");
  });
  const bar = progressBar(total, "scoring");
  const summaries: AspectSummary[] = pipeline.spec.aspects.map((a) => ({ name: a.name, weight: a.weight, n: 0, sum: 0, sumSq: 0, min: Infinity, max: -Infinity }));
  const reward: AspectSummary = { name: "reward", weight: NaN, n: 0, sum: 0, sumSq: 0, min: Infinity, max: -Infinity };
  let done = 0;
  let failedCount = 0;
  let firstFailure = "";
  const t0 = performance.now();
  try {
    let batch: Trajectory[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      const scores = await pipeline.score(batch);
      summarize(scores, summaries, reward);
      for (let i = 0; i < scores.status.length; i++) {
        if (scores.status[i] !== FAILED) continue;
        failedCount++;
        firstFailure ||= `${batch[i]!.id ?? `trajectory ${done + i + 1}`}: ${scores.failures[i]}`;
      }
      const results = RewardPipeline.results(scores, pipeline.spec.failedReward);
      let text = "";
      for (let i = 0; i < results.length; i++) {
        const id = batch[i]!.id;
        text += JSON.stringify(id !== undefined ? { id, ...results[i] } : results[i]) + "\n";
      }
      await writer.write(text);
      done += batch.length;
      bar.update(done);
      batch = [];
    };
    let lineNo = 0;
    for await (const line of createInterface({ input: createReadStream(file, "utf8"), crlfDelay: Infinity })) {
      lineNo++;
      if (line.trim() === "") continue;
      let row: unknown;
      try {
        row = JSON.parse(line);
      } catch (e) {
        throw new UserError(`${file}:${lineNo}`, `not valid JSON (${(e as Error).message})`);
      }
      let t: Trajectory;
      try {
        t = importTrajectory(row, "");
      } catch (e) {
        if (e instanceof UserError) throw new UserError(`${file}:${lineNo}${e.path ? ` ${e.path}` : ""}`, e.problem);
        throw e;
      }
      batch.push(t);
      if (batch.length >= batchSize) await flush();
    }
    await flush();
    await writer.close();
    withOutputErrors(out, "--out", () => renameSync(tmp, out));
  } catch (e) {
    await writer.close().catch(() => {});
    rmSync(tmp, { force: true });
    throw e;
  } finally {
    bar.stop();
    await pipeline.close();
  }
  const seconds = (performance.now() - t0) / 1000;
  if (opts.json) {
    console.log(JSON.stringify({ file, out, trajectories: done, failed: failedCount, seconds, aspects: [...summaries, reward].map(stats) }));
    return;
  }
  console.log(`${done.toLocaleString("en")} trajectories scored in ${seconds.toFixed(2)} s (${Math.round(done / Math.max(seconds, 1e-9)).toLocaleString("en")}/s) → ${out}\n`);
  console.log(`${"aspect".padEnd(20)}${"weight".padStart(8)}${"applied".padStart(9)}${"mean".padStart(10)}${"std".padStart(10)}${"min".padStart(10)}${"max".padStart(10)}`);
  for (const s of [...summaries, reward]) {
    const st = stats(s);
    const f = (v: number | null) => (v === null ? "—" : Number(v.toPrecision(4)).toString()).padStart(10);
    console.log(`${s.name.padEnd(20)}${(Number.isNaN(s.weight) ? "" : String(s.weight)).padStart(8)}${String(s.n).padStart(9)}${f(st.mean)}${f(st.std)}${f(st.min)}${f(st.max)}`);
  }
  // Failed rewards are written with status "failed" and their reason, and left out of the table above.
  if (failedCount > 0) console.log(`\n${failedCount} ${failedCount === 1 ? "reward" : "rewards"} failed (status "failed" in ${out}); first: ${firstFailure}`);
}

function summarize(scores: BatchScores, summaries: AspectSummary[], reward: AspectSummary): void {
  scores.aspects.forEach((a, k) => {
    const s = summaries[k]!;
    for (const v of a.values) if (v === v) add(s, v);
  });
  for (const v of scores.rewards) if (v === v) add(reward, v);
}

function add(s: AspectSummary, v: number): void {
  s.n++;
  s.sum += v;
  s.sumSq += v * v;
  if (v < s.min) s.min = v;
  if (v > s.max) s.max = v;
}

function stats(s: AspectSummary) {
  const mean = s.n > 0 ? s.sum / s.n : null;
  const std = s.n > 1 && mean !== null ? Math.sqrt(Math.max(0, (s.sumSq - s.n * mean * mean) / (s.n - 1))) : null;
  return { name: s.name, weight: Number.isNaN(s.weight) ? undefined : s.weight, applied: s.n, mean, std, min: s.n > 0 ? s.min : null, max: s.n > 0 ? s.max : null };
}

/** Lines in a file (for the progress bar's total), read in chunks. */
function countLines(file: string): number {
  const fd = openSync(file, "r");
  const chunk = Buffer.allocUnsafe(1 << 20);
  let n = 0;
  let last = 10;
  try {
    for (let read: number; (read = readSync(fd, chunk, 0, chunk.length, null)) > 0; ) {
      for (let i = 0; i < read; i++) if (chunk[i] === 10) n++;
      last = chunk[read - 1]!;
    }
  } finally {
    closeSync(fd);
  }
  return last !== 10 ? n + 1 : n;
}
