/**
 * A run config checked the way its training will meet it, in the calling
 * thread and before any run is stored or worker started: the environment is
 * built (id, kwargs), the reward compiled against it (features, events,
 * expressions), and the learner's rollout sized against memory. Errors are
 * the one-line `UserError`s training would raise, only sooner.
 */
import { checkLearnerMemory } from "../agents/index.js";
import { makeRewarded } from "../rewards/make.js";
import type { RunConfig } from "./config.js";
import { installCurriculum, layoutSeeds } from "./train.js";

/**
 * Throws the first `UserError` training `config` would meet before its first
 * step. One environment is built (cheap), the memory check uses `numEnvs`.
 *
 * @example
 * validateRun(loadRunConfig("examples/runs/doorkey-potential.yaml")); // nothing: it is valid
 */
export function validateRun(config: RunConfig): void {
  const env = makeRewarded(config.env.id, 1, config.reward, { kwargs: config.env.kwargs, layoutSeeds: layoutSeeds(config.env.layouts, config.seeds[0] ?? 0) });
  if (config.curriculum) installCurriculum(config.curriculum, env.vec.cores, config.learner.algo);
  // Evaluation's environment keyword arguments are checked as training's are.
  if (config.evaluation.kwargs) makeRewarded(config.env.id, 1, config.reward, { kwargs: { ...config.env.kwargs, ...config.evaluation.kwargs } });
  const { observationSpace, actionSpace, maxSteps } = env.vec;
  checkLearnerMemory(config.learner, { n: config.numEnvs, observationSpace, actionSpace, maxSteps });
}
