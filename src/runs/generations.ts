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
 * three and better on one, judged with a paired bootstrap over tasks
 * (`compareGenerations`), so a difference of a task or two is "no clear
 * difference".
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
  return scores.map((g) => percentilesOf(g, best));
}

const KEYS = ["participation", "p10", "p50"] as const;

/** Whether `b` is at least as good as `a` on every percentile and better on one (point estimates). */
export function dominates(b: Percentiles, a: Percentiles): boolean {
  return KEYS.every((k) => b[k] >= a[k]) && KEYS.some((k) => b[k] > a[k]);
}

export type Verdict = "dominates" | "dominated" | "no clear difference";

/**
 * Generation b against a on the same tasks, with the uncertainty of which
 * tasks were drawn: a paired bootstrap over tasks (resampled with
 * replacement, normalized by the best of all `scores`' generations) gives a
 * 95% interval of each percentile's difference b − a. b dominates when no
 * interval lies below 0 and one lies above it; a dominates when the
 * reverse; otherwise there is no clear difference.
 */
export function compareGenerations(scores: readonly (readonly number[])[], b: number, a: number, rng: Rng, resamples = 2000): { verdict: Verdict; intervals: Record<(typeof KEYS)[number], [number, number]> } {
  const tasks = scores[0].length;
  const best = Array.from({ length: tasks }, (_, t) => Math.max(...scores.map((g) => g[t])));
  const diffs = KEYS.map(() => new Float64Array(resamples));
  const pick = new Int32Array(tasks);
  for (let r = 0; r < resamples; r++) {
    for (let t = 0; t < tasks; t++) pick[t] = rng.int(tasks);
    const [pb, pa] = [b, a].map((g) => percentilesOf(Array.from(pick, (t) => scores[g][t]), Array.from(pick, (t) => best[t])));
    KEYS.forEach((k, j) => (diffs[j][r] = pb[k] - pa[k]));
  }
  const intervals = Object.fromEntries(KEYS.map((k, j) => [k, [percentile(Array.from(diffs[j]), 2.5), percentile(Array.from(diffs[j]), 97.5)]])) as Record<(typeof KEYS)[number], [number, number]>;
  const above = KEYS.some((k) => intervals[k][0] > 0);
  const below = KEYS.some((k) => intervals[k][1] < 0);
  return { verdict: above && !below ? "dominates" : below && !above ? "dominated" : "no clear difference", intervals };
}

/** Percentiles of one generation's scores given each task's best. */
function percentilesOf(scores: readonly number[], best: readonly number[]): Percentiles {
  const normalized = scores.map((x, t) => (best[t] > 0 ? Math.max(x, 0) / best[t] : 0));
  return { participation: scores.filter((x) => x > 0).length / scores.length, p10: percentile(normalized, 10), p50: percentile(normalized, 50) };
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
    if (config.curriculum) installCurriculum(config.curriculum, env.vec.cores, config.learner.algo);
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
