/**
 * rewardlab's public API. Import from "rewardlab".
 *
 * @example
 * import { make, makeVector, Rng } from "rewardlab";
 * const vec = makeVector("DoorKey-8x8", 64);
 * vec.reset(0);
 */
export { Rng } from "./core/rng.js";
export { Box, Discrete, MultiDiscrete, actionBuffer, sampleInto, describeSpace, type Space } from "./core/spaces.js";
export { UserError, joinPath } from "./core/errors.js";
export { loadConfigFile, parseConfig, parseConfigText, readConfigFile } from "./core/config.js";

export { EnvCore, feature, MAX_EVENTS, type Feature } from "./envs/core.js";
export { Env, type Action, type ResetResult, type StepInfo, type StepResult } from "./envs/env.js";
export { VectorEnv, type FeatureColumns } from "./envs/vector.js";
export { defineEnv, type EnvFamily, type EnvSpec } from "./envs/spec.js";
export { describeEnv, envIds, envSpec, envSpecs, make, makeVector, register, type MakeOptions } from "./envs/registry.js";
export { describeParallelEnv, makeParallel, makeParallelVector, parallelEnvSpecs } from "./envs/multi/registry.js";
export { ParallelEnv, type ParallelStep } from "./envs/multi/parallel-env.js";
export { ParallelVectorEnv } from "./envs/multi/vector.js";
export { MultiAgentCore, agentFeature, SOCIAL_FEATURES, type AgentFeature } from "./envs/multi/core.js";
export { AgentSeat } from "./envs/multi/seats.js";
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
export { countBonus, episodicCountBonus, e3bBonus, SimHash, exactHash, type RewardModule, type RewardModuleFactory, type ModuleBatch } from "./intrinsic/index.js";

export { mapElites, MapElitesConfig, noveltySearch, NoveltySearchConfig, rollout as policyRollout, type PolicyShape } from "./qd/index.js";

export { RunConfig, EnvConfig, loadRunConfig } from "./runs/config.js";
export { runTraining, type RunSummary, type RunProgress } from "./runs/train.js";
export { evolveRewards, evolutionDesigner, type EvolveOptions } from "./design/evolve.js";
export { designRewards, type Candidate, type Designer, type DesignResult, type LoopOptions, type Proposal } from "./design/loop.js";
export { llmDesigner, type DesignCall, type LlmDesignerOptions } from "./design/llm.js";
export { loadPrompts, defaultPromptDir, type Prompts } from "./design/prompts.js";
export { designReportHtml } from "./design/report.js";
export { critique, type Verdict } from "./design/critic.js";
export { compareDesigns, formatComparison, type Design, type DesignSummary } from "./runs/compare.js";
export { writeReport, renderReport, defaultReportPath, type WriteReportOptions, type ReportOptions, type RecordOptions, type RunRecording } from "./runs/report/index.js";
export { Ppo, PpoConfig } from "./agents/ppo.js";
export { TabularQ, TabularQConfig } from "./agents/tabular-q.js";
export { Reinforce, ReinforceConfig } from "./agents/reinforce.js";
export { createLearner, LearnerConfig, LEARNERS, type Learner, type LearnerKind } from "./agents/index.js";
export { TrainingLoop, train } from "./runs/loop.js";

// Learned rewards and reward distances.
export { learnFromPreferences } from "./runs/preferences/learn.js";
export { RewardModel } from "./learn/preferences/reward-model.js";
export { Vpl, type VplOptions, type UserBatch } from "./learn/preferences/vpl.js";
export { maxEntIrl } from "./learn/irl/maxent.js";
export { PolicyDiscriminator } from "./learn/policy-discriminator.js";
export { epicDistance, ercDistance } from "./rewards/epic.js";

// Auditing and optimizing rewards.
export { shapingInvariance } from "./audit/invariance.js";
export { sampledInvariance } from "./audit/invariance-sampled.js";
export { policySensitivity } from "./audit/sensitivity.js";
export { optimizeBlend } from "./audit/optimize.js";
export { teacherDesign } from "./audit/teacher.js";
export { offSwitchGame } from "./audit/off-switch.js";
export { detectHacking } from "./audit/hacking.js";

// Rewards for LLM-agent trajectories.
export { Trajectory, Message, ToolCall, parseTrajectory, type TrajectoryInput } from "./agentic/trajectory.js";
export { importTrajectory, fromOpenAiMessages, fromVerlRow, fromVerlScore, fromOpenRlhf, fromTrl } from "./agentic/import.js";
export { defineScorer, ruleScorer, failed, statusOf, type Score, type ScoreStatus, type Scorer, type ScorerDefinition, type ScorerContext } from "./agentic/scorer.js";
export { TEMPLATES, detectTemplate, parseRendered, withoutMarkers, resolveTemplate, type ChatTemplate, type TemplateOption } from "./agentic/templates.js";
export { AgenticSpec, parseAgenticSpec, type ParsedAgenticSpec } from "./agentic/spec.js";
export { RewardPipeline, SCORED, ABSTAINED, FAILED, type BatchScores, type ScoreResult } from "./agentic/pipeline.js";
export { loadPipeline } from "./agentic/load.js";
export { SCORERS } from "./agentic/scorers/registry.js";
export { groupAdvantages, validMask, PRESETS as ADVANTAGE_PRESETS, PRESET_SOURCES as ADVANTAGE_PRESET_SOURCES, type AdvantageOptions } from "./agentic/advantages/group.js";
export { aggregateObjectives } from "./agentic/advantages/aggregate.js";
export { spaStepRewards, implicitStepRewards, combinedAdvantages } from "./agentic/advantages/step.js";
export { parRewards } from "./agentic/par.js";
export { buildServer, type ServerOptions } from "./server/app.js";

export { VERSION } from "./version.js";
export { openAIChat, recordChat, replayChat, chatModelFrom, type ChatModel, type ChatUsage } from "./providers/chat.js";
