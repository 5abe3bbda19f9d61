/**
 * Turn-level credit for trajectories of a text world (A Practitioner's
 * Guide to Multi-turn Agentic RL: dense turn rewards against a sparse
 * outcome; group estimators): one advantage per assistant turn.
 *
 *   A_t = A^E + α·A^S_t
 *
 * A^E is the episode's advantage within its group (the episodes of one task,
 * the same seed; `groupAdvantages` with the estimator: GRPO, RLOO, Dr.GRPO…)
 * on its outcome: the task's return (`primaryReturn`) when `rewards:
 * sparse`, the spec's whole return when `dense`. A^S_t is the return-to-go
 * of the turn rewards standardized within the group (`combinedAdvantages`),
 * weighted α (0 when sparse: every turn gets the episode's advantage).
 */
import { UserError } from "../../core/errors.js";
import { groupAdvantages, type Estimator } from "../advantages/group.js";
import { combinedAdvantages } from "../advantages/step.js";
import type { Trajectory } from "../trajectory.js";

export interface TurnCreditOptions {
  /** Default `rloo`. */
  estimator?: Estimator;
  /** `sparse`: the task's outcome only; `dense` (default): the turn rewards too. */
  rewards?: "dense" | "sparse";
  /** α, the weight of the turn advantages (dense; default 1). */
  alpha?: number;
  /** γ of the turn return-to-go (default 1). */
  gamma?: number;
}

interface TurnMeta {
  seed?: unknown;
  turnRewards?: unknown;
  primaryReturn?: unknown;
  return?: unknown;
}

/** Per trajectory, one advantage per assistant turn. */
export function turnAdvantages(trajectories: readonly Trajectory[], options: TurnCreditOptions = {}): number[][] {
  const metas = trajectories.map((t, i) => {
    const m = t.metadata as TurnMeta;
    if (!Array.isArray(m.turnRewards) || !m.turnRewards.every((r) => typeof r === "number")) throw new UserError(`trajectories[${i}].metadata.turnRewards`, "expected the turn rewards a text world wrote (agent run)");
    return m;
  });
  const dense = (options.rewards ?? "dense") === "dense";
  const outcomes = Float64Array.from(metas, (m) => Number(dense ? m.return : m.primaryReturn));
  const groups = metas.map((m) => String(m.seed));
  const episode = groupAdvantages(outcomes, groups, { estimator: options.estimator ?? "rloo" });
  const offsets = [0];
  for (const m of metas) offsets.push(offsets[offsets.length - 1] + (m.turnRewards as number[]).length);
  const steps = Float64Array.from(metas.flatMap((m) => m.turnRewards as number[]));
  const A = combinedAdvantages({ outcomeAdvantages: episode, stepRewards: steps, offsets, alpha: dense ? (options.alpha ?? 1) : 0, gamma: options.gamma ?? 1, groups });
  return metas.map((_, i) => Array.from(A.subarray(offsets[i], offsets[i + 1])));
}
