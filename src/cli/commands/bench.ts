/**
 * `rewardlab bench [suite] [--json]`: speed figures with their ratios to recorded baselines;
 * `rewardlab bench train --vs-cleanrl DIR`: rewardlab's PPO beside CleanRL's ppo.py, run here in alternation.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { UserError } from "../../core/errors.js";
import { didYouMean } from "../../core/suggest.js";
import { intOption, numberOption, seedsOption } from "../args.js";

/** The most time per measurement: `bench all` takes some forty measurements (and the server suite five times this). */
export const MAX_BENCH_SECONDS = 300;

export interface BenchOptions {
  json?: boolean;
  seconds?: string;
  vsCleanrl?: string;
  python?: string;
  seeds?: string;
  steps?: string;
  queue?: string;
  db?: string;
  trials?: string;
  rounds?: string;
}

export async function bench(suite: string, opts: BenchOptions): Promise<void> {
  const { SUITES, formatFigure, header } = await import("../../../bench/index.js");
  const seconds = numberOption(opts.seconds, "--seconds", 0.01, MAX_BENCH_SECONDS);
  if (opts.vsCleanrl !== undefined) return vsCleanrl(suite, opts);
  if (suite === "sweep") return sweepBench(opts);
  const names = suite === "all" ? Object.keys(SUITES) : [suite];
  for (const name of names) {
    if (!SUITES[name]) throw new UserError("suite", `unknown benchmark suite ${JSON.stringify(name)}${didYouMean(name, Object.keys(SUITES))}; known: ${Object.keys(SUITES).join(", ")}, all`);
  }
  if (!opts.json) console.log(header());
  for (const name of names) for await (const figure of SUITES[name](seconds)) console.log(formatFigure(figure, !!opts.json));
}

async function vsCleanrl(suite: string, opts: BenchOptions): Promise<void> {
  if (suite !== "train") throw new UserError("--vs-cleanrl", `compares training speed: use it with the train suite (\`rewardlab bench train --vs-cleanrl DIR\`), not ${JSON.stringify(suite)}`);
  const dir = resolve(opts.vsCleanrl!);
  if (!existsSync(join(dir, "cleanrl", "ppo.py"))) throw new UserError("--vs-cleanrl", `expected a checkout of github.com/vwxyzjn/cleanrl (a folder holding cleanrl/ppo.py), got ${JSON.stringify(opts.vsCleanrl)}`);
  const seeds = seedsOption(opts.seeds ?? "1,2,3", "--seeds");
  const steps = intOption(opts.steps ?? "500000", "--steps", 512, 10_000_000);
  const python = opts.python ?? "python3";
  // CleanRL needs torch, numpy and Gymnasium: say so now, not after a first run fails.
  const probe = spawnSync(python, ["-c", "import torch, numpy, gymnasium"], { encoding: "utf8", env: process.env });
  if (probe.error || probe.status !== 0) {
    const why = probe.error ? probe.error.message : (probe.stderr.trim().split("\n").pop() ?? `exit ${probe.status}`);
    throw new UserError("--python", `${JSON.stringify(python)} cannot import torch, numpy and gymnasium (${why}); install them (Debian: python3-torch, python3-numpy; Gymnasium on PYTHONPATH) or name another interpreter`);
  }
  const { vsCleanrl: run } = await import("../../../bench/cleanrl.js");
  const { formatFigure, header } = await import("../../../bench/harness.js");
  if (!opts.json) {
    console.log(`CleanRL ppo.py (${dir}) and rewardlab PPO on CartPole-v1, ${steps.toLocaleString("en")} steps, seeds ${seeds.join(", ")}, in alternation; pin with taskset for one core.`);
    console.log(header());
  }
  for await (const figure of run({ dir, python, seeds, steps })) console.log(formatFigure(figure, !!opts.json));
}

/** `bench sweep --queue URL --db URL`: needs the servers, so it is not part of `all`. */
async function sweepBench(opts: BenchOptions): Promise<void> {
  if (!opts.queue) throw new UserError("--queue", "the sweep benchmark needs a Redis: --queue redis://127.0.0.1:6379");
  if (!opts.db || !/^postgres(ql)?:\/\//.test(opts.db)) throw new UserError("--db", "the sweep benchmark needs a PostgreSQL store: --db postgres://user@127.0.0.1:5432/database");
  const trials = intOption(opts.trials ?? "12", "--trials", 1, 10_000);
  const steps = intOption(opts.steps ?? "20480", "--steps", 512, 10_000_000);
  const rounds = intOption(opts.rounds ?? "3", "--rounds", 1, 100);
  const { sweepSuite } = await import("../../../bench/sweep.js");
  const { formatFigure, header } = await import("../../../bench/harness.js");
  if (!opts.json) console.log(header());
  for await (const figure of sweepSuite({ queue: opts.queue, db: opts.db, trials, steps, rounds })) console.log(formatFigure(figure, !!opts.json));
}
