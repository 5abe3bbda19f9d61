/**
 * The Practitioner's Guide's comparisons on a text world, with the
 * in-process text policy: each arm (a learner × dense or sparse turn
 * rewards) trains once per seed; each run is judged by its policy's task
 * return and success over held-out episodes (seeds apart from training's).
 * The Guide's question about task size (does a small world say how a policy
 * does on larger ones?) is asked with `transfer` worlds: the same trained
 * policy judged on each of them too (a text policy reads words, so one
 * trained on DoorKey-5x5 can play DoorKey-8x8).
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

export interface Judged {
  /** Per seed: the held-out episodes' mean task return and success rate. */
  primary: number[];
  success: number[];
}

export interface ArmResult extends Judged {
  name: string;
  /** The same runs judged on each transfer world, by its id. */
  transfer: Record<string, Judged>;
}

/** Worlds a trained policy is also judged on, by id. */
export type TransferWorlds = Record<string, () => TextEnv>;

/** Held-out episodes start from this seed upward, apart from every training seed. */
export const STUDY_EVALUATION_SEED = 2 ** 31;

export function textStudy(makeWorld: () => TextEnv, core: TextCoreOptions, arms: readonly Arm[], seeds: readonly number[], steps: number, episodes: number, onRun?: (arm: string, seed: number) => void, transfer: TransferWorlds = {}): ArmResult[] {
  return arms.map((arm) => {
    const result: ArmResult = { name: arm.name, primary: [], success: [], transfer: Object.fromEntries(Object.keys(transfer).map((id) => [id, { primary: [], success: [] }])) };
    const judge = (into: Judged, e: { primaryReturn: number; success: number }) => {
      into.primary.push(e.primaryReturn);
      into.success.push(e.success);
    };
    for (const seed of seeds) {
      if (arm.tokens) {
        const policy = trainTokenPolicy(makeWorld, { actions: core.actions, baseline: arm.tokens, rewards: arm.rewards, steps, seed, maxTurns: core.maxSteps });
        const evaluate = (world: () => TextEnv) => evaluateTokenPolicy(policy, world, core.actions, episodes, STUDY_EVALUATION_SEED, core.maxSteps);
        judge(result, evaluate(makeWorld));
        for (const [id, world] of Object.entries(transfer)) judge(result.transfer[id], evaluate(world));
      } else {
        const learner = trainTextPolicy(makeWorld, core, { learner: arm.learner, rewards: arm.rewards, steps, seed });
        judge(result, evaluateTextPolicy(learner, makeWorld, core, episodes, STUDY_EVALUATION_SEED));
        for (const [id, world] of Object.entries(transfer)) judge(result.transfer[id], evaluateTextPolicy(learner, world, core, episodes, STUDY_EVALUATION_SEED));
      }
      onRun?.(arm.name, seed);
    }
    return result;
  });
}
