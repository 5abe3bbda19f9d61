/**
 * The study of "Exploitation Is All You Need... for Exploration": an agent
 * trained only to maximize reward (no bonus, no randomization beyond its
 * own policy) explores when the environment has recurring structure and the
 * agent has memory, and stops exploring when either is removed; removing
 * long-horizon credit assignment does not always stop it.
 *
 * Conditions, each trained on a family of bandit tasks (new arm means every
 * episode: the task is met once and must be explored within the episode):
 *
 * | condition | environment | learner |
 * |---|---|---|
 * | structure + memory | one good arm (μ = 0.9, the others 0.1) | recurrent PPO, γ = 0.99 |
 * | no structure | arm means i.i.d. U[0, 1] | recurrent PPO, γ = 0.99 |
 * | no memory | one good arm | feed-forward PPO, γ = 0.99 |
 * | short horizon | one good arm | recurrent PPO, γ = 0.5 |
 *
 * Each seed's final policy plays held-out episodes (seeds from 2³¹), as do
 * UCB1 and Thompson sampling on the same episodes. Measured per episode:
 * pseudo-regret Σ_t (μ* − μ_{a_t}); information-seeking pulls (pulls of an
 * arm not pulled before in the episode, while the best arm has not been
 * pulled yet); and whether the best arm was found (pulled at least once).
 */
import { createLearner, LearnerConfig, type Learner } from "../../agents/index.js";
import { probabilityOfImprovementInterval, seedEstimate, verdict } from "../../core/rliable-bootstrap.js";
import { Rng } from "../../core/rng.js";
import { makeVector } from "../../envs/registry.js";
import { BanditCore } from "../../envs/bandits/bandit-core.js";
import { thompsonBeta, ucb1, type BanditPolicy } from "../../envs/bandits/baselines.js";
import { makeRewarded } from "../../rewards/make.js";
import { EVALUATION_SEED } from "../config.js";
import { TrainingLoop } from "../loop.js";

export const EMERGENT_CONDITIONS = ["structure + memory", "no structure", "no memory", "short horizon"] as const;
export type EmergentCondition = (typeof EMERGENT_CONDITIONS)[number];

export interface EmergentOptions {
  steps: number;
  seeds: readonly number[];
  /** Arms and pulls per episode. */
  arms: number;
  horizon: number;
  /** Held-out episodes per seed. */
  episodes: number;
  conditions?: readonly EmergentCondition[];
}

/** Per-episode means of one policy on the held-out episodes. */
export interface ExplorationMeasures {
  return: number;
  regret: number;
  infoPulls: number;
  found: number;
}

export interface EmergentResult {
  condition: EmergentCondition | "UCB1" | "Thompson";
  /** One entry per seed (the baselines: one, as they do not train). */
  perSeed: ExplorationMeasures[];
}

function setup(condition: EmergentCondition, o: EmergentOptions): { env: { id: string; kwargs: Record<string, unknown> }; learner: Record<string, unknown> } {
  const structured = condition !== "no structure";
  const env = { id: structured ? "Bandit-OneGoodArm-10" : "Bandit-Beta-10", kwargs: { k: o.arms, horizon: o.horizon } };
  const base = { numSteps: 2 * o.horizon, numMinibatches: 2, learningRate: 1e-3, entCoef: 0.01 };
  const learner = condition === "no memory" ? { algo: "ppo", ...base } : { algo: "rppo", ...base, memory: 64, gamma: condition === "short horizon" ? 0.5 : 0.99 };
  return { env, learner };
}

const NUM_ENVS = 16;

/** Trains one condition's learner on one seed. */
export function trainCondition(condition: EmergentCondition, seed: number, o: EmergentOptions): { learner: Learner; env: { id: string; kwargs: Record<string, unknown> } } {
  const { env, learner: config } = setup(condition, o);
  const rewarded = makeRewarded(env.id, NUM_ENVS, { terms: [{ kind: "task" }] }, { kwargs: env.kwargs });
  const learner = createLearner(LearnerConfig.parse(config), rewarded, seed);
  new TrainingLoop(learner).run(o.steps);
  return { learner, env };
}

/** A policy over a batch of bandit environments: the learner's, or a baseline's per environment. */
type Chooser = (obs: Float32Array, vec: ReturnType<typeof makeVector>) => ArrayLike<number>;

/** Plays `episodes` held-out episodes (NUM_ENVS at a time) and measures them. */
export function measure(env: { id: string; kwargs: Record<string, unknown> }, episodes: number, choose: Chooser, onEpisodeStart?: (i: number) => void): ExplorationMeasures {
  const vec = makeVector(env.id, NUM_ENVS, { kwargs: env.kwargs });
  const sums = { return: 0, regret: 0, infoPulls: 0, found: 0 };
  const pulled = new Uint8Array(NUM_ENVS * 64);
  for (let first = 0; first < episodes; first += NUM_ENVS) {
    vec.reset(EVALUATION_SEED + first);
    const wave = Math.min(NUM_ENVS, episodes - first);
    pulled.fill(0);
    const found = new Uint8Array(NUM_ENVS);
    for (let i = 0; i < NUM_ENVS; i++) onEpisodeStart?.(i);
    const horizon = vec.maxSteps;
    for (let t = 0; t < horizon; t++) {
      const actions = Array.from(choose(vec.obs, vec));
      const cores = vec.cores as BanditCore[];
      // Before the step: what each pull is worth and whether it seeks information.
      for (let i = 0; i < wave; i++) {
        const core = cores[i];
        const a = actions[i];
        const best = Math.max(...core.means);
        sums.regret += best - core.means[a];
        if (!found[i] && !pulled[i * 64 + a]) sums.infoPulls++;
        pulled[i * 64 + a] = 1;
        if (core.means[a] === best) found[i] = 1;
      }
      vec.step(Int32Array.from(actions));
      for (let i = 0; i < wave; i++) sums.return += vec.rewards[i];
    }
    for (let i = 0; i < wave; i++) sums.found += found[i];
  }
  return { return: sums.return / episodes, regret: sums.regret / episodes, infoPulls: sums.infoPulls / episodes, found: sums.found / episodes };
}

/** A trained learner's held-out measures (its policy sampled, memory kept per episode). */
export function measureLearner(learner: Learner, env: { id: string; kwargs: Record<string, unknown> }, episodes: number, seed: number): ExplorationMeasures {
  const rng = new Rng(seed);
  return measure(env, episodes, (obs, vec) => learner.act(obs, rng, { env: vec }));
}

/** A bandit baseline (one policy instance per environment, restarted every episode) on the same held-out episodes. */
export function measureBaseline(make: (rng: Rng) => BanditPolicy, env: { id: string; kwargs: Record<string, unknown> }, episodes: number, seed: number): ExplorationMeasures {
  const rng = new Rng(seed);
  const k = env.kwargs.k as number;
  let policies: BanditPolicy[] = [];
  let last: Int32Array | undefined;
  return measure(
    env,
    episodes,
    (_obs, vec) => {
      const out = new Int32Array(NUM_ENVS);
      for (let i = 0; i < NUM_ENVS; i++) {
        // The previous pull's reward, seen now: bandit observations hold it after the one-hot of the arm.
        if (vec.cores[i].stepCount > 0 && last) policies[i].update(last[i], vec.obs[i * vec.obsSize + k]);
        out[i] = policies[i].act();
      }
      last = out;
      return out;
    },
    () => {
      if (policies.length === NUM_ENVS) policies = [];
      const policy = make(rng.split());
      policy.reset(k);
      policies.push(policy);
      last = undefined;
    },
  );
}

/** Every condition on every seed, then UCB1 and Thompson sampling on the structured task's held-out episodes. */
export function emergentExploration(o: EmergentOptions, onRun?: (condition: string, seed: number) => void): EmergentResult[] {
  const results: EmergentResult[] = [];
  for (const condition of o.conditions ?? EMERGENT_CONDITIONS) {
    const perSeed = o.seeds.map((seed) => {
      onRun?.(condition, seed);
      const { learner, env } = trainCondition(condition, seed, o);
      return measureLearner(learner, env, o.episodes, seed + 1);
    });
    results.push({ condition, perSeed });
  }
  const structured = setup("structure + memory", o).env;
  results.push({ condition: "UCB1", perSeed: [measureBaseline((rng) => ucb1(rng), structured, o.episodes, 1)] });
  results.push({ condition: "Thompson", perSeed: [measureBaseline((rng) => thompsonBeta(rng), structured, o.episodes, 2)] });
  return results;
}

/**
 * The study's table: per condition IQM over seeds with 95% bootstrap
 * intervals and per-seed values, then the full agent against each ablation
 * by the probability that it has the lower regret.
 */
export function formatEmergent(results: readonly EmergentResult[]): string {
  const f = (x: number) => x.toFixed(2);
  const lines = ["condition            return                regret                info-seeking pulls    best arm found        per-seed regret"];
  for (const r of results) {
    const cell = (k: keyof ExplorationMeasures) => {
      const values = r.perSeed.map((m) => m[k]);
      if (values.length === 1) return f(values[0]).padEnd(21);
      const e = seedEstimate(values, "iqm", new Rng(1));
      return `${f(e.point)} [${f(e.lo)}, ${f(e.hi)}]`.padEnd(21);
    };
    lines.push(`${r.condition.padEnd(20)} ${cell("return")} ${cell("regret")} ${cell("infoPulls")} ${cell("found")} ${r.perSeed.map((m) => f(m.regret)).join(" ")}`);
  }
  const full = results.find((r) => r.condition === "structure + memory");
  if (full && full.perSeed.length > 1) {
    lines.push("");
    for (const r of results) {
      if (r === full || r.perSeed.length < 2) continue;
      // Lower regret is better: compare negated regrets.
      const poi = probabilityOfImprovementInterval(full.perSeed.map((m) => [-m.regret]), r.perSeed.map((m) => [-m.regret]), new Rng(2));
      const v = verdict(poi);
      const words = v === "A better than B" ? "less regret" : v === "B better than A" ? "more regret" : "no clear difference";
      lines.push(`structure + memory vs ${r.condition}: P(less regret) ${f(poi.point)} [${f(poi.lo)}, ${f(poi.hi)}]: ${words}${r.condition === "no structure" ? " (another task family: regrets are not on the same episodes)" : ""}`);
    }
  }
  return lines.join("\n");
}
