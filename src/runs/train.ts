/**
 * One training run: build the environment and its reward program, the
 * learner, train for the budget, and summarize what happened on the primary
 * ("true") reward, whatever reward the learner was given.
 */
import { createLearner } from "../agents/index.js";
import { UserError } from "../core/errors.js";
import { MachineProduct } from "../rewards/machines/product.js";
import { makeCurriculum, type CurriculumConfig } from "../curricula/index.js";
import type { EnvCore } from "../envs/core.js";
import { UniverseEnv } from "../envs/universe/env.js";
import { makeRewarded } from "../rewards/make.js";
import type { RunConfig } from "./config.js";
import { Recorder, type RecordOptions } from "./report/record.js";
import { AgentVisitRecorder } from "./report/agent-visits.js";
import { TrainingLoop } from "./loop.js";
import { Evaluator } from "./evaluate.js";
import { RunBook, type CheckpointOptions, type RunCheckpoint, type RunHooks, type RunSummary } from "./run-book.js";

export type { CheckpointOptions, CurvePoint, RunHooks, RunProgress, RunSummary } from "./run-book.js";
export { result } from "./run-book.js";

/** The fixed layouts of a run with `env.layouts`: different for each run seed, so seeds average over layouts. */
export function layoutSeeds(layouts: number | undefined, seed: number): number[] | undefined {
  return layouts === undefined ? undefined : Array.from({ length: layouts }, (_, j) => 1_000_003 * (seed + 1) + j);
}

/**
 * Trains one seed of a run config whose reward is already resolved (not a
 * path). With `record`, a gridworld run also counts visited cells and
 * evaluates the final policy for a report.
 */
export function runTraining(config: RunConfig, seed: number, hooks: RunHooks = {}, record?: RecordOptions, checkpoints: CheckpointOptions = {}): RunSummary {
  const layouts = layoutSeeds(config.env.layouts, seed);
  const env = makeRewarded(config.env.id, config.numEnvs, config.reward, { kwargs: config.env.kwargs, layoutSeeds: layouts });
  if (config.curriculum) installCurriculum(config.curriculum, env.vec.cores, config.learner.algo);
  const learner = createLearner(config.learner, env, seed);
  const loop = new TrainingLoop(learner);
  const evaluator = config.evaluation.episodes > 0 ? new Evaluator(config, layouts) : undefined;
  const recorder = record ? Recorder.attach(env, config.steps, record) : undefined;
  // Board games with many agents: where each agent goes (no replays: frames are drawn for single-agent gridworlds).
  const agentRecorder = record && !recorder ? AgentVisitRecorder.attach(env, config.steps, record) : undefined;
  const book = new RunBook(config, seed, learner, () => loop.state(), hooks, checkpoints, evaluator);
  if (checkpoints.resume !== undefined) {
    const saved = checkpoints.resume as RunCheckpoint;
    loop.load(saved.loop);
    book.restore(saved.run);
  }
  book.start(learner.plan(config.steps));
  loop.run(config.steps, (metrics, finished) => book.iteration(metrics, finished));
  // Evaluation layouts depend on the seed only, so designs are evaluated on the same episodes.
  return book.finish(() => recorder?.finish(learner, 1_000_000 * (seed + 1)) ?? agentRecorder?.finish());
}

/** Learners that hand their GAE advantages back to the environments (PLR's value-loss score). */
const ADVANTAGE_LEARNERS = ["ppo", "rppo"];

/**
 * One curriculum for every environment of the run (they share what it
 * learns about tasks), installed before a checkpoint is restored into them.
 */
export function installCurriculum(config: CurriculumConfig, cores: readonly EnvCore[], algo: string): void {
  const universes = cores.filter((c): c is UniverseEnv => c instanceof UniverseEnv && c.benchmark !== undefined && c.kwargs.task === undefined);
  // A machine's product ends episodes where the environment cannot see them, so its trials could not be told how they went.
  if (cores.some((c) => c instanceof MachineProduct)) throw new UserError("curriculum", "does not run with a reward machine (or goal: spec) yet: the machine ends episodes where the environment cannot count its trials");
  if (universes.length !== cores.length) throw new UserError("curriculum", "chooses the tasks of a universe environment drawing from a benchmark (Universe-*, without `task` or `ruleset`)");
  if (config.kind === "plr" && config.score === "value-loss" && !ADVANTAGE_LEARNERS.includes(algo)) {
    throw new UserError("curriculum.score", `value-loss needs a learner that computes advantages (${ADVANTAGE_LEARNERS.join(", ")}), got ${algo}; use score: success`);
  }
  const curriculum = makeCurriculum(config, universes[0].range);
  for (const core of universes) core.chooser = curriculum;
}
