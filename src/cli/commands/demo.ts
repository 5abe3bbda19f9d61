/**
 * `rewardlab demo` (what `npm start` runs): a uniformly random agent on a
 * few built-in environments, with episode statistics. It shows the baseline
 * every learned policy must beat and how sparse the sparse tasks are.
 */
import { Rng } from "../../core/rng.js";
import { actionBuffer, sampleInto } from "../../core/spaces.js";
import { makeVector } from "../../envs/registry.js";
import { intOption } from "../args.js";
import { progressBar } from "../progress.js";

const DEMO_ENVS = ["Empty-5x5", "DoorKey-5x5", "DoorKey-8x8", "LavaGapS5", "CartPole-v1", "MountainCar-v0", "Bandit-Bernoulli-10"];

export interface EpisodeStats {
  id: string;
  episodes: number;
  meanReturn: number;
  stdReturn: number;
  /** Undefined for tasks without a success event. */
  successRate: number | undefined;
  meanLength: number;
  stepsPerSecond: number;
}

/** Runs a random policy on `id` with a vector of `numEnvs` until `episodes` episodes have ended. */
export function randomAgentStats(id: string, episodes: number, seed: number, numEnvs = 16, onProgress?: (done: number) => void): EpisodeStats {
  const vec = makeVector(id, numEnvs);
  const rng = new Rng(seed).split();
  vec.reset(seed);
  const space = vec.actionSpace;
  const actions = actionBuffer(space, numEnvs);
  // Success is the task's own success event, or reaching its goal; tasks with neither have none.
  const successEvent = ["success", "reach:goal"].find((e) => vec.eventNames.includes(e));
  const successBit = successEvent ? vec.eventMask(successEvent) : 0;
  const returns: number[] = [];
  let successes = 0;
  let length = 0;
  let steps = 0;
  const t0 = performance.now();
  while (returns.length < episodes) {
    for (let i = 0; i < numEnvs; i++) sampleInto(space, rng, actions, i * vec.actionSize);
    vec.step(actions);
    steps += numEnvs;
    for (let i = 0; i < numEnvs && returns.length < episodes; i++) {
      if (!vec.terminated[i] && !vec.truncated[i]) continue;
      returns.push(vec.episodeReturn[i]);
      length += vec.episodeLength[i];
      if (vec.events[i] & successBit) successes++;
      onProgress?.(returns.length);
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
  const variance = returns.reduce((a, r) => a + (r - mean) ** 2, 0) / Math.max(1, returns.length - 1);
  return {
    id,
    episodes: returns.length,
    meanReturn: mean,
    stdReturn: Math.sqrt(variance),
    successRate: successBit ? successes / returns.length : undefined,
    meanLength: length / returns.length,
    stepsPerSecond: steps / seconds,
  };
}

export function demo(opts: { episodes?: string; seed?: string }): void {
  const episodes = intOption(opts.episodes ?? "200", "--episodes", 1);
  const seed = intOption(opts.seed ?? "0", "--seed", 0);
  console.log(`rewardlab demo: a random agent on ${DEMO_ENVS.length} environments, ${episodes} episodes each (seed ${seed})\n`);
  const rows: EpisodeStats[] = [];
  for (const id of DEMO_ENVS) {
    const bar = progressBar(episodes, id);
    rows.push(randomAgentStats(id, episodes, seed, 16, (done) => bar.update(done)));
    bar.stop();
  }
  const head = `${"environment".padEnd(22)} ${"episodes".padStart(8)} ${"return (mean ± sd)".padStart(22)} ${"success".padStart(8)} ${"length".padStart(8)} ${"steps/s".padStart(10)}`;
  console.log(head);
  console.log("-".repeat(head.length));
  for (const r of rows) {
    const ret = `${r.meanReturn.toFixed(3)} ± ${r.stdReturn.toFixed(3)}`;
    console.log(
      `${r.id.padEnd(22)} ${String(r.episodes).padStart(8)} ${ret.padStart(22)} ${(r.successRate === undefined ? "—" : `${(100 * r.successRate).toFixed(1)}%`).padStart(8)} ${r.meanLength.toFixed(1).padStart(8)} ${formatRate(r.stepsPerSecond).padStart(10)}`,
    );
  }
  console.log("\nSuccess counts the task's own success event (or reaching its goal); — for tasks without one.");
  console.log("Next: `rewardlab envs list`, `rewardlab envs show DoorKey-8x8`, `rewardlab play DoorKey-5x5`, `rewardlab bench envs`.");
}

function formatRate(x: number): string {
  return x >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : `${(x / 1e3).toFixed(0)}k`;
}
