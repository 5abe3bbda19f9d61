/**
 * Peer figures that `bench envs` divides by, by environment key. Empty on
 * purpose: a Python figure recorded on another day, machine or load is no
 * baseline. Ratios to Gymnasium's CartPole-v1 and MiniGrid's DoorKey-8x8
 * come from running both in alternation on the same core:
 * `node dist/bench/envs-vs-python.js python3` (bench/envs-vs-python.ts),
 * recorded with their date in docs/benchmarks.md.
 */
export const BASELINES: Record<string, number> = {};

/** Targets the project holds itself to (steps/s, vector of 64, one core). */
export const TARGETS: Record<string, number> = {
  "doorkey-8x8/vector64": 2_000_000,
  "empty-8x8/vector64": 2_000_000,
  "cartpole-v1/vector64": 10_000_000,
};
