/** A tiny recorded comparison for report tests: 2 designs × 1 seed of PPO on DoorKey-5x5, in this thread. */
import { compareDesigns, type Design, type DesignSummary } from "../compare.js";
import { RunConfig } from "../config.js";

export const TINY_DESIGNS: Design[] = [
  { name: "sparse", reward: { terms: [{ kind: "task" }] } as never },
  { name: "key-bonus", reward: { terms: [{ kind: "task" }, { name: "step", kind: "expression", expr: "-0.01" }, { kind: "event", event: "pickup:key", weight: 0.2, role: "auxiliary" }] } as never },
];

export async function tinyComparison(steps = 4096): Promise<{ config: RunConfig; summaries: DesignSummary[] }> {
  const config = RunConfig.parse({ env: { id: "DoorKey-5x5" }, numEnvs: 4, steps, seeds: [0], learner: { algo: "ppo", numSteps: 128 }, window: 10 });
  const summaries = await compareDesigns(config, TINY_DESIGNS, { workers: 1, record: { evalEpisodes: 8 } });
  return { config, summaries };
}
