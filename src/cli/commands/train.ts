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
import { compareDesigns, formatComparison, type Design, type DesignSummary } from "../../runs/compare.js";
import { loadRunConfig, type RunConfig } from "../../runs/config.js";
import type { RunProgress } from "../../runs/train.js";
import { intOption } from "../args.js";
import { recordFor, saveReport, type ReportFlag } from "../report.js";

export interface TrainOptions extends ReportFlag {
  seeds?: string;
  steps?: string;
  workers?: string;
}

function applyOverrides(config: RunConfig, opts: TrainOptions): RunConfig {
  const out = { ...config };
  if (opts.seeds !== undefined) out.seeds = Array.from({ length: intOption(opts.seeds, "--seeds", 1) }, (_, i) => i);
  if (opts.steps !== undefined) out.steps = intOption(opts.steps, "--steps", 1);
  return out;
}

export async function train(file: string, opts: TrainOptions): Promise<void> {
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
  const name = config.name ?? basename(file, extname(file));
  const rewards = Object.fromEntries(designs.map((d) => [d.name, d.reward]));
  saveReport(summaries, opts, `${name}-compare`, { title: `Reward design comparison: ${name}`, config, rewards });
}

/** Runs the designs with a progress bar per run (on a terminal) or a line per finished run. */
export async function runComparison(config: RunConfig, designs: Design[], opts: { workers?: string } & ReportFlag): Promise<DesignSummary[]> {
  const workers = intOption(opts.workers ?? "2", "--workers", 1);
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
    return await compareDesigns(config, designs, {
      workers,
      record: recordFor(opts),
      onProgress: (job: number, design: string, seed: number, p: RunProgress) => {
        if (!multi) return;
        let bar = bars.get(job);
        if (!bar) bars.set(job, (bar = multi.create(p.total, 0, { design: design.padEnd(10), seed, sps: "", primary: "", success: "" })));
        bar.update(Math.min(p.step, p.total), { sps: Math.round(p.stepsPerSecond), primary: fmt(p.primary), success: fmt(p.success) });
      },
      onRunDone: (s, design) => {
        if (!tty) console.error(`${design} seed ${s.seed}: ${s.steps} steps in ${s.seconds.toFixed(1)} s, primary return ${fmt(s.finalPrimary)}, success ${fmt(s.finalSuccess)}`);
      },
    });
  } finally {
    multi?.stop();
  }
}
