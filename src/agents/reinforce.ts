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
 * discounted) return of the reward program's total.
 */
import { z } from "zod";
import { UserError } from "../core/errors.js";
import { Rng } from "../core/rng.js";
import { adamInit, adamUpdate, clipByGlobalNorm, type AdamState } from "../nn/adam.js";
import { categoricalLogProb } from "../nn/distributions.js";
import { jit, np, tree, valueAndGrad, type JaxArray } from "../nn/jax.js";
import { mlpForward, type MlpParams } from "../nn/mlp.js";
import type { RewardedVector } from "../rewards/rewarded.js";
import { actorCriticShape, initActorCritic, Policy, type ActorCriticParams, type ActorCriticShape } from "./actor-critic.js";
import { EpisodeLog, type EpisodeRecord } from "./episodes.js";

// ── 1. CONFIG ────────────────────────────────────────────────────────────────
export const ReinforceConfig = z
  .object({
    groupSize: z.number().int().min(2).default(4).describe("k: episodes per start state (the leave-one-out group)"),
    learningRate: z.number().positive().default(1e-3),
    gamma: z.number().min(0).max(1).default(1).describe("discount of the episode return"),
    maxGradNorm: z.number().positive().default(0.5),
    hidden: z.array(z.number().int().positive()).default([64, 64]),
    activation: z.enum(["tanh", "relu"]).default("tanh"),
  })
  .strict();
export type ReinforceConfig = z.output<typeof ReinforceConfig>;

export class Reinforce {
  readonly config: ReinforceConfig;
  readonly shape: ActorCriticShape;
  readonly policy: Policy;
  readonly episodes: EpisodeLog;
  readonly rng: Rng;
  params: ActorCriticParams;
  private opt: AdamState<MlpParams>;
  private readonly update: (actor: MlpParams, opt: AdamState<MlpParams>, obs: JaxArray, actions: JaxArray, weights: JaxArray, lr: JaxArray) => [MlpParams, AdamState<MlpParams>, JaxArray];
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
    this.params = initActorCritic(this.shape, this.rng.split());
    this.opt = adamInit(tree.ref(this.params.actor));
    this.policy = new Policy(this.shape, vec.n);
    this.policy.sync(this.params);
    this.episodes = new EpisodeLog(env);
    this.n = vec.n;
    this.maxLen = vec.maxSteps;
    const { activation } = this.shape;
    // ── LOSS: −(1/N)·Σ_rows w_row·log π(a|s), w = A_episode/(G·k) on the episode's rows, 0 on padding.
    const loss = (actor: MlpParams, obs: JaxArray, actions: JaxArray, weights: JaxArray) => categoricalLogProb(mlpForward(actor, obs, activation), actions).mul(weights).sum().neg();
    this.update = jit(((actor: MlpParams, opt: AdamState<MlpParams>, obs: JaxArray, actions: JaxArray, weights: JaxArray, lr: JaxArray) => {
      const [value, grads] = valueAndGrad(loss)(tree.ref(actor), obs, actions, weights) as unknown as [JaxArray, MlpParams];
      const [clipped, norm] = clipByGlobalNorm(grads, this.config.maxGradNorm);
      norm.dispose();
      const [a2, o2] = adamUpdate(actor, clipped, opt, lr);
      return [a2, o2, value];
    }) as never) as never;
  }

  /** One iteration: one episode per environment, then one gradient step. */
  step(): Record<string, number> {
    this.iteration++;
    const { env, n, maxLen, shape } = this;
    const vec = env.vec;
    const k = this.config.groupSize;
    const { obsPad, actionDim } = shape;
    const rows = maxLen * n;
    const obs = new Float32Array(rows * obsPad);
    const actions = new Float32Array(rows * actionDim);
    const owner = new Int32Array(rows).fill(-1);
    const returns = new Float64Array(n);
    const done = new Uint8Array(n);
    const discount = new Float64Array(n).fill(1);
    const groupSeeds = Array.from({ length: n / k }, () => this.rng.int(2 ** 31));
    env.reset(Array.from({ length: n }, (_, i) => groupSeeds[Math.floor(i / k)]));
    const act = new Int32Array(n);
    const logp = new Float32Array(n);
    for (let t = 0; t < maxLen && done.some((d) => d === 0); t++) {
      const row = t * n;
      this.policy.pad(vec.obs, obs.subarray(row * obsPad, (row + n) * obsPad));
      this.policy.act(vec.obs, this.rng, act, logp, undefined);
      for (let i = 0; i < n; i++) {
        if (done[i]) continue;
        actions[(row + i) * actionDim + act[i]] = 1;
        owner[row + i] = i;
      }
      env.step(act);
      for (let i = 0; i < n; i++) {
        if (done[i]) continue;
        this.globalStep++;
        returns[i] += discount[i] * env.rewards[i];
        discount[i] *= this.config.gamma;
        if (vec.terminated[i] || vec.truncated[i]) done[i] = 1;
      }
      this.episodes.record(this.globalStep);
    }
    // ── ADVANTAGE: leave-one-out within each group.
    const advantage = new Float64Array(n);
    for (let g = 0; g < n / k; g++) {
      let sum = 0;
      for (let j = 0; j < k; j++) sum += returns[g * k + j];
      for (let j = 0; j < k; j++) advantage[g * k + j] = returns[g * k + j] - (sum - returns[g * k + j]) / (k - 1);
    }
    const weights = new Float32Array(rows);
    for (let r = 0; r < rows; r++) if (owner[r] >= 0) weights[r] = advantage[owner[r]] / n;
    // ── UPDATE
    const [a2, o2, value] = this.update(
      this.params.actor,
      this.opt,
      np.array(obs).reshape([rows, obsPad]),
      np.array(actions).reshape([rows, actionDim]),
      np.array(weights),
      np.array(Float32Array.of(this.config.learningRate)),
    );
    this.params = { ...this.params, actor: a2 };
    this.opt = o2;
    const lossValue = (value.dataSync() as Float32Array)[0];
    this.policy.sync(this.params);
    return { "losses/policy_loss": lossValue, "charts/mean_return": returns.reduce((a, b) => a + b, 0) / n, global_step: this.globalStep };
  }

  /** Actions sampled from π for `obs` (rows × obsSize), as `Learner.act`. */
  act(obs: Float32Array, rng: Rng = this.rng): Int32Array {
    const rows = obs.length / this.shape.obsSize;
    const policy = rows === this.n ? this.policy : new Policy(this.shape, rows);
    if (policy !== this.policy) policy.sync(this.params);
    const out = new Int32Array(rows);
    policy.act(obs, rng, out, new Float32Array(rows), undefined);
    return out;
  }

  train(totalSteps: number, onIteration?: (metrics: Record<string, number>, episodes: EpisodeRecord[]) => boolean | void): void {
    while (this.globalStep < totalSteps) {
      const metrics = this.step();
      if (onIteration?.(metrics, this.episodes.drain()) === false) break;
    }
  }
}
