/**
 * rewardlab's public API. Import from "rewardlab".
 *
 * @example
 * import { make, makeVector, Rng } from "rewardlab";
 * const vec = makeVector("DoorKey-8x8", 64);
 * vec.reset(0);
 */
// Registers the exploration bonuses as `intrinsic` reward terms.
import "./intrinsic/index.js";

export { Rng } from "./core/rng.js";
export { Box, Discrete, MultiDiscrete, actionBuffer, sampleInto, describeSpace, type Space } from "./core/spaces.js";
export { UserError, joinPath } from "./core/errors.js";
export { loadConfigFile, parseConfig, parseConfigText, readConfigFile } from "./core/config.js";

export { EnvCore, feature, MAX_EVENTS, type Feature } from "./envs/core.js";
export { Env, type Action, type ResetResult, type StepInfo, type StepResult } from "./envs/env.js";
export { VectorEnv, type FeatureColumns } from "./envs/vector.js";
export { defineEnv, type EnvFamily, type EnvSpec } from "./envs/spec.js";
export { describeEnv, envIds, envSpec, envSpecs, make, makeVector, register, type MakeOptions } from "./envs/registry.js";
export { checkEnv } from "./envs/check.js";
export { tabulate, type TabularModel } from "./envs/tabular.js";

export { GridEnv, GridKwargs, PlacementError } from "./envs/grid/engine.js";
export { solve as solveGrid, type SolveOptions } from "./envs/grid/solver.js";
export { A as GridActions, ACTION_NAMES as GRID_ACTION_NAMES } from "./envs/grid/objects.js";
export { GRID_EVENTS } from "./envs/grid/events.js";

export {
  RewardSpec,
  parseRewardSpec,
  compileReward,
  RewardedVector,
  RewardedEnv,
  makeRewarded,
  envInfoOf,
  registerIntrinsic,
  reward,
  build,
  type RewardProgram,
  type BoundReward,
  type TermInfo,
  type RewardSpecInput,
  type IntrinsicModule,
  type RewardBatch,
  type Transition,
} from "./rewards/index.js";
export { tabularReward, valueIteration, optimalActions, policyEvaluation } from "./rewards/tabular.js";
export { countBonus, episodicCountBonus, e3bBonus, SimHash, exactHash } from "./intrinsic/index.js";

export { mapElites, MapElitesConfig, noveltySearch, NoveltySearchConfig, rollout as policyRollout, type PolicyShape } from "./qd/index.js";

export { RunConfig, EnvConfig, loadRunConfig } from "./runs/config.js";
export { runTraining, type RunSummary, type RunProgress } from "./runs/train.js";
export { compareDesigns, formatComparison, type Design, type DesignSummary } from "./runs/compare.js";
export { writeReport, renderReport, defaultReportPath, type WriteReportOptions, type ReportOptions, type RecordOptions, type RunRecording } from "./runs/report/index.js";
export { Ppo, PpoConfig } from "./agents/ppo.js";
export { TabularQ, TabularQConfig } from "./agents/tabular-q.js";
export { Reinforce, ReinforceConfig } from "./agents/reinforce.js";
export { createLearner, LearnerConfig, type Learner } from "./agents/learner.js";
export { VERSION } from "./version.js";
