/**
 * `rewardlab train CONFIG` and `rewardlab compare CONFIG --rewards a.yaml,b.yaml`:
 * train a run config (one run per seed), or every reward design of a
 * comparison, with live progress and a summary table, then an HTML report
 * (`--report PATH`, `--no-report`).
 */
import { basename, extname } from "node:path";
import cliProgress from "cli-progress";
import { UserError } from "../../core/errors.js";
import { readConfigFile } from "../../core/config.js";
import { auxiliaryTermNames, formatComparison, observations, type Design, type DesignSummary } from "../../runs/compare.js";
import { parseConfig } from "../../core/config.js";
import { loadRunConfig, RunConfig } from "../../runs/config.js";
import { ComparisonSession } from "../../runs/session.js";
import { defaultStoreLocation, findRun, isPostgresUrl, openStore, redactUrl } from "../../runs/store/index.js";
import type { RunProgress } from "../../runs/train.js";
import { intOption, seedsOption } from "../args.js";
import { checkOutputFile } from "../output.js";
import { checkReportFlag, recordFor, saveReport, type ReportFlag } from "../report.js";

export interface TrainOptions extends ReportFlag {
  seeds?: string;
  steps?: string;
  workers?: string;
  /** The run store's path, or false (`--no-db`) not to record. */
  db?: string | false;
  resume?: string;
}

function applyOverrides(config: RunConfig, opts: TrainOptions): RunConfig {
  const out = { ...config };
  if (opts.seeds !== undefined) out.seeds = seedsOption(opts.seeds);
  if (opts.steps !== undefined) out.steps = intOption(opts.steps, "--steps", 1);
  return out;
}

export async function train(file: string | undefined, opts: TrainOptions): Promise<void> {
  if (opts.resume) return resume(opts.resume, opts);
  if (!file) throw new UserError("config", "expected a run config file (or --resume RUN_ID)");
  const config = applyOverrides(loadRunConfig(file), opts);
  const name = config.name ?? basename(file, extname(file));
  const [summary] = await runComparison({ ...config, name }, [{ name, reward: config.reward }], opts);
  console.log(formatComparison([summary], config.successThreshold));
  saveReport([summary], opts, name, { title: `Training run: ${name}`, config: { ...config, name }, rewards: { [name]: config.reward } });
}

export async function compare(file: string, opts: TrainOptions & { rewards?: string }): Promise<void> {
  if (!opts.rewards) throw new UserError("--rewards", "expected a comma-separated list of reward spec files, as --rewards a.yaml,b.yaml");
  const config = applyOverrides(loadRunConfig(file), opts);
  const designs: Design[] = opts.rewards.split(",").map((path) => ({ name: basename(path.trim(), extname(path.trim())), reward: readConfigFile(path.trim()) as RunConfig["reward"] }));
  const summaries = await runComparison(config, designs, opts);
  console.log(formatComparison(summaries, config.successThreshold));
  const roles = new Map(designs.map((d) => [d.name, auxiliaryTermNames(d.reward, config.env)]));
  const notes = observations(summaries, (design, term) => roles.get(design)?.has(term) ?? false);
  if (notes.length) console.log(`\n${notes.join("\n")}`);
  const name = config.name ?? basename(file, extname(file));
  const rewards = Object.fromEntries(designs.map((d) => [d.name, d.reward]));
  saveReport(summaries, opts, `${name}-compare`, { title: `Reward design comparison: ${name}`, config, rewards, notes });
}

/** `train --resume RUN_ID`: continues a stored run from its latest checkpoint. */
async function resume(id: string, opts: TrainOptions): Promise<void> {
  if (opts.db === false) throw new UserError("--resume", "resuming needs the run store; drop --no-db");
  const dbPath = opts.db ?? defaultStoreLocation();
  const store = await openStore(dbPath, { create: false });
  await store.recoverInterrupted(); // a killed trainer's run is interrupted, not running
  const run = await findRun(store, id, "--resume");
  await store.close();
  if (run.status === "finished") throw new UserError("--resume", `run ${run.id} has already finished`);
  if (run.status === "running") throw new UserError("--resume", `run ${run.id} is still running (in process ${run.pid} on ${run.host})`);
  if (run.status === "failed") throw new UserError("--resume", `run ${run.id} failed${run.error ? ` (${run.error})` : ""}; it cannot be resumed: fix the config and train it again`);
  const config = parseConfig(RunConfig, run.config, "run.config");
  const [summary] = await runComparison({ ...config, seeds: [run.seed] }, [{ name: run.name, reward: config.reward }], { ...opts, workers: "1" }, { resumeId: run.id });
  console.log(formatComparison([summary], config.successThreshold));
  saveReport([summary], opts, run.name, { title: `Training run: ${run.name} (resumed)`, config, rewards: { [run.name]: config.reward } });
}

/** Runs the designs with a progress bar per run (on a terminal) or a line per finished run; Ctrl-C stops them at a checkpoint. */
export async function runComparison(config: RunConfig, designs: Design[], opts: TrainOptions, extra: { resumeId?: string } = {}): Promise<DesignSummary[]> {
  const workers = intOption(opts.workers ?? "2", "--workers", 1);
  const dbPath = opts.db === false ? undefined : (opts.db ?? defaultStoreLocation());
  // Errors come here, once, before anything is stored or a worker starts: the output paths, then the designs.
  if (dbPath && !isPostgresUrl(dbPath)) checkOutputFile(dbPath, "--db");
  checkReportFlag(opts);
  const session = await ComparisonSession.open(config, designs, { dbPath, resumeId: extra.resumeId });
  const tty = !!process.stderr.isTTY;
  const multi = tty
    ? new cliProgress.MultiBar(
        {
          format: "{design} seed {seed} {bar} {percentage}% | {value}/{total} steps | {sps} steps/s | primary {primary} | success {success} | eta {eta_formatted}",
          stream: process.stderr,
          hideCursor: true,
          clearOnComplete: false,
          barsize: 20,
        },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  const bars = new Map<number, cliProgress.SingleBar>();
  const fmt = (x: number) => (Number.isNaN(x) ? "—" : x.toFixed(2));
  try {
    const summaries = await session.run({
      workers,
      record: recordFor(opts),
      onStopping: () => process.stderr.write("\nStopping: saving checkpoints at the next iteration (Ctrl-C again to quit now)…\n"),
      onProgress: (job: number, design: string, seed: number, p: RunProgress) => {
        if (!multi) return;
        let bar = bars.get(job);
        if (!bar) bars.set(job, (bar = multi.create(p.total, 0, { design: design.padEnd(10), seed, sps: "", primary: "", success: "" })));
        bar.update(Math.min(p.step, p.total), { sps: Math.round(p.stepsPerSecond), primary: fmt(p.primary), success: fmt(p.success) });
      },
      onRunDone: (s, design) => {
        if (!tty) process.stderr.write(`${design} seed ${s.seed}: ${s.steps} steps in ${s.seconds.toFixed(1)} s, primary return ${fmt(s.finalPrimary)}, success ${fmt(s.finalSuccess)}\n`);
      },
    });
    multi?.stop();
    if (dbPath) {
      const runs = summaries.flatMap((d) => d.runs.map((r) => ({ id: (r as { runId?: string }).runId, interrupted: r.interrupted })));
      const where = session.comparisonId ? `comparison ${session.comparisonId}, runs ${runs.map((r) => r.id).join(", ")}` : `run ${runs[0]?.id}`;
      process.stderr.write(`Stored in ${redactUrl(dbPath)}: ${where}\n`);
      for (const r of runs.filter((r) => r.interrupted)) process.stderr.write(`Interrupted: resume with \`rewardlab train --resume ${r.id}${dbPath === defaultStoreLocation() ? "" : ` --db ${redactUrl(dbPath)}`}\`\n`);
    }
    return summaries;
  } finally {
    multi?.stop();
  }
}
