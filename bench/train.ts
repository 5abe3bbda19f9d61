/**
 * `rewardlab bench train`: how fast learners train.
 *
 * - `ppo-cartpole/sps`: PPO with CleanRL ppo.py's hyperparameters (4 envs,
 *   128 steps, 4 minibatches × 4 epochs) on CartPole-v1, steps/s over the
 *   whole default run of 500k steps, startup and compilation included.
 * - `ppo-cartpole/time-to-475`: wall time until the mean return of the last 20
 *   episodes reaches 475 on the default 500k-step schedule.
 * - `ppo-doorkey-5x5/steps-to-0.9`: environment steps until the success rate
 *   over the last 50 episodes reaches 0.9 (8 envs); target ≤ 100k.
 * - `ppo-doorkey-8x8-potential/steps-to-0.9` and its seconds: DoorKey-8x8 with
 *   the potential-shaping example spec, budget 1.5M steps.
 *
 * No ratio to CleanRL here: a figure recorded on another day is no baseline.
 * `rewardlab bench train --vs-cleanrl DIR` (bench/cleanrl.ts) runs CleanRL's
 * ppo.py beside this PPO, in alternation on the same core, and prints both.
 */
import { Ppo } from "../src/agents/ppo.js";
import { train } from "../src/runs/loop.js";
import { readConfigFile } from "../src/core/config.js";
import { packageFile } from "../src/core/paths.js";
import { makeVector } from "../src/envs/registry.js";
import { RewardedVector } from "../src/rewards/rewarded.js";
import type { Figure } from "./harness.js";

const TASK = { terms: [{ kind: "task" }] };

function ppoUntil(id: string, n: number, spec: unknown, budget: number, window: number, done: (returns: number[], successes: number[]) => boolean) {
  const ppo = new Ppo(new RewardedVector(makeVector(id, n), spec), {}, 1);
  const returns: number[] = [];
  const successes: number[] = [];
  let reachedAt: number | null = null;
  let seconds = NaN;
  const t0 = performance.now();
  train(ppo, budget, (_m, episodes) => {
    returns.push(...episodes.map((e) => e.primary));
    successes.push(...episodes.map((e) => e.success));
    if (returns.length >= window && done(returns.slice(-window), successes.slice(-window))) {
      reachedAt = ppo.globalStep;
      seconds = (performance.now() - t0) / 1000;
      return false;
    }
  });
  return { reachedAt, seconds, totalSeconds: (performance.now() - t0) / 1000, steps: ppo.globalStep };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

export function* trainSuite(): Generator<Figure> {
  // Throughput over the whole default run, startup and compilation included.
  const sps = ppoUntil("CartPole-v1", 4, TASK, 500_000, 1, () => false);
  yield { suite: "train", name: "ppo-cartpole/sps", value: sps.steps / sps.totalSeconds, unit: "steps/s" };
  const cart = ppoUntil("CartPole-v1", 4, TASK, 500_000, 20, (r) => mean(r) >= 475);
  yield { suite: "train", name: "ppo-cartpole/time-to-475", value: cart.seconds, unit: "s" };
  yield { suite: "train", name: "ppo-cartpole/steps-to-475", value: cart.reachedAt ?? NaN, unit: "steps" };
  const dk5 = ppoUntil("DoorKey-5x5", 8, TASK, 300_000, 50, (_r, s) => mean(s) >= 0.9);
  yield { suite: "train", name: "ppo-doorkey-5x5/steps-to-0.9", value: dk5.reachedAt ?? NaN, unit: "steps" };
  yield { suite: "train", name: "ppo-doorkey-5x5/seconds-to-0.9", value: dk5.seconds, unit: "s" };
  const potential = readConfigFile(packageFile("examples/rewards/doorkey-potential.yaml"));
  const dk8 = ppoUntil("DoorKey-8x8", 8, potential, 1_500_000, 50, (_r, s) => mean(s) >= 0.9);
  yield { suite: "train", name: "ppo-doorkey-8x8-potential/steps-to-0.9", value: dk8.reachedAt ?? NaN, unit: "steps" };
  yield { suite: "train", name: "ppo-doorkey-8x8-potential/seconds-to-0.9", value: dk8.seconds, unit: "s" };
}
