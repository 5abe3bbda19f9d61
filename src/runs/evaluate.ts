/**
 * Evaluation as its own phase: the learner's current policy plays fixed
 * episodes on environments of its own, seeded apart from training, and
 * acting draws from a stream of its own, so evaluating never changes how
 * training goes. Episode k of every evaluation resets with `seed + k`
 * (config `evaluation.seed`, by default 2³¹, above every seed a training
 * reset draws): each design and each run seed meets the same episodes, so
 * designs are compared pairwise on equal ground.
 *
 * Episodes are played in waves of n (the run's number of environments):
 * wave w resets environment i with seed + w·n + i and waits until each has
 * finished its one episode. Only the primary ("true") reward, success and
 * length are kept: they do not depend on what the learner was rewarded
 * with, and a learned reward module would be untrained on these environments.
 * On a multi-agent environment (rows are agents' seats) each table's
 * episodes are also measured as a population (collective return, equality,
 * sustainability, peace, cooperation: envs/multi/social-metrics.ts). On
 * a task with success, the failed and the successful episodes are also
 * profiled apart (length, how many hit the step limit, which events fired):
 * what a reward designer reads to see why episodes fail.
 */
import type { Learner } from "../agents/learner.js";
import { Rng } from "../core/rng.js";
import { meanMetrics, SocialMeter, type SocialMetrics } from "../envs/multi/social-metrics.js";
import { makeRewarded } from "../rewards/make.js";
import type { RewardedVector } from "../rewards/rewarded.js";
import type { EvaluationConfig, RunConfig } from "./config.js";
import type { EvaluationRow } from "./store/types.js";

export type { EvaluationRow };

export type EvaluationPolicy = EvaluationConfig["policies"][number];
/** Where a run's result comes from: an evaluation of that policy, or its last training episodes. */
export type ResultSource = EvaluationPolicy | "training";


/** One evaluation of one policy: means over its episodes. */
export interface EvaluationSummary {
  step: number;
  policy: EvaluationPolicy;
  episodes: number;
  primary: number;
  success: number;
  length: number;
  /** Multi-agent environments: the population's metrics, means over the evaluation's table episodes. */
  social?: SocialMetrics;
  /** Tasks with success: the successful and the failed episodes profiled apart. */
  outcomes?: Outcomes;
}

/** Episodes of one outcome: how many, how long, and what happened in them. */
export interface OutcomeProfile {
  episodes: number;
  /** Mean length. */
  length: number;
  /** Share that ended at the step limit (truncated) rather than in a terminal state. */
  truncated: number;
  /** Per event, the share of these episodes in which it fired at least once. */
  events: Record<string, number>;
}

export interface Outcomes {
  success: OutcomeProfile;
  failure: OutcomeProfile;
}

/** What one evaluation gives: every episode's row, and per policy the population's metrics (multi-agent environments) and outcome profiles (tasks with success). */
export interface Evaluation {
  rows: EvaluationRow[];
  social: Partial<Record<EvaluationPolicy, SocialMetrics>>;
  outcomes: Partial<Record<EvaluationPolicy, Outcomes>>;
}

export class Evaluator {
  /** `layoutSeeds`: the run's fixed layouts, if it has them (evaluation plays the same ones). */
  constructor(
    readonly config: RunConfig,
    private readonly layoutSeeds: number[] | undefined,
  ) {}

  /**
   * Fresh environments and reward program for each evaluation: nothing one
   * evaluation leaves behind (running statistics, counts) reaches the next,
   * so an evaluation depends on the policy alone (a resumed run's equal its uninterrupted twin's).
   */
  private environments(): { env: RewardedVector; successMask: number } {
    const { config } = this;
    const kwargs = config.evaluation.kwargs ? { ...config.env.kwargs, ...config.evaluation.kwargs } : config.env.kwargs;
    const env = makeRewarded(config.env.id, config.numEnvs, config.reward, { kwargs, layoutSeeds: this.layoutSeeds, evaluation: true });
    return { env, successMask: env.vec.successMask() };
  }

  get settings(): EvaluationConfig {
    return this.config.evaluation;
  }

  /** Whether an evaluation is due after training reached `step` from `previous` (the `every` schedule). */
  due(previous: number, step: number): boolean {
    const { episodes, every } = this.settings;
    return episodes > 0 && every > 0 && Math.floor(step / every) > Math.floor(previous / every);
  }

  /** Plays every configured policy's episodes with the learner's current parameters. */
  evaluate(learner: Learner, step: number): Evaluation {
    const evaluation: Evaluation = { rows: [], social: {}, outcomes: {} };
    for (const policy of this.settings.policies) {
      const { rows, social, outcomes } = this.play(learner, policy, step);
      evaluation.rows.push(...rows);
      if (social.length) evaluation.social[policy] = meanMetrics(social);
      if (outcomes) evaluation.outcomes[policy] = outcomes;
    }
    return evaluation;
  }

  private play(learner: Learner, policy: EvaluationPolicy, step: number): { rows: EvaluationRow[]; social: SocialMetrics[]; outcomes?: Outcomes } {
    const { env, successMask } = this.environments();
    const vec = env.vec;
    const meter = SocialMeter.of(vec);
    const social: SocialMetrics[] = [];
    const n = vec.n;
    const { episodes, seed } = this.settings;
    // The same stream at every evaluation: differences between evaluations come from the policy alone.
    const rng = new Rng(seed);
    const greedy = policy === "greedy";
    const rows: EvaluationRow[] = [];
    const succeeded = new Uint8Array(n);
    const finished = new Uint8Array(n);
    const fired = new Uint32Array(n);
    const profiles = successMask ? [new ProfileSum(vec.eventNames), new ProfileSum(vec.eventNames)] : undefined;
    for (let first = 0; first < episodes; first += n) {
      const wave = Math.min(n, episodes - first);
      env.reset(seed + first);
      meter?.restart();
      // Tables whose seats all play in this wave are measured once, on their first episode.
      const measured = new Uint8Array(meter?.tables.length ?? 0);
      succeeded.fill(0);
      fired.fill(0);
      // Environments past the last episode idle as finished; their steps are not recorded.
      finished.fill(0);
      finished.fill(1, wave);
      let left = wave;
      // Every environment has a step limit, so a wave ends; the guard only stops an environment without one.
      for (let t = 0; left > 0 && t < vec.maxSteps + 1; t++) {
        meter?.before();
        env.step(learner.act(vec.obs, rng, { greedy, env: vec }));
        for (const [k, metrics] of meter?.after() ?? []) {
          if (measured[k] || (k + 1) * meter!.m > wave) continue;
          measured[k] = 1;
          social.push(metrics);
        }
        for (let i = 0; i < wave; i++) {
          if (finished[i]) continue;
          if (vec.events[i] & successMask) succeeded[i] = 1;
          fired[i] |= vec.events[i];
          if (!vec.terminated[i] && !vec.truncated[i]) continue;
          finished[i] = 1;
          left--;
          profiles?.[succeeded[i]].add(vec.episodeLength[i], vec.truncated[i] === 1 && !vec.terminated[i], fired[i]);
          rows.push({
            step,
            policy,
            episode: first + i,
            seed: seed + first + i,
            primary: env.reward.finishedPrimary[i],
            success: successMask ? succeeded[i] : NaN,
            length: vec.episodeLength[i],
          });
        }
      }
    }
    const outcomes = profiles && { failure: profiles[0].profile(), success: profiles[1].profile() };
    return { rows: rows.sort((a, b) => a.episode - b.episode), social, ...(outcomes ? { outcomes } : {}) };
  }
}

/** Running sums of an `OutcomeProfile`. */
class ProfileSum {
  private episodes = 0;
  private length = 0;
  private truncated = 0;
  private readonly fired: number[];

  constructor(private readonly eventNames: readonly string[]) {
    this.fired = eventNames.map(() => 0);
  }

  add(length: number, truncated: boolean, events: number): void {
    this.episodes++;
    this.length += length;
    if (truncated) this.truncated++;
    for (let j = 0; j < this.fired.length; j++) if (events & (1 << j)) this.fired[j]++;
  }

  profile(): OutcomeProfile {
    const n = this.episodes || 1;
    const events = Object.fromEntries(this.eventNames.map((name, j) => [name, this.fired[j] / n]));
    return { episodes: this.episodes, length: this.episodes ? this.length / n : NaN, truncated: this.truncated / n, events };
  }
}

/**
 * A run's result on the primary reward: its last evaluation of the policy
 * evaluated first (held-out episodes), or, without evaluations, the mean over
 * its last training episodes.
 */
export function runResult(evaluations: readonly EvaluationSummary[], trainPrimary: number, trainSuccess: number): { primary: number; success: number; from: ResultSource } {
  const last = evaluations.at(-1);
  if (!last) return { primary: trainPrimary, success: trainSuccess, from: "training" };
  const final = evaluations.find((e) => e.step === last.step)!;
  return { primary: final.primary, success: final.success, from: final.policy };
}

/** Means over each (step, policy) of evaluation rows, by step, then in the order of `policies` (default: as met). */
export function summarizeEvaluations(rows: readonly EvaluationRow[], policies: readonly EvaluationPolicy[] = []): EvaluationSummary[] {
  const groups = new Map<string, EvaluationRow[]>();
  for (const r of rows) {
    const key = `${r.step}|${r.policy}`;
    const group = groups.get(key);
    if (group) group.push(r);
    else groups.set(key, [r]);
  }
  const mean = (xs: readonly EvaluationRow[], f: (r: EvaluationRow) => number) => xs.reduce((s, r) => s + f(r), 0) / xs.length;
  const rank = (p: EvaluationPolicy) => (policies.includes(p) ? policies.indexOf(p) : policies.length);
  const ordered = [...groups.values()].sort((a, b) => a[0].step - b[0].step || rank(a[0].policy) - rank(b[0].policy));
  return ordered.map((g) => ({
    step: g[0].step,
    policy: g[0].policy,
    episodes: g.length,
    primary: mean(g, (r) => r.primary),
    success: mean(g, (r) => r.success),
    length: mean(g, (r) => r.length),
  }));
}
