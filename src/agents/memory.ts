/**
 * How much memory a learner's rollout takes, checked before it is allocated.
 * A rollout holds numEnvs × numSteps rows (PPO) or numEnvs × the episode
 * limit (REINFORCE), each with an observation; `numEnvs: 4096` with
 * `numSteps: 1e9` would otherwise die deep in a typed-array allocation (or
 * take the machine's memory) instead of saying which fields to lower.
 */
import { UserError } from "../core/errors.js";
import type { Space } from "../core/spaces.js";

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

/** A rollout's size: its bytes, and the rows and config fields behind them. */
export interface RolloutSize {
  bytes: number;
  rows: number;
  fields: [string, number][];
  /** Observation values per row (padded to 4). */
  values: number;
}

/** Observations are padded to a multiple of 4 floats; discrete actions are one-hot in minibatches. */
export function rowShape(shape: RolloutShape): { values: number; actionCols: number } {
  return { values: Math.ceil(shape.observationSpace.size / 4) * 4, actionCols: shape.actionSpace.kind === "discrete" ? shape.actionSpace.n : shape.actionSpace.size };
}

/**
 * Throws a one-line `UserError` naming the fields when the learner's rollout
 * would take more than `MAX_ROLLOUT_BYTES`; nothing is allocated.
 *
 * @example
 * checkRolloutMemory(rolloutBytes(config.learner, { ...env.vec, n: config.numEnvs }));
 * // throws learner.numSteps: numEnvs × learner.numSteps = 4096 × 1000000000 rollout rows
 * // of 148 observation values need about … PiB; at most 2 GiB fits: lower numEnvs or learner.numSteps
 */
export function checkRolloutMemory(need: RolloutSize | undefined): void {
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
