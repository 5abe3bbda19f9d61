/**
 * Generational training and evaluation (Open-Ended Learning Team 2021):
 * progress is measured between generations of agents rather than on one
 * score. Generation g + 1 starts from generation g's policy (its
 * parameters; a fresh optimizer and budget) and trains on the same task
 * distribution (with the run's curriculum, if any). After each generation
 * the agent plays a fixed sample of held-out tasks, and the generations are
 * compared by XLand's normalized percentiles:
 *
 * - each task's score is normalized by the best score any generation got on
 *   it (a task no generation scores on stays 0);
 * - participation: the share of tasks with any reward;
 * - the 10th and 50th percentiles of the normalized scores over tasks.
 *
 * Generation b dominates generation a when it is at least as good on all
 * three and better on one.
 */
import { createLearner, type Learner } from "../agents/index.js";
import { UserError } from "../core/errors.js";
import { Rng } from "../core/rng.js";
import { makeVector } from "../envs/registry.js";
import type { UniverseEnv } from "../envs/universe/env.js";
import { makeRewarded } from "../rewards/make.js";
import type { RunConfig } from "./config.js";
import { TrainingLoop } from "./loop.js";
import { installCurriculum } from "./train.js";

export interface Percentiles {
  /** Share of tasks with any reward. */
  participation: number;
  p10: number;
  p50: number;
}

export interface GenerationReport {
  generation: number;
  /** Environment steps trained so far, over all generations. */
  steps: number;
  /** Mean primary return per evaluation task, in the order of `tasks`. */
  scores: number[];
  /** Normalized by the best score of any generation so far on each task. */
  percentiles: Percentiles;
}

export interface GenerationsOptions {
  generations: number;
  /** Held-out tasks evaluated (drawn once from the test split). */
  tasks: number;
  /** Episodes per task (one trial each, played side by side). */
  episodes: number;
}

/** The q-th percentile (0 ≤ q ≤ 100) of `xs` with linear interpolation between order statistics (numpy's default). */
export function percentile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q / 100) * (s.length - 1);
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return s[lo] + (s[hi] - s[lo]) * (at - lo);
}

/** XLand's percentiles of each generation's scores (rows: generations, columns: tasks), normalized per task by the best generation. */
export function normalizedPercentiles(scores: readonly (readonly number[])[]): Percentiles[] {
  const tasks = scores[0]?.length ?? 0;
  const best = Array.from({ length: tasks }, (_, t) => Math.max(...scores.map((g) => g[t])));
  return scores.map((g) => {
    const normalized = g.map((x, t) => (best[t] > 0 ? Math.max(x, 0) / best[t] : 0));
    return { participation: g.filter((x) => x > 0).length / tasks, p10: percentile(normalized, 10), p50: percentile(normalized, 50) };
  });
}

/** Whether `b` is at least as good as `a` on every percentile and better on one. */
export function dominates(b: Percentiles, a: Percentiles): boolean {
  const keys = ["participation", "p10", "p50"] as const;
  return keys.every((k) => b[k] >= a[k]) && keys.some((k) => b[k] > a[k]);
}

/** `count` distinct tasks of the test split, drawn with `rng`. */
export function heldOutTasks(config: RunConfig, count: number, rng: Rng): number[] {
  const error = new UserError("env", "generations are evaluated on a universe benchmark's held-out tasks: a Universe-* environment drawing from a benchmark (no `ruleset`)");
  if (!config.env.id.startsWith("Universe-")) throw error;
  const core = makeVector(config.env.id, 1, { kwargs: { ...config.env.kwargs, split: "test" } }).cores[0] as UniverseEnv;
  if (core.benchmark === undefined) throw error;
  const { start, end } = core.range;
  const all = Array.from({ length: end - start }, (_, k) => start + k);
  return rng.shuffle(all).slice(0, Math.min(count, all.length));
}

/** Mean primary return of one trial per episode slot on `task`, `episodes` slots side by side, the policy sampled with its own stream. */
export function scoreOnTask(learner: Learner, config: RunConfig, task: number, episodes: number, seed: number): number {
  const env = makeRewarded(config.env.id, episodes, config.reward, { kwargs: { ...config.env.kwargs, split: "test", task } });
  const vec = env.vec;
  const trial = (vec.cores[0] as UniverseEnv).kwargs.trial;
  env.reset(seed);
  const rng = new Rng(seed);
  const done = new Int32Array(episodes);
  let total = 0;
  let left = episodes;
  while (left > 0) {
    env.step(learner.act(vec.obs, rng, { env: vec }));
    for (let i = 0; i < episodes; i++) {
      if (done[i] >= trial || !(vec.terminated[i] || vec.truncated[i])) continue;
      total += env.reward.finishedPrimary[i];
      if (++done[i] === trial) left--;
    }
  }
  return total / (episodes * trial);
}

/**
 * Trains `options.generations` generations of one seed, each `config.steps`
 * steps starting from the previous one's policy, and evaluates each on the
 * same held-out tasks; percentiles are normalized over all generations.
 */
export function trainGenerations(config: RunConfig, seed: number, options: GenerationsOptions, onGeneration?: (report: GenerationReport) => void): GenerationReport[] {
  const rng = new Rng(seed).split();
  const tasks = heldOutTasks(config, options.tasks, rng);
  const reports: GenerationReport[] = [];
  let previous: Learner | undefined;
  let steps = 0;
  for (let g = 0; g < options.generations; g++) {
    const env = makeRewarded(config.env.id, config.numEnvs, config.reward, { kwargs: config.env.kwargs });
    if (config.curriculum) installCurriculum(config.curriculum, env.vec.cores);
    const learner = createLearner(config.learner, env, seed * 1000 + g);
    if (previous) {
      if (!learner.inherit) throw new UserError("learner.algo", `${learner.algo} cannot start from a previous generation; use ppo or rppo`);
      learner.inherit(previous);
    }
    new TrainingLoop(learner).run(config.steps);
    steps += learner.globalStep;
    const scores = tasks.map((task, k) => scoreOnTask(learner, config, task, options.episodes, 2 ** 31 + k * options.episodes));
    reports.push({ generation: g + 1, steps, scores, percentiles: { participation: 0, p10: 0, p50: 0 } });
    const all = normalizedPercentiles(reports.map((r) => r.scores));
    reports.forEach((r, k) => (r.percentiles = all[k]));
    onGeneration?.(reports[g]);
    previous = learner;
  }
  return reports;
}
