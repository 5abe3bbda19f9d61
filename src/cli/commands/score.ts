/**
 * `rewardlab score FILE.jsonl --spec SPEC [--out results.jsonl]`: scores a
 * file of trajectories offline (one JSON object per line: native
 * trajectories, OpenAI message lists, verl or TRL rows), with a progress
 * bar; writes one result per line and prints a summary table per aspect.
 * The output is written to a temporary file and renamed when complete, so
 * an interrupted run leaves no half-written results.
 */
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { loadPipeline } from "../../agentic/load.js";
import { scoreFile, type FileScores } from "../../agentic/score-file.js";
import { UserError } from "../../core/errors.js";
import { intOption } from "../args.js";
import { checkOutputFile, writeWhole } from "../output.js";
import { progressBar } from "../progress.js";

export interface ScoreOptions {
  spec?: string;
  out?: string;
  batch?: string;
  json?: boolean;
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
  let t0 = performance.now();
  let scores: FileScores;
  try {
    scores = await writeWhole(out, "--out", async (write) => {
      const bar = progressBar(total, "scoring");
      t0 = performance.now();
      try {
        return await scoreFile(pipeline, file, { batchSize, write, onProgress: (done) => bar.update(done) });
      } finally {
        bar.stop();
      }
    });
  } finally {
    await pipeline.close();
  }
  const seconds = (performance.now() - t0) / 1000;
  const { trajectories: done, failed: failedCount, firstFailure, aspects } = scores;
  if (opts.json) {
    console.log(JSON.stringify({ file, out, trajectories: done, failed: failedCount, seconds, aspects }));
    return;
  }
  console.log(`${done.toLocaleString("en")} trajectories scored in ${seconds.toFixed(2)} s (${Math.round(done / Math.max(seconds, 1e-9)).toLocaleString("en")}/s) → ${out}\n`);
  console.log(`${"aspect".padEnd(20)}${"weight".padStart(8)}${"applied".padStart(9)}${"mean".padStart(10)}${"std".padStart(10)}${"min".padStart(10)}${"max".padStart(10)}`);
  for (const st of aspects) {
    const f = (v: number | null) => (v === null ? "—" : Number(v.toPrecision(4)).toString()).padStart(10);
    console.log(`${st.name.padEnd(20)}${(st.weight === undefined ? "" : String(st.weight)).padStart(8)}${String(st.applied).padStart(9)}${f(st.mean)}${f(st.std)}${f(st.min)}${f(st.max)}`);
  }
  // Failed rewards are written with status "failed" and their reason, and left out of the table above.
  if (failedCount > 0) console.log(`\n${failedCount} ${failedCount === 1 ? "reward" : "rewards"} failed (status "failed" in ${out}); first: ${firstFailure}`);
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
