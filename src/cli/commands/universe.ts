/**
 * `rewardlab universe generate|list|show|play`: the open-ended universe's
 * benchmarks. A benchmark is named by a difficulty (generated in-process,
 * the same on every machine for a count and a seed) or is a file written by
 * `generate`.
 */
import { existsSync } from "node:fs";
import { UserError } from "../../core/errors.js";
import { make } from "../../envs/registry.js";
import { Benchmark, namedBenchmark, type Split } from "../../envs/universe/benchmark.js";
import type { UniverseEnv } from "../../envs/universe/env.js";
import { DIFFICULTIES } from "../../envs/universe/generate.js";
import { describeRuleset, rulesetToJson } from "../../envs/universe/ruleset.js";
import { intOption } from "../args.js";
import { checkOutputFile } from "../output.js";
import { progressBar } from "../progress.js";
import { play as playEnv, type PlayIO } from "./play.js";

const SPLITS = ["train", "test", "all"];
const ENVS = ["Universe-R1-9x9", "Universe-R2-9x9", "Universe-R4-13x13"];

export interface BenchmarkOptions {
  benchmark?: string;
  count?: string;
  seed?: string;
}

function difficulty(name: string | undefined, option: string): string {
  const d = name ?? "trivial";
  if (!(d in DIFFICULTIES)) throw new UserError(option, `expected one of ${Object.keys(DIFFICULTIES).join(", ")}, got ${JSON.stringify(d)}`);
  return d;
}

/** The benchmark options name: a difficulty (with --count and --seed) or a file. */
function openBenchmark(opts: BenchmarkOptions): Benchmark {
  const name = opts.benchmark ?? "trivial";
  if (name in DIFFICULTIES) return namedBenchmark(name, intOption(opts.count ?? "10000", "--count", 1, 10_000_000), intOption(opts.seed ?? "0", "--seed", 0));
  if (!existsSync(name)) throw new UserError("--benchmark", `expected ${Object.keys(DIFFICULTIES).join(", ")} or a benchmark file, got ${JSON.stringify(name)} (no such file)`);
  return Benchmark.load(name);
}

/** The kwargs that make a universe environment play this benchmark. */
function benchmarkKwargs(opts: BenchmarkOptions): Record<string, unknown> {
  const name = opts.benchmark ?? "trivial";
  return name in DIFFICULTIES ? { benchmark: name, count: Number(opts.count ?? "10000"), benchmarkSeed: Number(opts.seed ?? "0") } : { benchmark: name };
}

export function generate(opts: { difficulty?: string; count?: string; seed?: string; out?: string }): void {
  const d = difficulty(opts.difficulty, "--difficulty");
  const count = intOption(opts.count ?? "10000", "--count", 1, 10_000_000);
  const seed = intOption(opts.seed ?? "0", "--seed", 0);
  const out = opts.out ?? `${d}-${count}-seed${seed}.rlu`;
  checkOutputFile(out, "--out");
  const bar = progressBar(count, `generating ${d}`);
  const t0 = performance.now();
  const b = Benchmark.generate(d, count, seed, (done) => bar.update(done));
  bar.stop();
  b.save(out);
  console.log(`${out}: ${count} ${d} tasks (seed ${seed}) in ${((performance.now() - t0) / 1000).toFixed(1)} s; train ${range(b.split("train"))}, held out ${range(b.split("test"))}`);
}

const range = (r: { start: number; end: number }) => `${r.start}…${r.end - 1}`;

export function list(opts: BenchmarkOptions & { split?: string; limit?: string; json?: boolean }): void {
  const split = opts.split ?? "all";
  if (!SPLITS.includes(split)) throw new UserError("--split", `expected one of ${SPLITS.join(", ")}, got ${JSON.stringify(split)}`);
  const limit = intOption(opts.limit ?? "20", "--limit", 1);
  const b = openBenchmark(opts);
  const { start, end } = b.split(split as Split);
  const rows = [];
  for (let i = start; i < Math.min(end, start + limit); i++) {
    const task = b.task(i);
    rows.push(opts.json ? { index: i, ...rulesetToJson(task) } : `${String(i).padStart(7)}  ${String(task.rules.length).padStart(2)} rules  ${String(task.objects.length).padStart(2)} objects  ${describeRuleset(task)[0]}`);
  }
  if (opts.json) console.log(JSON.stringify(rows));
  else {
    console.log(`${b.header.difficulty}, ${b.size} tasks (seed ${b.header.seed}); ${split} ${range({ start, end })}${end - start > limit ? `, first ${limit}` : ""}`);
    for (const r of rows) console.log(r);
  }
}

export function show(index: string, opts: BenchmarkOptions & { env?: string; json?: boolean }): void {
  const i = intOption(index, "index", 0);
  const b = openBenchmark(opts);
  if (i >= b.size) throw new UserError("index", `expected an index below ${b.size}, got ${i}`);
  const task = b.task(i);
  if (opts.json) {
    console.log(JSON.stringify({ index: i, ...rulesetToJson(task) }, null, 2));
    return;
  }
  const envId = universeEnv(opts.env);
  const env = make(envId, { kwargs: { ...benchmarkKwargs(opts), task: i } });
  env.reset(0);
  console.log([`task ${i} of ${b.header.difficulty} (${b.size} tasks, seed ${b.header.seed}), ${i >= b.split("test").start ? "held out" : "train"}`, ...describeRuleset(task).map((l) => `  ${l}`), "", `${envId}, seed 0:`, (env.core as UniverseEnv).render()].join("\n"));
}

export async function play(index: string, opts: BenchmarkOptions & { env?: string; episodeSeed?: string; showRules?: boolean }, io?: PlayIO): Promise<void> {
  const i = intOption(index, "index", 0);
  const b = openBenchmark(opts);
  if (i >= b.size) throw new UserError("index", `expected an index below ${b.size}, got ${i}`);
  const output = io?.output ?? process.stdout;
  output.write(`task ${i}: ${opts.showRules ? describeRuleset(b.task(i)).join("; ") : describeRuleset(b.task(i))[0] + " (rules hidden; --show-rules shows them)"}\n`);
  await playEnv(universeEnv(opts.env), { seed: opts.episodeSeed, kwargs: JSON.stringify({ ...benchmarkKwargs(opts), task: i }) }, io);
}

function universeEnv(id: string | undefined): string {
  const e = id ?? ENVS[0];
  if (!ENVS.includes(e)) throw new UserError("--env", `expected one of ${ENVS.join(", ")}, got ${JSON.stringify(e)}`);
  return e;
}

/** `rewardlab universe generations CONFIG`: generations of one seed, each from the previous, compared by XLand's percentiles on held-out tasks. */
export async function generations(file: string, opts: { generations?: string; tasks?: string; episodes?: string; seed?: string; json?: boolean }): Promise<void> {
  const { loadRunConfig } = await import("../../runs/config.js");
  const { compareGenerations, trainGenerations } = await import("../../runs/generations.js");
  const { Rng } = await import("../../core/rng.js");
  const { validateRun } = await import("../../runs/validate.js");
  const config = loadRunConfig(file);
  validateRun(config);
  const options = {
    generations: intOption(opts.generations ?? "3", "--generations", 1, 100),
    tasks: intOption(opts.tasks ?? "32", "--tasks", 1, 100_000),
    episodes: intOption(opts.episodes ?? "4", "--episodes", 1, 1024),
  };
  const seed = intOption(opts.seed ?? String(config.seeds[0]), "--seed", 0);
  const bar = progressBar(options.generations, "generations");
  const reports = trainGenerations(config, seed, options, (r) => bar.update(r.generation));
  bar.stop();
  if (opts.json) {
    console.log(JSON.stringify(reports));
    return;
  }
  const f = (x: number) => x.toFixed(3);
  console.log(`${reports[0].scores.length} held-out tasks × ${options.episodes} episodes, seed ${seed}; scores normalized per task by the best generation`);
  console.log("generation      steps  participation    p10    p50  vs previous (paired bootstrap over tasks, 95%)");
  const scores = reports.map((r) => r.scores);
  for (const r of reports) {
    const g = r.generation - 1;
    let verdict = "";
    if (g > 0) {
      const { verdict: v, intervals } = compareGenerations(scores, g, g - 1, new Rng(seed + g));
      verdict = `${v}  (participation ${f(intervals.participation[0])} … ${f(intervals.participation[1])}, p50 ${f(intervals.p50[0])} … ${f(intervals.p50[1])})`;
    }
    console.log(`${String(r.generation).padStart(10)}  ${String(r.steps).padStart(9)}  ${f(r.percentiles.participation).padStart(13)}  ${f(r.percentiles.p10)}  ${f(r.percentiles.p50)}  ${verdict}`);
  }
}

