import type { EnvSpec } from "../spec.js";
import { bernoulliEnvs } from "./bernoulli.js";
import { contextualEnvs } from "./contextual.js";
import { gaussianEnvs } from "./gaussian.js";
import { taskFamilyEnvs } from "./task-family.js";

/** Multi-armed and contextual bandits. */
export const banditEnvs: EnvSpec[] = [...bernoulliEnvs, ...gaussianEnvs, ...taskFamilyEnvs, ...contextualEnvs];

export { BANDIT_EVENTS, BANDIT_FEATURES, BanditCore, previousPullSpace } from "./bandit-core.js";
export type { BanditEvent } from "./bandit-core.js";
export { BernoulliBandit, BernoulliBanditKwargs } from "./bernoulli.js";
export { GaussianBandit, GaussianBanditKwargs } from "./gaussian.js";
export { TaskFamilyBandit, TaskFamilyKwargs } from "./task-family.js";
export { ContextualLinearBandit, ContextualLinearKwargs } from "./contextual.js";
export { argmaxRandomTie, epsilonGreedy, thompsonBeta, thompsonGaussian, ucb1, uniformRandom } from "./baselines.js";
export { EpsilonGreedyOptions, ThompsonBetaOptions, ThompsonGaussianOptions, Ucb1Options } from "./baselines.js";
export type { BanditPolicy } from "./baselines.js";
export { regretCurve, ucb1RegretBound } from "./regret.js";
