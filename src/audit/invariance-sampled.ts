/**
 * Did the heuristics change what the agent learns? The sampled counterpart
 * of `shapingInvariance` (src/audit/invariance.ts) for environments with no
 * tabular model (CartPole, MountainCar, Acrobot, gridworlds too large to
 * enumerate): instead of optimal policies computed exactly, policies trained
 * by the same learner, compared on the states they visit.
 *
 * - Train k seeds under the full spec ("full") and k other seeds under its
 *   primary terms alone ("primary"), the reward the exact check calls
 *   primary: the primary terms' summed contributions, without the auxiliary
 *   terms, the total's transforms or the scalarization.
 * - Roll out every policy, sampling its actions (the policy as trained and
 *   as `Learner.act` plays it), on the same episode seeds; pool the states
 *   they visit, each policy's states weighing the same in total.
 * - On that pool compare every pair of policies: action agreement (the share
 *   of states where their most likely actions agree) and the mean total
 *   variation ½·Σ_a |π(a|s) − π′(a|s)| of their exact action distributions.
 *
 * Two policies trained on the same reward with different seeds differ too,
 * so the baseline is the agreement within each reward; the auxiliary terms
 * changed the learned behaviour when the agreement across the two rewards
 * is clearly below it: the 95% bootstrap interval of the gap (within −
 * across), resampling each policy's rollout episodes, lies above `margin`
 * (the interval covers the visited states, the margin the seeds), and the
 * action distributions differ more across than within too, the interval
 * of the total-variation gap above margin/2 (most likely actions of
 * near-uniform policies agree or not by chance).
 * Or when the primary returns differ clearly: every full-spec policy's 95%
 * interval over episodes (a percentile bootstrap of the mean, inside the
 * episodes' range) is on one side of every primary-only policy's.
 * Under the null hypothesis (both rewards lead to the same distribution of
 * trained policies) every pair of distinct seeds is alike, which is why no
 * seed is used for both rewards.
 */
import { z } from "zod";
import { UserError } from "../core/errors.js";
import { Rng } from "../core/rng.js";
import { LearnerConfig, createLearner, type Learner } from "../agents/index.js";
import { train } from "../runs/loop.js";
import { Ppo } from "../agents/ppo.js";
import { Reinforce } from "../agents/reinforce.js";
import { makeRewarded } from "../rewards/make.js";
import type { RewardedVector } from "../rewards/rewarded.js";
import { parseRewardSpec, type RewardSpec } from "../rewards/spec.js";
import { seedEstimate } from "../core/rliable-bootstrap.js";
import { mean } from "../core/stats.js";

export interface SampledInvarianceOptions {
  /** Environment steps of each training run (default 100 000). */
  steps?: number;
  /**
   * Seeds per reward, at least 2 (default 2): the full spec trains with seed … seed + k − 1, the primary terms with seed + k … seed + 2k − 1.
   * Or the training seeds themselves, distinct, an even number of at least 4: the first half trains on the full spec, the second on the primary terms.
   */
  seeds?: number | readonly number[];
  seed?: number;
  /** Rollout episodes per trained policy (default 10). */
  episodes?: number;
  /** The learner, as in a run config (default PPO with its defaults). */
  learner?: z.input<typeof LearnerConfig>;
  /** Environments stepped together in training (default 8, as in a run config). */
  numEnvs?: number;
  kwargs?: Record<string, unknown>;
  /** How far the across-reward agreement must be below the within-reward one, at the lower end of its interval (default 0.05). */
  margin?: number;
  /** Bootstrap resamples of the rollout episodes, for the agreement gaps and each policy's return interval (default 1000). */
  resamples?: number;
  /** Called after each training iteration: steps done over all runs, and the total. */
  onProgress?(done: number, total: number): void;
}

export type Design = "full" | "primary";

export interface PolicyResult {
  design: Design;
  seed: number;
  /** Mean primary return over the rollout episodes, its 95% percentile-bootstrap interval (inside the episodes' range), and each episode's. */
  primaryReturn: number;
  primaryInterval: [number, number];
  episodeReturns: number[];
  /** States the policy visited in its rollouts (its part of the pool). */
  states: number;
}

export interface PairStats {
  /** Share of pooled states where the most likely actions agree. */
  agreement: number;
  /** Mean total variation between the action distributions. */
  tv: number;
}

export interface SampledInvarianceReport {
  env: string;
  mode: "sampled";
  learner: string;
  steps: number;
  episodes: number;
  /** Pooled states the policies are compared on. */
  states: number;
  policies: PolicyResult[];
  /** Mean over pairs of distinct seeds: within the full spec, within the primary terms, the two pooled, and across the rewards. */
  withinFull: PairStats;
  withinPrimary: PairStats;
  within: PairStats;
  across: PairStats;
  /** within.agreement − across.agreement, and its 95% bootstrap interval over rollout episodes. */
  gap: number;
  gapInterval: [number, number];
  /** across.tv − within.tv, and its interval from the same resamples. */
  tvGap: number;
  tvGapInterval: [number, number];
  margin: number;
  /** The agreement gap's interval lies above the margin, and the total-variation gap's above half the margin. */
  agreementChanged: boolean;
  /** Mean primary return per reward, and whether the policies' intervals separate. */
  primaryReturns: Record<Design, number>;
  returnsChanged: boolean;
  /** The verdict: the auxiliary terms changed the learned behaviour at this budget. */
  changed: boolean;
}

/**
 * The spec's primary terms alone, as a reward to learn from: what
 * `BoundReward.primary` sums (every primary term, optimized or only
 * measured), without auxiliary terms, total transforms or scalarization
 * (they would weigh objectives the primary reward may not have). The reward
 * machine and `define` stay: the environment and the names must not change.
 */
export function primaryOnlySpec(spec: RewardSpec, roles: readonly { role: string }[]): RewardSpec {
  const terms = spec.terms.filter((_, i) => roles[i].role === "primary").map((t) => ({ ...t, optimize: true }));
  return { ...spec, terms, transforms: [], scalarize: undefined };
}

export function sampledInvariance(envId: string, specInput: unknown, options: SampledInvarianceOptions = {}): SampledInvarianceReport {
  const { steps = 100_000, seeds = 2, seed = 0, episodes = 10, numEnvs = 8, kwargs, margin = 0.05, resamples = 1000 } = options;
  if (!Number.isSafeInteger(steps) || steps < 1) throw new UserError("--steps", `expected a positive integer, got ${steps}`);
  if (typeof seeds === "number" && (!Number.isSafeInteger(seeds) || seeds < 2)) throw new UserError("--seeds", `expected an integer ≥ 2 (the baseline compares seeds of the same reward), got ${seeds}`);
  const trainingSeeds = typeof seeds === "number" ? Array.from({ length: 2 * seeds }, (_, k) => seed + k) : [...seeds];
  if (typeof seeds !== "number" && (trainingSeeds.length < 4 || trainingSeeds.length % 2 !== 0 || new Set(trainingSeeds).size !== trainingSeeds.length || !trainingSeeds.every((s) => Number.isSafeInteger(s) && s >= 0))) {
    throw new UserError("--seeds", `expected an even number of at least 4 distinct seeds, half for each reward (the baseline compares seeds of the same reward), got ${trainingSeeds.join(",")}`);
  }
  const perReward = trainingSeeds.length / 2;
  // A confidence interval over one episode has no width: two is the least that says anything.
  if (!Number.isSafeInteger(episodes) || episodes < 2) throw new UserError("--episodes", `expected an integer ≥ 2, got ${episodes}`);
  const learnerConfig = LearnerConfig.parse(options.learner ?? { algo: "ppo" });
  if (learnerConfig.algo !== "ppo" && learnerConfig.algo !== "reinforce") {
    throw new UserError("learner.algo", `the sampled comparison needs a policy over observations (ppo or reinforce), got ${learnerConfig.algo}`);
  }

  const full = parseRewardSpec(specInput, "reward");
  // Built as the learners' environments are (a reward machine adds to the observations and features).
  const { vec: probe, program } = makeRewarded(envId, 1, full, { kwargs });
  if (probe.actionSpace.kind !== "discrete") throw new UserError("--env", `${probe.id} has ${probe.actionSpace.kind} actions; the sampled comparison compares discrete action choices`);
  const numActions = probe.actionSpace.n;
  const primary = primaryOnlySpec(full, program.terms);
  // Nothing to compare when the full spec already learns from exactly the primary terms, summed.
  const learnsPrimaryOnly = program.terms.every((t) => t.optimize === (t.role === "primary")) && full.transforms.length === 0 && !full.scalarize;
  if (learnsPrimaryOnly) throw new UserError("reward.terms", "the agent learns from the primary terms alone already: there are no auxiliary terms to compare");

  // Disjoint seeds: every pair of policies differs in its seed, across the rewards as within one.
  const designs = (["full", "primary"] as const).flatMap((design, d) => Array.from({ length: perReward }, (_, k) => ({ design, seed: trainingSeeds[d * perReward + k]!, spec: design === "full" ? full : primary })));
  const total = designs.length * steps;
  const trained = designs.map((job, j) => {
    const env = makeRewarded(envId, numEnvs, job.spec, { kwargs });
    const learner = createLearner(learnerConfig, env, job.seed);
    train(learner, steps, () => options.onProgress?.(j * steps + Math.min(learner.globalStep, steps), total));
    return { ...job, learner };
  });

  // The same episode seeds for every policy, away from the training seeds.
  const evalSeed = 1_000_000 * (seed + 1);
  const rollouts = trained.map((t, p) => rollOut(t.learner, makeRewarded(envId, episodes, primary, { kwargs }), evalSeed, new Rng(evalSeed + 7919 * (p + 1))));
  const pool = concatRows(rollouts.flatMap((r) => r.episodeObs));
  const obsSize = probe.obsSize;
  const rows = pool.length / obsSize;
  const probs = trained.map((t) => actionProbabilities(t.learner as Ppo | Reinforce, pool, rows, numActions));
  const greedy = probs.map((pr) => argmaxRows(pr, rows, numActions));

  // Per pair and per episode: sums over the episode's states, so that resampling episodes is cheap.
  const P = trained.length;
  const pairs: { p: number; q: number; kind: "withinFull" | "withinPrimary" | "across" }[] = [];
  for (let p = 0; p < P; p++) {
    for (let q = p + 1; q < P; q++) {
      const a = trained[p].design;
      const b = trained[q].design;
      pairs.push({ p, q, kind: a !== b ? "across" : a === "full" ? "withinFull" : "withinPrimary" });
    }
  }
  const episodeOf: { policy: number; start: number; length: number }[] = [];
  let offset = 0;
  rollouts.forEach((r, p) => r.episodeObs.forEach((o) => {
    episodeOf.push({ policy: p, start: offset, length: o.length / obsSize });
    offset += o.length / obsSize;
  }));
  const agreeSums = pairs.map(() => new Float64Array(episodeOf.length));
  const tvSums = pairs.map(() => new Float64Array(episodeOf.length));
  pairs.forEach(({ p, q }, k) => {
    episodeOf.forEach((e, j) => {
      let agree = 0;
      let tv = 0;
      for (let s = e.start; s < e.start + e.length; s++) {
        if (greedy[p][s] === greedy[q][s]) agree++;
        let d = 0;
        for (let a = 0; a < numActions; a++) d += Math.abs(probs[p][s * numActions + a] - probs[q][s * numActions + a]);
        tv += d / 2;
      }
      agreeSums[k][j] = agree;
      tvSums[k][j] = tv;
    });
  });
  const byPolicy = Array.from({ length: P }, (_, p) => episodeOf.map((e, j) => [e, j] as const).filter(([e]) => e.policy === p).map(([, j]) => j));

  // A pair's statistic on a choice of episodes per policy: each policy's states weigh the same.
  const pairMean = (sums: Float64Array, chosen: readonly (readonly number[])[]) =>
    mean(chosen.map((js) => js.reduce((s, j) => s + sums[j], 0) / js.reduce((s, j) => s + episodeOf[j].length, 0)));
  const kindMean = (values: readonly number[], kinds: readonly string[]) => mean(values.filter((_, k) => kinds.includes(pairs[k].kind)));
  const stats = (chosen: readonly (readonly number[])[]) => {
    const agree = agreeSums.map((s) => pairMean(s, chosen));
    const tv = tvSums.map((s) => pairMean(s, chosen));
    const of = (...kinds: string[]): PairStats => ({ agreement: kindMean(agree, kinds), tv: kindMean(tv, kinds) });
    // The within baseline weighs both rewards alike, whatever their number of pairs.
    const withinFull = of("withinFull");
    const withinPrimary = of("withinPrimary");
    const within = { agreement: (withinFull.agreement + withinPrimary.agreement) / 2, tv: (withinFull.tv + withinPrimary.tv) / 2 };
    return { withinFull, withinPrimary, within, across: of("across") };
  };
  const observed = stats(byPolicy);
  const gap = observed.within.agreement - observed.across.agreement;
  const tvGap = observed.across.tv - observed.within.tv;
  const bootRng = new Rng(seed ^ 0x5eed);
  const gaps: number[] = [];
  const tvGaps: number[] = [];
  for (let b = 0; b < resamples; b++) {
    const s = stats(byPolicy.map((js) => js.map(() => js[bootRng.int(js.length)])));
    gaps.push(s.within.agreement - s.across.agreement);
    tvGaps.push(s.across.tv - s.within.tv);
  }
  const interval = (xs: number[]): [number, number] => {
    const sorted = [...xs].sort((a, b) => a - b);
    return [quantile(sorted, 0.025), quantile(sorted, 0.975)];
  };
  const gapInterval = interval(gaps);
  const tvGapInterval = interval(tvGaps);
  // Most likely actions of near-uniform policies agree or not by chance (a near-tie flips them):
  // the distributions must differ more across the rewards too, by half the margin in total variation.
  const agreementChanged = gapInterval[0] > margin && tvGapInterval[0] > margin / 2;

  // Its own stream, so the agreement gaps above draw what they drew before.
  const returnRng = new Rng(seed ^ 0x2e7a);
  const policies: PolicyResult[] = trained.map((t, p) => {
    const returns = rollouts[p].primaries;
    const interval = seedEstimate(returns, "mean", returnRng, { reps: resamples });
    return {
      design: t.design,
      seed: t.seed,
      primaryReturn: mean(returns),
      primaryInterval: [interval.lo, interval.hi],
      episodeReturns: [...returns],
      states: byPolicy[p].reduce((s, j) => s + episodeOf[j].length, 0),
    };
  });
  const envelope = (design: Design) => {
    const mine = policies.filter((x) => x.design === design);
    return { lo: Math.min(...mine.map((x) => x.primaryInterval[0])), hi: Math.max(...mine.map((x) => x.primaryInterval[1])), mean: mean(mine.map((x) => x.primaryReturn)) };
  };
  const f = envelope("full");
  const pr = envelope("primary");
  const returnsChanged = f.hi < pr.lo || pr.hi < f.lo;

  return {
    env: probe.id,
    mode: "sampled",
    learner: learnerConfig.algo,
    steps,
    episodes,
    states: rows,
    policies,
    ...observed,
    gap,
    gapInterval,
    tvGap,
    tvGapInterval,
    margin,
    agreementChanged,
    primaryReturns: { full: f.mean, primary: pr.mean },
    returnsChanged,
    changed: agreementChanged || returnsChanged,
  };
}

/**
 * Plays one episode in each of the environments (reset from `seed`),
 * sampling the learner's actions from `rng`; keeps the observations acted
 * from and the primary return of each episode.
 */
function rollOut(learner: Learner, env: RewardedVector, seed: number, rng: Rng): { episodeObs: Float32Array[]; primaries: number[] } {
  const vec = env.vec;
  const { n, obsSize } = vec;
  const seen: number[][] = Array.from({ length: n }, () => []);
  const primaries = new Array<number>(n).fill(NaN);
  const done = new Uint8Array(n);
  env.reset(seed);
  for (let guard = 0; done.includes(0) && guard <= vec.maxSteps; guard++) {
    for (let i = 0; i < n; i++) if (!done[i]) for (let k = 0; k < obsSize; k++) seen[i].push(vec.obs[i * obsSize + k]);
    env.step(learner.act(vec.obs, rng));
    for (let i = 0; i < n; i++) {
      if (done[i] || !(vec.terminated[i] || vec.truncated[i])) continue;
      primaries[i] = env.reward.finishedPrimary[i];
      done[i] = 1;
    }
  }
  if (done.includes(0)) throw new Error(`rollout: an episode of ${vec.id} did not end within its ${vec.maxSteps} steps`);
  return { episodeObs: seen.map((s) => Float32Array.from(s)), primaries };
}

/** π(·|s) for every row of `obs`: the softmax of the actor's logits, exactly as the learner samples from it. */
function actionProbabilities(learner: Ppo | Reinforce, obs: Float32Array, rows: number, numActions: number): Float64Array {
  if (!(learner instanceof Ppo || learner instanceof Reinforce)) throw new Error("actionProbabilities: expected an actor-critic learner");
  const logits = learner.actorOutputs(obs.subarray(0, rows * learner.shape.obsSize));
  const probs = new Float64Array(rows * numActions);
  for (let i = 0; i < rows; i++) {
    const row = i * numActions;
    let max = -Infinity;
    for (let a = 0; a < numActions; a++) max = Math.max(max, logits[row + a]);
    let z = 0;
    for (let a = 0; a < numActions; a++) z += probs[row + a] = Math.exp(logits[row + a] - max);
    for (let a = 0; a < numActions; a++) probs[row + a] /= z;
  }
  return probs;
}

/** The most likely action of each row (the first on ties, as the learners' greedy acting). */
function argmaxRows(probs: Float64Array, rows: number, numActions: number): Int32Array {
  const out = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    let best = 0;
    for (let a = 1; a < numActions; a++) if (probs[i * numActions + a] > probs[i * numActions + best]) best = a;
    out[i] = best;
  }
  return out;
}

function concatRows(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The q-quantile of sorted values, interpolated linearly. */
function quantile(sorted: readonly number[], q: number): number {
  const x = q * (sorted.length - 1);
  const lo = Math.floor(x);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (x - lo) * (sorted[hi] - sorted[lo]);
}
