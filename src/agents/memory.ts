/**
 * How much memory a learner's rollout takes, checked before it is allocated.
 * A rollout holds numEnvs × numSteps rows (PPO) or numEnvs × the episode
 * limit (REINFORCE), each with an observation; `numEnvs: 4096` with
 * `numSteps: 1e9` would otherwise die deep in a typed-array allocation (or
 * take the machine's memory) instead of saying which fields to lower.
 */
import { UserError } from "../core/errors.js";
import type { Space } from "../core/spaces.js";
import { PpoConfig } from "./ppo.js";

/** A learner config as given (learner.ts's LearnerConfig; structural here, so learner.ts can call this file without a circle). */
type LearnerConfig = { algo: string } & Record<string, unknown>;

/** The most a run's rollout buffers may take: 2 GiB. */
export const MAX_ROLLOUT_BYTES = 2 * 1024 ** 3;

/** What the estimate needs of a vector of environments. */
export interface RolloutShape {
  /** Environments stepped together (the run's `numEnvs`). */
  n: number;
  observationSpace: Space;
  actionSpace: Space;
  /** The episode step limit. */
  maxSteps: number;
}

/**
 * The bytes of the learner's rollout buffers, and the rows and config fields
 * behind them; undefined for learners without one (tabular).
 */
export function rolloutBytes(config: LearnerConfig, shape: RolloutShape): { bytes: number; rows: number; fields: [string, number][]; values: number } | undefined {
  // Observations are padded to a multiple of 4 floats; discrete actions are one-hot in minibatches.
  const values = Math.ceil(shape.observationSpace.size / 4) * 4;
  const actionCols = shape.actionSpace.kind === "discrete" ? shape.actionSpace.n : shape.actionSpace.size;
  switch (config.algo) {
    case "ppo": {
      // A run config's default learner is `{algo: ppo}` as given: the learner fills in its defaults, and so does this.
      const { algo: _algo, ...given } = config;
      const { numSteps, numMinibatches } = PpoConfig.parse(given);
      const rows = shape.n * numSteps;
      // Per row: observation and action, six scalars (log π, reward, done, value, advantage, return) and a shuffled
      // index; the minibatch copies (in JavaScript, then in jax-js) add 2/numMinibatches of the observations and actions.
      const perRow = (values + actionCols) * 4 * (1 + 2 / numMinibatches) + 6 * 4 + 4;
      return { bytes: rows * perRow, rows, fields: [["numEnvs", shape.n], ["learner.numSteps", numSteps]], values };
    }
    case "reinforce": {
      if (!Number.isFinite(shape.maxSteps)) return undefined;
      const rows = shape.n * shape.maxSteps;
      // Per row, each iteration: observation, action, owner, weight, and the batch again in jax-js.
      const perRow = (values + actionCols) * 4 * 2 + 2 * 4;
      return { bytes: rows * perRow, rows, fields: [["numEnvs", shape.n], ["the episode limit", shape.maxSteps]], values };
    }
    case "q-learning":
    case "sarsa":
      return undefined;
  }
}

/**
 * Throws a one-line `UserError` naming the fields when the learner's rollout
 * would take more than `MAX_ROLLOUT_BYTES`; nothing is allocated.
 *
 * @example
 * checkRolloutMemory(config.learner, { ...env.vec, n: config.numEnvs });
 * // throws learner.numSteps: numEnvs × learner.numSteps = 4096 × 1000000000 rollout rows
 * // of 148 observation values need about … PiB; at most 2 GiB fits: lower numEnvs or learner.numSteps
 */
export function checkRolloutMemory(config: LearnerConfig, shape: RolloutShape): void {
  const need = rolloutBytes(config, shape);
  if (!need || need.bytes <= MAX_ROLLOUT_BYTES) return;
  const [names, counts] = [need.fields.map(([name]) => name), need.fields.map(([, count]) => count)];
  const configurable = names.filter((name) => !name.startsWith("the "));
  const path = configurable[configurable.length - 1]!;
  throw new UserError(
    path,
    `${names.join(" × ")} = ${counts.join(" × ")} rollout rows of ${need.values} observation values need about ${formatBytes(need.bytes)}; at most ${formatBytes(MAX_ROLLOUT_BYTES)} fits: lower ${configurable.join(" or ")}`,
  );
}

/** `2 GiB`, `296 MiB`, `2.4 PiB`: binary units, two significant digits. */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
  let k = 0;
  while (bytes >= 1024 && k < units.length - 1) {
    bytes /= 1024;
    k++;
  }
  return `${Number(bytes.toPrecision(2))} ${units[k]}`;
}
