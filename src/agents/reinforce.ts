/**
 * REINFORCE (Williams 1992) with the leave-one-out baseline of RLOO (Kool,
 * van Hoof & Welling 2019; Ahmadian et al. 2024). Each iteration runs k
 * episodes from each of G start states (the k environments of a group share
 * a seed, so they start alike), one episode per environment. For episode i
 * of a group with return R_i:
 *
 *   A_i = R_i − (1/(k−1))·Σ_{j≠i} R_j
 *   ∇J ≈ (1/(G·k))·Σ_i A_i·Σ_t ∇ log π(a_t | s_t)
 *
 * The baseline needs no critic and adds no bias. R_i is the (optionally
 * discounted) return of the reward program's total. With `baseline: grpo`
 * the advantage is GRPO's instead (Shao et al. 2024), the return
 * standardized within its group, A_i = (R_i − mean_g R)/(std_g R + ε), std
 * unbiased; one on-policy step per rollout, so GRPO's ratio is 1 and its
 * clipping never binds (no KL term).
 */
import { z } from "zod";
import { UserError } from "../core/errors.js";
import { Rng } from "../core/rng.js";
import { AdamTrainer, type AdamTrainerState, type Loss } from "../nn/train-step.js";
import { categoricalLogProb } from "../nn/distributions.js";
import { np, type JaxArray } from "../nn/jax.js";
import { mlpForward, type MlpParams } from "../nn/mlp.js";
import type { RewardedVector } from "../rewards/rewarded.js";
import { actorCriticShape, initActorCritic, Policy, type ActorCriticParams, type ActorCriticShape } from "./actor-critic.js";
import { defineLearner, type ActOptions, type Learner } from "./learner.js";
import { rowShape } from "./memory.js";

// ── 1. CONFIG ────────────────────────────────────────────────────────────────
export const ReinforceConfig = z
  .object({
    groupSize: z.number().int().min(2).default(4).describe("k: episodes per start state (the leave-one-out group)"),
    baseline: z.enum(["rloo", "grpo"]).default("rloo").describe("rloo: the others' mean; grpo: the group's mean, divided by its std"),
    learningRate: z.number().positive().default(1e-3),
    gamma: z.number().min(0).max(1).default(1).describe("discount of the episode return"),
    maxGradNorm: z.number().positive().default(0.5),
    hidden: z.array(z.number().int().positive()).default([64, 64]),
    activation: z.enum(["tanh", "relu"]).default("tanh"),
  })
  .strict();
export type ReinforceConfig = z.output<typeof ReinforceConfig>;

export class Reinforce implements Learner {
  readonly algo = "reinforce";
  readonly config: ReinforceConfig;
  readonly shape: ActorCriticShape;
  readonly policy: Policy;
  readonly rng: Rng;
  /** The actor and its optimizer (REINFORCE trains no critic). */
  private readonly actor: AdamTrainer<MlpParams>;
  private readonly initial: ActorCriticParams;
  private readonly n: number;
  private readonly maxLen: number;
  globalStep = 0;
  iteration = 0;

  constructor(
    readonly env: RewardedVector,
    config: Partial<ReinforceConfig> = {},
    seed = 0,
  ) {
    this.config = ReinforceConfig.parse(config);
    const vec = env.vec;
    if (vec.actionSpace.kind !== "discrete") throw new UserError("learner", `REINFORCE here takes discrete actions; ${vec.id} has ${vec.actionSpace}`);
    if (vec.n % this.config.groupSize !== 0) throw new UserError("groupSize", `expected a divisor of the number of environments (${vec.n}), got ${this.config.groupSize}`);
    this.rng = new Rng(seed);
    this.shape = actorCriticShape(vec.observationSpace, vec.actionSpace, this.config.hidden, this.config.activation);
    this.initial = initActorCritic(this.shape, this.rng.split());
    const { activation } = this.shape;
    // ── LOSS: −(1/N)·Σ_rows w_row·log π(a|s), w = A_episode/(G·k) on the episode's rows, 0 on padding.
    const loss = (actor: MlpParams, obs: JaxArray, actions: JaxArray, weights: JaxArray) => categoricalLogProb(mlpForward(actor, obs, activation), actions).mul(weights).sum().neg();
    this.actor = new AdamTrainer(this.initial.actor, loss as Loss<MlpParams>, { learningRate: this.config.learningRate, maxGradNorm: this.config.maxGradNorm });
    this.policy = new Policy(this.shape, vec.n);
    this.policy.sync(this.params);
    this.n = vec.n;
    this.maxLen = vec.maxSteps;
  }

  /** The policy's parameters (the critic stays at its initial values: the baseline needs none). */
  get params(): ActorCriticParams {
    return { ...this.initial, actor: this.actor.params };
  }

  // ── ROLLOUT: one episode per environment; environments whose episode ended keep stepping but count no more.
  private t = 0;
  private rollout:
    | { obs: Float32Array; actions: Float32Array; owner: Int32Array; returns: Float64Array; done: Uint8Array; discount: Float64Array; act: Int32Array; logp: Float32Array }
    | undefined;

  plan(totalSteps: number): number {
    return totalSteps;
  }

  /** Nothing to do: every rollout starts with its own reset. */
  start(): void {}

  actions(): Int32Array {
    const { env, n, maxLen, shape } = this;
    const { obsPad, actionDim } = shape;
    if (this.t === 0) {
      this.iteration++;
      const rows = maxLen * n;
      this.rollout = {
        obs: new Float32Array(rows * obsPad),
        actions: new Float32Array(rows * actionDim),
        owner: new Int32Array(rows).fill(-1),
        returns: new Float64Array(n),
        done: new Uint8Array(n),
        discount: new Float64Array(n).fill(1),
        act: new Int32Array(n),
        logp: new Float32Array(n),
      };
      // The k environments of a group share a seed, so they start alike.
      const k = this.config.groupSize;
      const groupSeeds = Array.from({ length: n / k }, () => this.rng.int(2 ** 31));
      env.reset(Array.from({ length: n }, (_, i) => groupSeeds[Math.floor(i / k)]));
    }
    const r = this.rollout!;
    const row = this.t * n;
    this.policy.pad(env.vec.obs, r.obs.subarray(row * obsPad, (row + n) * obsPad));
    this.policy.act(env.vec.obs, this.rng, r.act, r.logp, undefined);
    for (let i = 0; i < n; i++) {
      if (r.done[i]) continue;
      r.actions[(row + i) * actionDim + r.act[i]] = 1;
      r.owner[row + i] = i;
    }
    return r.act;
  }

  observe(): boolean {
    const { env, n } = this;
    const vec = env.vec;
    const r = this.rollout!;
    for (let i = 0; i < n; i++) {
      if (r.done[i]) continue;
      this.globalStep++;
      r.returns[i] += r.discount[i] * env.rewards[i];
      r.discount[i] *= this.config.gamma;
      if (vec.terminated[i] || vec.truncated[i]) r.done[i] = 1;
    }
    this.t++;
    return this.t >= this.maxLen || r.done.every((d) => d === 1);
  }

  /** One gradient step on the episodes of the rollout. */
  update(): Record<string, number> {
    const { n, maxLen, shape } = this;
    const { obsPad, actionDim } = shape;
    const { obs, actions, owner, returns } = this.rollout!;
    const k = this.config.groupSize;
    const rows = maxLen * n;
    this.t = 0;
    this.rollout = undefined;
    // ── ADVANTAGE: leave-one-out within each group (RLOO), or standardized within it (GRPO).
    const advantage = new Float64Array(n);
    for (let g = 0; g < n / k; g++) {
      let sum = 0;
      for (let j = 0; j < k; j++) sum += returns[g * k + j];
      if (this.config.baseline === "grpo") {
        const mean = sum / k;
        let ss = 0;
        for (let j = 0; j < k; j++) ss += (returns[g * k + j] - mean) ** 2;
        const std = Math.sqrt(ss / (k - 1));
        for (let j = 0; j < k; j++) advantage[g * k + j] = (returns[g * k + j] - mean) / (std + 1e-6);
      } else for (let j = 0; j < k; j++) advantage[g * k + j] = returns[g * k + j] - (sum - returns[g * k + j]) / (k - 1);
    }
    const weights = new Float32Array(rows);
    for (let r = 0; r < rows; r++) if (owner[r] >= 0) weights[r] = advantage[owner[r]] / n;
    // ── UPDATE
    const { loss, gradNorm } = this.actor.step([np.array(obs).reshape([rows, obsPad]), np.array(actions).reshape([rows, actionDim]), np.array(weights)]);
    this.policy.sync(this.params);
    return { "losses/policy_loss": loss, "losses/grad_norm": gradNorm, "charts/mean_return": returns.reduce((a, b) => a + b, 0) / n, global_step: this.globalStep };
  }

  /** Actions sampled from π for `obs` (rows × obsSize), or its most likely ones with `greedy`, as `Learner.act`. */
  act(obs: Float32Array, rng: Rng = this.rng, options: ActOptions = {}): Int32Array {
    const rows = obs.length / this.shape.obsSize;
    const policy = rows === this.n ? this.policy : new Policy(this.shape, rows);
    if (policy !== this.policy) policy.sync(this.params);
    const out = new Int32Array(rows);
    policy.act(obs, rng, out, new Float32Array(rows), undefined, options.greedy);
    return out;
  }

  /** The actor's logits for observations (rows × obsSize), rows × actions. */
  actorOutputs(obs: Float32Array): Float32Array {
    const policy = new Policy(this.shape, obs.length / this.shape.obsSize);
    policy.sync(this.params);
    return policy.outputs(obs);
  }

  /** The actor, its optimizer, the random stream and counters (at a rollout boundary). */
  state(): ReinforceState {
    return { actor: this.actor.state(), rng: this.rng.getState(), globalStep: this.globalStep, iteration: this.iteration };
  }

  load(state: unknown): void {
    const s = state as ReinforceState;
    this.actor.load(s.actor);
    this.rng.setState(s.rng);
    this.globalStep = s.globalStep;
    this.iteration = s.iteration;
    this.t = 0;
    this.rollout = undefined;
    this.policy.sync(this.params);
  }
}

export interface ReinforceState {
  actor: AdamTrainerState;
  rng: number[];
  globalStep: number;
  iteration: number;
}

export const reinforceLearner = defineLearner({
  algo: "reinforce",
  schema: ReinforceConfig.extend({ algo: z.literal("reinforce") }).strict(),
  description: "REINFORCE with the leave-one-out (RLOO) baseline; discrete actions",
  create: (env, { algo: _algo, ...config }, seed) => new Reinforce(env, config, seed),
  rollout(_config, shape) {
    if (!Number.isFinite(shape.maxSteps)) return undefined;
    const { values, actionCols } = rowShape(shape);
    const rows = shape.n * shape.maxSteps;
    // Per row, each iteration: observation, action, owner, weight, and the batch again in jax-js.
    const perRow = (values + actionCols) * 4 * 2 + 2 * 4;
    return { bytes: rows * perRow, rows, fields: [["numEnvs", shape.n], ["the episode limit", shape.maxSteps]], values };
  },
});
