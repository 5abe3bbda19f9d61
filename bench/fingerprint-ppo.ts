/**
 * A fingerprint of seeded PPO runs: a hash of the final parameters, optimizer
 * state and every iteration's metrics and episode returns. A change meant to
 * keep PPO's numbers (a faster update, a faster forward pass) must print the
 * same lines before and after:
 *
 *   node dist/bench/fingerprint-ppo.js
 *
 * `node dist/bench/fingerprint-ppo.js time CartPole-v1 4 100000` prints the
 * seconds and steps/s of one seeded run instead (for before/after timings).
 */
import { createHash } from "node:crypto";
import { Ppo } from "../src/agents/ppo.js";
import { makeVector } from "../src/envs/registry.js";
import { RewardedVector } from "../src/rewards/rewarded.js";
import { train } from "../src/runs/loop.js";

const TASK = { terms: [{ kind: "task" }] };

/** The hash of a seeded run's final state and of everything it logged on the way. */
export function fingerprint(id: string, numEnvs: number, steps: number, seed: number, config: Record<string, unknown> = {}): { hash: string; lastReturn: number; steps: number } {
  const ppo = new Ppo(new RewardedVector(makeVector(id, numEnvs), TASK), config, seed);
  const log: number[] = [];
  let lastReturn = NaN;
  train(ppo, steps, (metrics, episodes) => {
    for (const key of Object.keys(metrics).sort()) if (key !== "charts/SPS") log.push(metrics[key]);
    for (const e of episodes) log.push((lastReturn = e.primary));
  });
  const hash = createHash("sha256").update(JSON.stringify({ state: ppo.state(), log })).digest("hex").slice(0, 16);
  return { hash, lastReturn, steps: ppo.globalStep };
}

const runs: [string, number, number, Record<string, unknown>][] = [
  ["CartPole-v1", 4, 20_000, {}],
  ["DoorKey-5x5", 8, 20_000, {}],
  ["Pendulum-v1", 4, 4_096, { numSteps: 64 }],
];
const isMain = import.meta.url === `file://${process.argv[1]}`;
if (isMain && process.argv[2] === "time") {
  const [id, n, steps] = [process.argv[3], Number(process.argv[4]), Number(process.argv[5])];
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const ppo = new Ppo(new RewardedVector(makeVector(id, n), TASK), {}, 1);
  let firstIteration = NaN;
  // CPU time inside `update` (advantages and minibatch updates), after the first (compiling) iteration.
  let updateCpu = 0;
  const update = ppo.update.bind(ppo);
  ppo.update = () => {
    const c0 = process.cpuUsage();
    const metrics = update();
    const c = process.cpuUsage(c0);
    if (ppo.iteration > 1) updateCpu += (c.user + c.system) / 1e6;
    return metrics;
  };
  train(ppo, steps, () => void (firstIteration ||= (performance.now() - t0) / 1000));
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  console.log(JSON.stringify({ id, seconds, cpuSeconds, firstIteration, updateCpuMsPerIteration: (1000 * updateCpu) / (ppo.iteration - 1), sps: ppo.globalStep / seconds, cpuSps: ppo.globalStep / cpuSeconds }));
} else if (isMain) for (const [id, n, steps, config] of runs) console.log(id, JSON.stringify(fingerprint(id, n, steps, 1, config)));
