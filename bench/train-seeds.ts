/**
 * Wall time of K seeds of PPO trained in lockstep (`trainSeeds`) against
 * one seed alone, for `rewardlab bench train` and for a standalone run:
 *
 *   node dist/bench/train-seeds.js CartPole-v1 4 100000 1,2,4,8 3 [batched]
 *
 * (environment, environments per seed, steps per seed, seed counts, rounds;
 * rounds interleave the seed counts; `batched` vmaps the updates).
 */
import { trainSeeds } from "../src/agents/ppo-seeds.js";
import { makeVector } from "../src/envs/registry.js";
import { RewardedVector } from "../src/rewards/rewarded.js";

const TASK = { terms: [{ kind: "task" }] };

/** Wall and CPU seconds to train `k` seeds (1, 2, …) of PPO with CleanRL's defaults for `steps` each, compilation included. */
export function lockstepSeconds(id: string, numEnvs: number, steps: number, k: number, batched = false): { seconds: number; cpuSeconds: number } {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const seeds = Array.from({ length: k }, (_, i) => i + 1);
  trainSeeds(seeds.map(() => new RewardedVector(makeVector(id, numEnvs), TASK)), {}, seeds, steps, undefined, { batched });
  const cpu = process.cpuUsage(cpu0);
  return { seconds: (performance.now() - t0) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [id, n, steps, ks, rounds, mode] = process.argv.slice(2);
  const counts = (ks ?? "1,2,4,8").split(",").map(Number);
  const times: Record<number, number[]> = {};
  for (let round = 0; round < Number(rounds ?? 3); round++) {
    for (const k of counts) {
      const t = lockstepSeconds(id ?? "CartPole-v1", Number(n ?? 4), Number(steps ?? 100_000), k, mode === "batched");
      (times[k] ??= []).push(t.cpuSeconds);
      console.log(JSON.stringify({ round, seeds: k, ...t }));
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  for (const k of counts) console.log(`${k} seeds: median ${median(times[k]).toFixed(1)} CPU s (${Math.min(...times[k]).toFixed(1)}–${Math.max(...times[k]).toFixed(1)}), ${(median(times[k]) / median(times[counts[0]])).toFixed(2)}× ${counts[0]} seed(s)`);
}
