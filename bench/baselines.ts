/**
 * Recorded baselines, measured on the project's 2-core reference machine
 * (one core, random actions, observation generation included):
 * - Farama MiniGrid (Python), MiniGrid-DoorKey-8x8-v0: about 10,000 steps/s.
 * - Gymnasium CartPole-v1 (Python): 150,000–350,000 steps/s; ratios use the
 *   upper figure, so they are the least flattering.
 */
export const BASELINES: Record<string, number> = {
  "doorkey-8x8": 10_000,
  "cartpole-v1": 350_000,
};

/** Targets the project holds itself to (steps/s, vector of 64, one core). */
export const TARGETS: Record<string, number> = {
  "doorkey-8x8/vector64": 2_000_000,
  "empty-8x8/vector64": 2_000_000,
  "cartpole-v1/vector64": 10_000_000,
};
