/**
 * A stored run's policy, brought back to act: the run's config rebuilds
 * its learner and environments, and its latest checkpoint restores the
 * parameters. Used to show people clips of a trained agent
 * (`rewardlab prefs label --policy RUN_ID`).
 */
import { parseConfig } from "../core/config.js";
import { UserError } from "../core/errors.js";
import type { Rng } from "../core/rng.js";
import { createLearner } from "../agents/index.js";
import type { Learner } from "../agents/learner.js";
import { makeRewarded } from "../rewards/make.js";
import { RunConfig } from "./config.js";
import { findRun, type Store } from "./store/index.js";
import type { LoopState } from "./loop.js";
import { layoutSeeds } from "./train.js";

export interface StoredPolicy {
  runId: string;
  env: string;
  kwargs: Record<string, unknown>;
  /** The step of the checkpoint the parameters come from. */
  step: number;
  /** The policy's action for one observation, sampled from `rng`. */
  act(obs: Float32Array, rng: Rng): number;
  /** The run's config, and its learner with the checkpoint's parameters (it acts on any number of rows). */
  config: RunConfig;
  learner: Learner;
}

/** A run's policy from its latest checkpoint, or with `atOrBefore` from its last checkpoint at or before that step. */
export async function storedPolicy(store: Store, id: string, field = "--policy", atOrBefore?: number): Promise<StoredPolicy> {
  const run = await findRun(store, id, field);
  const config = parseConfig(RunConfig, run.config, `run ${run.id}: config`);
  if (config.learner.algo === "q-learning" || config.learner.algo === "sarsa") {
    throw new UserError(field, `run ${run.id} learned a ${config.learner.algo} table over its environments' states; clips need a policy over observations (a ppo or reinforce run)`);
  }
  const checkpoint = await store.latestCheckpoint(run.id, atOrBefore);
  if (!checkpoint?.state) throw new UserError(field, `run ${run.id} has no checkpoint${atOrBefore === undefined ? "" : ` at or before step ${atOrBefore}`} to take its policy from`);
  const env = makeRewarded(config.env.id, config.numEnvs, config.reward, { kwargs: config.env.kwargs, layoutSeeds: layoutSeeds(config.env.layouts, run.seed) });
  const learner = createLearner(config.learner, env, run.seed);
  learner.load((checkpoint.state as { loop: LoopState }).loop.learner);
  return {
    runId: run.id,
    env: config.env.id,
    kwargs: config.env.kwargs,
    step: checkpoint.step,
    act: (obs, rng) => learner.act(obs, rng)[0],
    config,
    learner,
  };
}
