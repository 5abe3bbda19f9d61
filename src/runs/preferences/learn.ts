/**
 * Learning a reward from comparisons, end to end: collect segments with a
 * policy, ask a labeler (synthetic here, from the true reward) about pairs
 * of them, fit the Bradley–Terry ensemble, and repeat for a few rounds.
 * Pairs are drawn uniformly, or (active) the pairs the ensemble's members
 * disagree on most are asked about, among `candidates` times as many.
 *
 * From demonstrations instead of labels: every comparison prefers a
 * segment of an expert's episode to one of the current policy (the ranking
 * view of imitation, as in T-REX, "Extrapolating Beyond Suboptimal
 * Demonstrations", Brown et al. 2019). With the RLHF loop's agent, each
 * round compares the demonstrations with a better policy, so the reward
 * keeps pointing from what the agent does towards what the expert does.
 */
import { z } from "zod";
import { Rng } from "../../core/rng.js";
import { makeRewarded } from "../../rewards/make.js";
import { LEARNED_REWARD_FORMAT, type LearnedRewardArtifact } from "../../rewards/learned.js";
import { RewardSpec } from "../../rewards/spec.js";
import { EnvConfig } from "../../envs/config.js";
import { UserError } from "../../core/errors.js";
import { Ppo, type PpoConfig } from "../../agents/ppo.js";
import { train } from "../loop.js";
import { demonstrationTransitions, readDemonstrations } from "../../learn/demos/demos.js";
import { comparisonsOf, readPreferences } from "../../learn/preferences/data.js";
import { LabelerConfig, syntheticLabel, type Label } from "../../learn/preferences/labelers.js";
import { RewardModel, RewardModelConfig, type Comparison } from "../../learn/preferences/reward-model.js";
import { featureSize, writeAbsorbing, type TransitionLayout } from "../../learn/transition.js";
import { collectSegments, collectTreeSegments, transitionLayout, type Segment } from "./segments.js";

export const PreferenceConfig = z
  .object({
    env: EnvConfig,
    reward: RewardSpec.prefault({ terms: [{ kind: "task" }] }).describe("the true reward the synthetic labeler judges by (its primary terms)"),
    numEnvs: z.number().int().min(1).max(256).default(8),
    segmentLength: z.number().int().min(1).default(25).describe("steps per segment"),
    labels: z.number().int().min(1).default(500).describe("the label budget"),
    rounds: z.number().int().min(1).default(4).describe("collect–label–train rounds the budget is spread over"),
    query: z.enum(["uniform", "disagreement"]).default("uniform").describe("which pairs to ask about"),
    collection: z.enum(["independent", "tree"]).default("independent").describe("pairs of independent segments, or of sibling segments branched from a shared state"),
    branches: z.number().int().min(2).multipleOf(2).default(2).describe("tree: continuations rolled out from each branching state (even: siblings are paired)"),
    candidates: z.number().int().min(1).default(4).describe("disagreement: candidate pairs considered per label"),
    labeler: LabelerConfig.prefault({}),
    // The model's seed has no default here: without one, the run's seed drives the model too (zod's partial keeps inner defaults).
    model: RewardModelConfig.extend({ seed: z.number().int().nonnegative().optional().describe("the model's initialization and minibatch order (default: the run's seed)") })
      .partial()
      .default({}),
    heldOut: z.number().int().min(0).default(200).describe("pairs kept aside to measure agreement with the true reward"),
    agent: z
      .object({
        steps: z.number().int().positive().describe("PPO steps on the learned reward after each round"),
        numEnvs: z.number().int().min(1).default(8),
        ppo: z.record(z.string(), z.unknown()).default({}).describe("PPO hyperparameters"),
      })
      .strict()
      .optional()
      .describe("the RLHF loop: after each round, train PPO on the reward learned so far and collect the next segments with it"),
    preferences: z.string().min(1).optional().describe("a JSONL file of labelled pairs (`rewardlab prefs label`) to learn from instead of the synthetic labeler"),
    demonstrations: z.string().min(1).optional().describe("a JSONL file of expert episodes (`rewardlab demos record`): each comparison prefers a segment of them to one of the current policy"),
    seed: z.number().int().nonnegative().default(0).describe("drives the whole run: layouts, the segments' random actions, the labeler's noise, the reward model (unless model.seed) and the agent"),
  })
  .strict()
  .refine((c) => !(c.preferences && c.demonstrations), { message: "give preferences or demonstrations, not both", path: ["demonstrations"] })
  .refine((c) => !(c.demonstrations && c.query !== "uniform"), { message: "queries choose which pairs to label; learning from demonstrations asks no one (drop query)", path: ["query"] });
export type PreferenceConfig = z.output<typeof PreferenceConfig>;

export interface RoundReport {
  round: number;
  /** With an agent: its mean primary (true) return over the episodes of its last training. */
  agentReturn?: number;
  labels: number;
  skipped: number;
  loss: number;
  /** Share of held-out pairs (with a strict true preference) the model orders as the true reward does. */
  accuracy: number;
}

export interface PreferenceResult {
  model: RewardModel;
  artifact: LearnedRewardArtifact;
  rounds: RoundReport[];
}

type Policy = (obs: Float32Array, rng: Rng) => ArrayLike<number>;

/** A uniformly random policy over the vector's discrete actions. */
export function randomPolicy(n: number, actions: number): Policy {
  const out = new Int32Array(n);
  return (_obs, rng) => {
    for (let i = 0; i < n; i++) out[i] = rng.int(actions);
    return out;
  };
}

export function learnFromPreferences(config: PreferenceConfig, policy?: Policy, onRound?: (r: RoundReport) => void): PreferenceResult {
  const c = config;
  const rng = new Rng(c.seed);
  const env = makeRewarded(c.env.id, c.numEnvs, c.reward, { kwargs: c.env.kwargs });
  const layout = transitionLayout(env);
  const act = policy ?? randomPolicy(c.numEnvs, layout.actionCount);
  const model = new RewardModel(featureSize(layout), { ...c.model, seed: c.model.seed ?? c.seed });
  env.reset(c.seed);
  const T = c.segmentLength;
  // Held-out pairs are independent ones whatever the collection, so both are measured alike.
  const heldOut = pairsOf(collectSegments(env, act, 2 * c.heldOut, T, rng));
  const tree = c.collection === "tree" ? makeRewarded(c.env.id, 1, c.reward, { kwargs: c.env.kwargs }) : undefined;
  tree?.reset(c.seed + 1);
  const treeAct = tree ? randomPolicy(1, layout.actionCount) : undefined;
  const comparisons: Comparison[] = [];
  const rounds: RoundReport[] = [];
  if (c.preferences) {
    // People's labels: one training on all of them.
    const records = readPreferences(c.preferences);
    const other = records.find((r) => r.env !== env.vec.id);
    if (other) throw new UserError("preferences", `${c.preferences} holds labels for ${other.env}; this config learns a reward for ${env.vec.id}`);
    comparisons.push(...comparisonsOf(records));
    if (comparisons.length === 0) throw new UserError("preferences", `${c.preferences} has no labelled pairs (skips do not count)`);
    const losses = model.train(comparisons);
    const report = { round: 1, labels: comparisons.length, skipped: records.length - comparisons.length, loss: losses.at(-1) ?? NaN, accuracy: agreement(model, heldOut) };
    rounds.push(report);
    onRound?.(report);
  }
  const expert = c.demonstrations ? demonstrationEpisodes(c.demonstrations, env.vec.id, layout) : undefined;
  let asked = 0;
  // The RLHF loop: PPO trains on the current learned reward, its parameters carried from round to round.
  let agent: Ppo | undefined;
  let agentReturn: number | undefined;
  let collectWith: Policy = act;
  for (let round = 1; round <= (c.preferences ? 0 : c.rounds); round++) {
    const budget = Math.round((c.labels * round) / c.rounds) - asked;
    const pool = c.query === "uniform" ? budget : budget * c.candidates;
    let pairs = pairsOf(c.collection === "tree" ? collectTreeSegments(tree!, treeAct!, 2 * pool, T, c.branches, rng) : collectSegments(env, collectWith, 2 * pool, T, rng));
    if (c.query === "disagreement" && round > 1) pairs = mostDisputed(model, pairs, budget);
    let skipped = 0;
    for (const [a, b] of pairs.slice(0, budget)) {
      if (expert) {
        comparisons.push({ a: expertSegment(expert, layout, T, rng), b: b.x, label: 1 });
        continue;
      }
      const label: Label = syntheticLabel(a.rewards, b.rewards, c.labeler, rng);
      if (label === null) skipped++;
      else comparisons.push({ a: a.x, b: b.x, label });
    }
    asked += budget;
    const losses = model.train(comparisons);
    if (c.agent) {
      ({ agent, agentReturn } = trainAgent(c, model, layout, agent, round));
      const trained = agent;
      collectWith = (obs) => trained.policyActions(obs, false);
    }
    const report = { round, labels: comparisons.length, skipped, loss: losses.at(-1) ?? NaN, accuracy: agreement(model, heldOut), agentReturn };
    rounds.push(report);
    onRound?.(report);
  }
  return { model, artifact: artifactOf(model, c.env.id, layout, { labels: comparisons.length, segmentLength: T, query: c.query, seed: c.seed, heldOutAccuracy: rounds.at(-1)!.accuracy }), rounds };
}

/** PPO for `agent.steps` more steps on the reward learned so far (true reward measured, not optimized). */
function trainAgent(c: PreferenceConfig, model: RewardModel, layout: { obsSize: number; actionCount: number }, previous: Ppo | undefined, round: number): { agent: Ppo; agentReturn: number } {
  const a = c.agent!;
  const spec = { terms: [{ kind: "task", optimize: false }, { name: "learned", kind: "learned", model: artifactOf(model, c.env.id, layout, {}) }] };
  const env = makeRewarded(c.env.id, a.numEnvs, spec, { kwargs: c.env.kwargs });
  // No annealing: the loop's total length is not known to PPO's schedule.
  const agent = new Ppo(env, { annealLr: false, ...(a.ppo as Partial<PpoConfig>) }, c.seed);
  if (previous) agent.continueFrom(previous);
  env.reset(c.seed + 1000 * round);
  const returns: number[] = [];
  // `train` counts steps from the start of the loop: this round's share ends at round × steps.
  train(agent, a.steps * round, (_metrics, episodes) => void returns.push(...episodes.map((e) => e.primary)));
  const recent = returns.slice(-50);
  return { agent, agentReturn: recent.length ? recent.reduce((s, v) => s + v, 0) / recent.length : NaN };
}

/** Each demonstration's transition rows, checked against the environment learned for. */
function demonstrationEpisodes(file: string, envId: string, layout: TransitionLayout): Float32Array[] {
  const demos = readDemonstrations(file);
  const other = demos.find((d) => d.env !== envId);
  if (other) throw new UserError("demonstrations", `${file} holds episodes of ${other.env}; this config learns a reward for ${envId}`);
  const episodes = demos.map((d) => demonstrationTransitions([d], layout).x).filter((x) => x.length > 0);
  if (episodes.length === 0) throw new UserError("demonstrations", `${file} holds no transitions`);
  return episodes;
}

/**
 * T steps of a random demonstration from a random start, the absorbing
 * state after its last step: the recorded episodes are the expert's whole
 * episodes, which end by reaching the task's end.
 */
function expertSegment(episodes: readonly Float32Array[], layout: TransitionLayout, T: number, rng: Rng): Float32Array {
  const size = featureSize(layout);
  const episode = episodes[rng.int(episodes.length)];
  const length = episode.length / size;
  const start = rng.int(length);
  const x = new Float32Array(T * size);
  const steps = Math.min(T, length - start);
  x.set(episode.subarray(start * size, (start + steps) * size));
  for (let t = steps; t < T; t++) writeAbsorbing(layout, x, t * size);
  return x;
}

function pairsOf(segments: Segment[]): [Segment, Segment][] {
  const pairs: [Segment, Segment][] = [];
  for (let k = 0; k + 1 < segments.length; k += 2) pairs.push([segments[k], segments[k + 1]]);
  return pairs;
}

function sum(r: Float64Array): number {
  let s = 0;
  for (let i = 0; i < r.length; i++) s += r[i];
  return s;
}

/** The `k` pairs whose members' P(a ≻ b) spread most (standard deviation over the ensemble). */
function mostDisputed(model: RewardModel, pairs: [Segment, Segment][], k: number): [Segment, Segment][] {
  const spread = pairs.map(([a, b]) => {
    const p = model.preferenceProbabilities(a.x, b.x);
    const m = p.reduce((s, v) => s + v, 0) / p.length;
    return Math.sqrt(p.reduce((s, v) => s + (v - m) ** 2, 0) / p.length);
  });
  return pairs.map((p, i) => [p, spread[i]] as const).sort((x, y) => y[1] - x[1]).slice(0, k).map(([p]) => p);
}

/** Share of pairs with a strict true preference that the ensemble orders the same way. */
export function agreement(model: RewardModel, pairs: readonly [Segment, Segment][]): number {
  let right = 0;
  let strict = 0;
  for (const [a, b] of pairs) {
    const diff = sum(a.rewards) - sum(b.rewards);
    if (diff === 0) continue;
    strict++;
    const p = model.preferenceProbabilities(a.x, b.x);
    if ((p.reduce((s, v) => s + v, 0) / p.length > 0.5) === diff > 0) right++;
  }
  return strict ? right / strict : NaN;
}

/** The saved form of a reward model: weights, layout and the absorbing state's reward. */
export function artifactOf(model: RewardModel, env: string, layout: { obsSize: number; actionCount: number }, about: Record<string, unknown>): LearnedRewardArtifact {
  const absorbing = new Float32Array(featureSize(layout));
  writeAbsorbing(layout, absorbing, 0);
  const r = new Float64Array(1);
  model.rewards(absorbing, 1, r);
  return {
    format: LEARNED_REWARD_FORMAT,
    env,
    inputs: "obs-action-next",
    obsSize: layout.obsSize,
    actionCount: layout.actionCount,
    sizes: model.sizes,
    activation: model.config.activation,
    members: model.exportWeights().map((m) => m.w.map((w, j) => ({ w: Array.from(w), b: Array.from(m.b[j]) }))),
    absorbing: r[0],
    about,
  };
}
