/** Reward specifications: terms, transforms, shaping, multi-objective, decomposition. */
export { RewardSpec, RewardSpecTs, Transform, parseRewardSpec, TERM_KINDS, COMBINE_OPS, type Term, type Role, type RewardSpecInput } from "./spec.js";
export { compileReward, type RewardProgram, type BoundReward, type TermInfo } from "./program.js";
export { RewardedVector, envInfoOf } from "./rewarded.js";
export { RewardedEnv, type RewardedStepInfo } from "./rewarded-env.js";
export { makeRewarded, type MakeRewardedOptions } from "./make.js";
export { registerIntrinsic, intrinsicNames, type IntrinsicModule, type IntrinsicFactory } from "./intrinsic.js";
export { makeTransform, combine as combineValues, NormalizeReward, RunningMeanStd, type TransformOp } from "./transforms.js";
export * as build from "./builder.js";
export { reward } from "./builder.js";
export type { RewardBatch, EnvInfo, Transition } from "./batch.js";
