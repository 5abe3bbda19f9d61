/**
 * `rewardlab bench train --vs-cleanrl DIR`: CleanRL's ppo.py (from a local
 * checkout, run by bench/python/run_cleanrl.py) beside rewardlab's PPO on
 * CartPole-v1, with the same hyperparameters, seeds and budget, run in
 * alternation in this process's CPU set (pin it: `taskset -c 1 rewardlab …`).
 *
 * For each side and seed: steps/s over the whole run (CleanRL's own final
 * `SPS:` line; rewardlab's steps over wall time after construction), steps
 * per CPU second (steadier when other work shares the core) and the time
 * until the mean primary return of the last 20 episodes reaches 475.
 * CleanRL prints `SPS = global_step / (now − start)` after every iteration
 * of 512 steps (4 environments × 128), with `start` taken after building its
 * environments and networks; so the end of its i-th iteration is at
 * 512·i / SPS_i seconds, and its time to 475 is the end of the iteration in
 * which the mean crossed 475. rewardlab's clock starts at the same point
 * (environments and networks built) and is read at the end of the crossing
 * iteration too. Both include warm-up and compilation.
 */
import { spawn } from "node:child_process";
import { Ppo } from "../src/agents/ppo.js";
import { packageFile } from "../src/core/paths.js";
import { makeVector } from "../src/envs/registry.js";
import { RewardedVector } from "../src/rewards/rewarded.js";
import { train } from "../src/runs/loop.js";
import type { Figure } from "./harness.js";

export interface VsCleanrlOptions {
  /** A checkout of github.com/vwxyzjn/cleanrl (the folder holding cleanrl/ppo.py). */
  dir: string;
  /** A Python with numpy, torch and gymnasium importable (PYTHONPATH is passed through). */
  python: string;
  seeds: number[];
  /** Steps per run (CleanRL's default is 500,000). */
  steps: number;
}

export interface SideResult {
  side: "cleanrl" | "rewardlab";
  seed: number;
  sps: number;
  /** Steps per CPU second (user + system) over the same run: steadier than `sps` when other work shares the core. */
  cpuSps: number;
  /** Seconds until the last-20 mean return reached 475 (NaN if it never did). */
  secondsTo475: number;
  stepsTo475: number;
}

const WINDOW = 20;
/** Steps per PPO iteration with CleanRL's defaults: 4 environments × 128 steps. */
const ITERATION_STEPS = 512;
const TARGET = 475;

/** The step at which the mean of the last 20 returns first reaches 475, or NaN. */
function crossing(returns: readonly [step: number, value: number][]): number {
  for (let i = WINDOW - 1; i < returns.length; i++) {
    let sum = 0;
    for (let j = i - WINDOW + 1; j <= i; j++) sum += returns[j][1];
    if (sum / WINDOW >= TARGET) return returns[i][0];
  }
  return NaN;
}

/** Parses ppo.py's output: `global_step=S, episodic_return=[R]` per episode, `SPS: N` per iteration. */
export function parseCleanrl(output: string, seed: number): SideResult {
  const returns: [number, number][] = [];
  const sps: number[] = []; // per iteration
  let cpuSeconds = NaN;
  for (const line of output.split("\n")) {
    const episode = /global_step=(\d+), episodic_return=\[?([-\d.e+]+)\]?/.exec(line);
    if (episode) returns.push([Number(episode[1]), Number(episode[2])]);
    const rate = /^SPS: (\d+)/.exec(line);
    if (rate) sps.push(Number(rate[1]));
    const cpu = /^CPU seconds: ([\d.]+)/.exec(line);
    if (cpu) cpuSeconds = Number(cpu[1]);
  }
  if (sps.length === 0) throw new Error(`no "SPS:" line in CleanRL's output:\n${output.slice(-2000)}`);
  const stepsTo475 = crossing(returns);
  const end = Math.ceil(stepsTo475 / ITERATION_STEPS) * ITERATION_STEPS;
  const rate = sps[end / ITERATION_STEPS - 1];
  return { side: "cleanrl", seed, sps: sps[sps.length - 1], cpuSps: (sps.length * ITERATION_STEPS) / cpuSeconds, stepsTo475, secondsTo475: rate ? end / rate : NaN };
}

function runCleanrl(options: VsCleanrlOptions, seed: number): Promise<SideResult> {
  const runner = packageFile("bench/python/run_cleanrl.py");
  const args = ["-u", runner, options.dir, "--seed", String(seed), "--total-timesteps", String(options.steps), "--no-cuda"];
  return new Promise((resolve, reject) => {
    const child = spawn(options.python, args, { cwd: options.dir, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) reject(new Error(`${options.python} ${args.join(" ")} exited with ${code}:\n${err.slice(-2000)}`));
      else {
        try {
          resolve(parseCleanrl(out, seed));
        } catch (e) {
          reject(e);
        }
      }
    });
  });
}

function runRewardlab(steps: number, seed: number): SideResult {
  const ppo = new Ppo(new RewardedVector(makeVector("CartPole-v1", 4), { terms: [{ kind: "task" }] }), {}, seed);
  const returns: [number, number][] = [];
  let secondsTo475 = NaN;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  train(ppo, steps, (_m, episodes) => {
    for (const e of episodes) returns.push([e.step, e.primary]);
    // Only windows ending in this iteration's episodes can be new crossings.
    if (Number.isNaN(secondsTo475) && !Number.isNaN(crossing(returns.slice(-(WINDOW - 1 + episodes.length))))) secondsTo475 = (performance.now() - t0) / 1000;
  });
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { side: "rewardlab", seed, sps: ppo.globalStep / seconds, cpuSps: ppo.globalStep / ((cpu.user + cpu.system) / 1e6), secondsTo475, stepsTo475: crossing(returns) };
}

const median = (xs: number[]) => {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Runs both sides seed by seed in alternation (CleanRL first), yielding each run, then the medians and their ratios. */
export async function* vsCleanrl(options: VsCleanrlOptions): AsyncGenerator<Figure> {
  const results: SideResult[] = [];
  for (const seed of options.seeds) {
    for (const side of ["cleanrl", "rewardlab"] as const) {
      const r = side === "cleanrl" ? await runCleanrl(options, seed) : runRewardlab(options.steps, seed);
      results.push(r);
      const name = side === "cleanrl" ? "cleanrl-ppo-cartpole" : "ppo-cartpole";
      yield { suite: "train", name: `${name}/sps/seed${seed}`, value: r.sps, unit: "steps/s" };
      yield { suite: "train", name: `${name}/cpu-sps/seed${seed}`, value: r.cpuSps, unit: "steps/s" };
      yield { suite: "train", name: `${name}/time-to-475/seed${seed}`, value: r.secondsTo475, unit: "s" };
    }
  }
  const of = (side: SideResult["side"], key: "sps" | "cpuSps" | "secondsTo475") => median(results.filter((r) => r.side === side).map((r) => r[key]));
  const [cleanSps, ourSps] = [of("cleanrl", "sps"), of("rewardlab", "sps")];
  const [cleanCpu, ourCpu] = [of("cleanrl", "cpuSps"), of("rewardlab", "cpuSps")];
  const [cleanTime, ourTime] = [of("cleanrl", "secondsTo475"), of("rewardlab", "secondsTo475")];
  yield { suite: "train", name: "cleanrl-ppo-cartpole/sps (median)", value: cleanSps, unit: "steps/s" };
  yield { suite: "train", name: "ppo-cartpole/sps (median)", value: ourSps, unit: "steps/s", baseline: cleanSps, ratio: round(ourSps / cleanSps) };
  yield { suite: "train", name: "cleanrl-ppo-cartpole/cpu-sps (median)", value: cleanCpu, unit: "steps/s" };
  yield { suite: "train", name: "ppo-cartpole/cpu-sps (median)", value: ourCpu, unit: "steps/s", baseline: cleanCpu, ratio: round(ourCpu / cleanCpu) };
  yield { suite: "train", name: "cleanrl-ppo-cartpole/time-to-475 (median)", value: cleanTime, unit: "s" };
  yield { suite: "train", name: "ppo-cartpole/time-to-475 (median)", value: ourTime, unit: "s", baseline: cleanTime, ratio: round(ourTime / cleanTime) };
}

const round = (x: number) => Number(x.toPrecision(3));
