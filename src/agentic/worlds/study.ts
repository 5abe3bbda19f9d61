/**
 * The Practitioner's Guide's comparisons on a text world, with the
 * in-process text policy: each arm (a learner × dense or sparse turn
 * rewards) trains once per seed; each run is judged by its policy's task
 * return and success over held-out episodes (seeds apart from training's).
 */
import type { LearnerConfig } from "../../agents/index.js";
import type { TextEnv } from "./text-env.js";
import type { TextCoreOptions } from "./text-core.js";
import { evaluateTextPolicy, trainTextPolicy, type TurnRewards } from "./text-policy.js";
import { evaluateTokenPolicy, trainTokenPolicy } from "./token-policy.js";

export interface Arm {
  name: string;
  learner: LearnerConfig;
  rewards: TurnRewards;
  /** The token-level GRU policy with this algorithm, instead of `learner` over hashed words. */
  tokens?: "ppo" | "grpo" | "rloo";
}

export interface ArmResult {
  name: string;
  /** Per seed: the held-out episodes' mean task return and success rate. */
  primary: number[];
  success: number[];
}

/** Held-out episodes start from this seed upward, apart from every training seed. */
export const STUDY_EVALUATION_SEED = 2 ** 31;

export function textStudy(makeWorld: () => TextEnv, core: TextCoreOptions, arms: readonly Arm[], seeds: readonly number[], steps: number, episodes: number, onRun?: (arm: string, seed: number) => void): ArmResult[] {
  return arms.map((arm) => {
    const result: ArmResult = { name: arm.name, primary: [], success: [] };
    for (const seed of seeds) {
      const e = arm.tokens
        ? evaluateTokenPolicy(trainTokenPolicy(makeWorld, { actions: core.actions, baseline: arm.tokens, rewards: arm.rewards, steps, seed, maxTurns: core.maxSteps }), makeWorld, core.actions, episodes, STUDY_EVALUATION_SEED, core.maxSteps)
        : evaluateTextPolicy(trainTextPolicy(makeWorld, core, { learner: arm.learner, rewards: arm.rewards, steps, seed }), makeWorld, core, episodes, STUDY_EVALUATION_SEED);
      result.primary.push(e.primaryReturn);
      result.success.push(e.success);
      onRun?.(arm.name, seed);
    }
    return result;
  });
}
