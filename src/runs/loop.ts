/**
 * The training loop: one for every learner. It steps the environments with
 * the learner's actions, lets the learner observe each step and learn at the
 * end of each rollout, trains the reward program's modules (RND, learned
 * E3B, the adversarial discriminator, SPA…) on what the rollout saw, and
 * records finished episodes. Its state (learner, environments, reward
 * program, episode log) is one piece of plain data, so a run resumes exactly.
 *
 * @example
 * const loop = new TrainingLoop(createLearner(config.learner, env, seed));
 * loop.run(100_000, (metrics, episodes) => console.log(metrics.global_step, episodes.length));
 */
import { EpisodeLog, type EpisodeRecord } from "../agents/episodes.js";
import type { Learner } from "../agents/learner.js";
import { loadRewardedState, saveRewardedState } from "../rewards/rewarded.js";

/** Sees each iteration's metrics and the episodes that ended in it; returning false stops training. */
export type OnIteration = (metrics: Record<string, number>, episodes: EpisodeRecord[]) => boolean | void;

export interface LoopState {
  learner: unknown;
  env: unknown;
  episodes: unknown;
}

export class TrainingLoop {
  readonly episodes: EpisodeLog;

  constructor(readonly learner: Learner) {
    this.episodes = new EpisodeLog(learner.env);
  }

  /** Trains until the learner has taken `totalSteps` environment steps (or `onIteration` returns false). */
  run(totalSteps: number, onIteration?: OnIteration): void {
    const { learner, episodes } = this;
    const env = learner.env;
    const budget = learner.plan(totalSteps);
    learner.start();
    while (learner.globalStep < budget) {
      const t0 = performance.now();
      const step0 = learner.globalStep;
      let complete = false;
      while (!complete) {
        env.step(learner.actions());
        complete = learner.observe();
        episodes.record(learner.globalStep);
      }
      const metrics = learner.update();
      // Reward modules that learn (RND, E3B's encoder, discriminators) train on what the rollout saw, whatever the learner.
      for (const module of env.program.intrinsicModules) {
        for (const [key, value] of Object.entries(module.update?.() ?? {})) metrics[`intrinsic/${module.name}/${key}`] = value;
      }
      metrics["charts/SPS"] = (learner.globalStep - step0) / ((performance.now() - t0) / 1000);
      metrics.global_step = learner.globalStep;
      if (onIteration?.(metrics, episodes.drain()) === false) break;
    }
  }

  /** Everything needed to continue exactly from here (a rollout boundary), JSON-ready. */
  state(): LoopState {
    return { learner: this.learner.state(), env: saveRewardedState(this.learner.env), episodes: this.episodes.state() };
  }

  load(state: LoopState): void {
    this.learner.load(state.learner);
    loadRewardedState(this.learner.env, state.env);
    this.episodes.load(state.episodes);
  }
}

/** Trains a learner for `totalSteps` in one go (a fresh loop: for learners trained once). */
export function train(learner: Learner, totalSteps: number, onIteration?: OnIteration): TrainingLoop {
  const loop = new TrainingLoop(learner);
  loop.run(totalSteps, onIteration);
  return loop;
}
