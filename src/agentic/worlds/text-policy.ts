/**
 * A small text policy trained in-process on a text world: any of
 * rewardlab's learners (PPO, REINFORCE with RLOO's baseline, …) over the
 * world as a `TextCore` (hashed words in, an action word out), on the
 * sparse outcome or the dense turn rewards, judged on held-out episodes by
 * the task's own return. No model endpoint: the comparisons of A
 * Practitioner's Guide to Multi-turn Agentic RL (dense against sparse turn
 * rewards; PPO against RLOO) run on a CPU.
 */
import { Rng } from "../../core/rng.js";
import { VectorEnv } from "../../envs/vector.js";
import { createLearner, type LearnerConfig } from "../../agents/index.js";
import type { Learner } from "../../agents/learner.js";
import { RewardedVector } from "../../rewards/rewarded.js";
import { TrainingLoop } from "../../runs/loop.js";
import type { TextEnv } from "./text-env.js";
import { TextCore, type TextCoreOptions } from "./text-core.js";

export type TurnRewards = "dense" | "sparse";

/** The reward a text policy learns from: the task's outcome alone, or with the world's turn rewards. */
export function textRewardSpec(rewards: TurnRewards): unknown {
  return rewards === "sparse" ? { terms: [{ kind: "task" }] } : { terms: [{ kind: "task" }, { name: "turns", kind: "expression", expr: "turn.shaping" }] };
}

export function textVector(makeWorld: () => TextEnv, n: number, options: TextCoreOptions, rewards: TurnRewards): RewardedVector {
  const cores = Array.from({ length: n }, () => new TextCore(makeWorld(), options));
  return new RewardedVector(new VectorEnv(`text:${makeWorld().id}`, cores), textRewardSpec(rewards));
}

export interface TextTrainOptions {
  learner: LearnerConfig;
  rewards: TurnRewards;
  steps: number;
  seed: number;
  /** Environments stepped together (default 8). */
  numEnvs?: number;
}

export interface TextEvaluation {
  success: number;
  primaryReturn: number;
  episodes: number;
}

/** Trains a text policy; returns the learner (its policy acts on a `textVector` of the same options). */
export function trainTextPolicy(makeWorld: () => TextEnv, core: TextCoreOptions, o: TextTrainOptions): Learner {
  const env = textVector(makeWorld, o.numEnvs ?? 8, core, o.rewards);
  const learner = createLearner(o.learner, env, o.seed);
  new TrainingLoop(learner).run(o.steps);
  return learner;
}

/**
 * The policy's success rate and task return over `episodes` held-out
 * episodes (the vector reset with `seed`, its own environments; sampled
 * actions from a stream of their own).
 */
export function evaluateTextPolicy(learner: Learner, makeWorld: () => TextEnv, core: TextCoreOptions, episodes: number, seed: number, greedy = false): TextEvaluation {
  const n = Math.min(episodes, 16);
  const env = textVector(makeWorld, n, core, "sparse");
  const vec = env.vec;
  const rng = new Rng(seed);
  let done = 0;
  let success = 0;
  let primary = 0;
  env.reset(seed);
  const returns = new Float64Array(n);
  while (done < episodes) {
    env.step(learner.act(vec.obs, rng, { greedy, env: vec }));
    for (let i = 0; i < n && done < episodes; i++) {
      returns[i] += env.reward.primary[i];
      if (!vec.terminated[i] && !vec.truncated[i]) continue;
      done++;
      primary += returns[i];
      returns[i] = 0;
      if (vec.events[i] & 1) success++;
    }
  }
  return { success: success / episodes, primaryReturn: primary / episodes, episodes };
}
