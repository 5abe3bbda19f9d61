/**
 * The commands that scale past one run: `sweep` (configurations × seeds,
 * on local threads or on queue workers, with early stopping) and `worker`
 * (takes sweep jobs from a queue), and `ui` (the dashboard). Declared apart from program.ts only to
 * keep each file short.
 */
import type { Command } from "commander";
import { STORE_WHERE } from "./program-help.js";

export function registerScaleCommands(program: Command): void {
  // Subcommands share `sweep`'s options (--db, --json, …): each reads them with its parent's.
  const sweep = program
    .command("sweep")
    .description("sweeps: a base run config and what varies (reward designs, term weights, learner hyperparameters) × training seeds, grid, random or TPE, with ASHA early stopping; on this machine's threads, or on queue workers")
    .argument("[config]", "the sweep config (YAML or JSON) to start")
    .option("--db <path>", "the run store" + STORE_WHERE)
    .option("--workers <n>", "trials in parallel on this machine (default 2)")
    .option("--queue <url>", "put one job per trial step on this Redis (redis://host:port) for `rewardlab worker` processes, and wait for them")
    .option("--json", "print the report as JSON")
    .action(async (config, opts) => (await import("./commands/sweep.js")).sweepStart(config, opts));
  sweep
    .command("status <id>")
    .description("a sweep's trials: status, seed, how far each trained, its latest primary return, its run")
    .option("--db <path>", "the run store" + STORE_WHERE)
    .option("--json", "print JSON")
    .action(async (id, _opts, cmd: Command) => (await import("./commands/sweep.js")).sweepStatus(id, cmd.optsWithGlobals()));
  sweep
    .command("report <id>")
    .description("a sweep's configurations by final primary return (IQM over seeds with intervals, per seed), the best against the others, and each parameter's effect")
    .option("--db <path>", "the run store" + STORE_WHERE)
    .option("--json", "print JSON")
    .action(async (id, _opts, cmd: Command) => (await import("./commands/sweep.js")).sweepReportCommand(id, cmd.optsWithGlobals()));
  sweep
    .command("resume <id>")
    .description("go on with a stopped sweep's unfinished trials (each from its run's last checkpoint)")
    .option("--db <path>", "the run store" + STORE_WHERE)
    .option("--workers <n>", "trials in parallel on this machine (default 2)")
    .option("--queue <url>", "hand the trials to queue workers instead")
    .action(async (id, _opts, cmd: Command) => (await import("./commands/sweep.js")).sweepResume(id, cmd.optsWithGlobals()));
  sweep
    .command("stop <id>")
    .description("stop a sweep: workers take none of its trials any more (the ones training finish their step)")
    .option("--db <path>", "the run store" + STORE_WHERE)
    .action(async (id, _opts, cmd: Command) => (await import("./commands/sweep.js")).sweepStop(id, cmd.optsWithGlobals()));
  program
    .command("worker")
    .description("take sweep jobs from a queue and train them, recording into the run store (start any number, on any machine that reaches the queue and the store)")
    .requiredOption("--queue <url>", "the Redis the sweeps' jobs are on (redis://host:port)")
    .option("--db <path>", "the run store the sweeps are in (PostgreSQL for workers on several machines)" + STORE_WHERE)
    .option("--threads <n>", "trials trained at once by this worker (default 1)")
    .option("--lock <seconds>", "how long a job stays with a worker that stopped answering before another takes it (default 30)")
    .action(async (opts) => (await import("./commands/worker.js")).worker(opts));
  program
    .command("ui")
    .description("the dashboard on 127.0.0.1: runs, comparisons and sweeps from the store; the reports' pages, live while runs train; a sweep's parallel coordinates and best configuration")
    .option("--db <path>", "the run store" + STORE_WHERE)
    .option("--port <n>", "the port (default 8600; 0: any free one)")
    .action(async (opts) => (await import("./commands/ui.js")).ui(opts));
}
