/**
 * Proximal Policy Optimization (Schulman et al. 2017), following CleanRL's
 * ppo.py: clipped surrogate objective, GAE, per-minibatch advantage
 * normalization, entropy bonus, clipped value loss, several epochs of
 * minibatch updates with Adam, linear learning-rate annealing. Discrete
 * actions (categorical) and continuous ones (diagonal Gaussian).
 *
 * It learns from any reward program: the environment comes wrapped in a
 * `RewardedVector`, and the learner reads `rewards` (the shaped total) while
 * logging the primary return and every term's return.
 */
import { z } from "zod";
import { Rng } from "../core/rng.js";
import { actionBuffer } from "../core/spaces.js";
import { flatAdamInit, type FlatAdamState } from "../nn/adam.js";
import { jit, np, tree, type JaxArray } from "../nn/jax.js";
import { mlpForward, type MlpParams } from "../nn/mlp.js";
import type { RewardedVector } from "../rewards/rewarded.js";
import { actorCriticShape, initActorCritic, paramsFromJson, paramsToJson, Policy, type ActorCriticParams, type ActorCriticShape } from "./actor-critic.js";
import { defineLearner, type ActOptions, type Learner } from "./learner.js";
import { rowShape } from "./memory.js";
import { flatAdamFromJson, flatAdamToJson } from "../nn/optimizer-state.js";
import { gae } from "./gae.js";
import { hostMinibatches, ppoUpdate, stackedUpdates, part, uploadMinibatches, UpdateStats, type HostMinibatches, type Minibatch } from "./ppo-update.js";


// ── 1. CONFIG ────────────────────────────────────────────────────────────────
export const PpoConfig = z
  .object({
    learningRate: z.number().positive().default(2.5e-4).describe("Adam learning rate"),
    annealLr: z.boolean().default(true).describe("anneal the learning rate linearly to 0"),
    numSteps: z.number().int().positive().default(128).describe("steps per environment per rollout"),
    gamma: z.number().min(0).max(1).default(0.99).describe("discount γ"),
    gaeLambda: z.number().min(0).max(1).default(0.95).describe("λ for GAE"),
    numMinibatches: z.number().int().positive().default(4).describe("minibatches per epoch"),
    updateEpochs: z.number().int().positive().default(4).describe("epochs over each rollout"),
    normAdv: z.boolean().default(true).describe("normalize advantages per minibatch"),
    clipCoef: z.number().positive().default(0.2).describe("surrogate clip ε"),
    clipVloss: z.boolean().default(true).describe("clip the value loss as the surrogate"),
    entCoef: z.number().min(0).default(0.01).describe("entropy bonus coefficient"),
    vfCoef: z.number().min(0).default(0.5).describe("value loss coefficient"),
    maxGradNorm: z.number().positive().default(0.5).describe("global gradient norm clip"),
    targetKl: z.number().positive().optional().describe("stop an update's epochs early above this KL"),
    hidden: z.array(z.number().int().positive()).default([64, 64]).describe("hidden layer sizes"),
    activation: z.enum(["tanh", "relu"]).default("tanh"),
  })
  .strict();
export type PpoConfig = z.output<typeof PpoConfig>;

/** Metrics of one iteration, with CleanRL's names. */
export type PpoMetrics = Record<string, number>;


/**
 * Minibatch updates per jitted call. Any number gives the same numbers; one
 * is fastest on jax-js 0.1.25: it pays per kernel and rehashes a call's whole
 * program on every call, so stacking 4 or 16 updates in one call saved no
 * time per iteration (measured: docs/benchmarks.md, Training) and compiling
 * 16 unrolled updates took about 1.5 s longer.
 */
const UPDATES_PER_CALL = 1;

export class Ppo implements Learner {
  readonly algo = "ppo";
  readonly config: PpoConfig;
  readonly shape: ActorCriticShape;
  readonly policy: Policy;
  params: ActorCriticParams;
  private opt: FlatAdamState;
  /** Several minibatch updates in one jitted call: minibatches stacked on a leading axis, one row of statistics each. */
  private readonly trainSteps: (p: ActorCriticParams, o: FlatAdamState, b: Minibatch, lr: JaxArray) => [ActorCriticParams, FlatAdamState, JaxArray];
  private readonly criticBatch: (critic: MlpParams, x: JaxArray) => JaxArray;
  readonly rng: Rng;
  globalStep = 0;
  iteration = 0;
  /** Iterations the current budget buys (the learning rate anneals over them). */
  private numIterations = 1;
  /** Step of the rollout being collected. */
  private t = 0;

  // ── 3. ROLLOUT storage (time-major: row t·n + i) ──────────────────────────
  private readonly T: number;
  private readonly n: number;
  private readonly obs: Float32Array;
  private readonly taken: Int32Array | Float32Array;
  private readonly logProbs: Float32Array;
  private readonly rewards: Float32Array;
  private readonly dones: Uint8Array;
  private readonly values: Float32Array;
  private readonly advantages: Float32Array;
  private readonly returns: Float32Array;
  private readonly stepActions: Int32Array | Float32Array;
  private readonly stepLogProb: Float32Array;
  private readonly finalValues: Float32Array;

  constructor(
    readonly env: RewardedVector,
    config: Partial<PpoConfig> = {},
    seed = 0,
  ) {
    this.config = PpoConfig.parse(config);
    this.rng = new Rng(seed);
    const initRng = this.rng.split();
    const vec = env.vec;
    this.shape = actorCriticShape(vec.observationSpace, vec.actionSpace, this.config.hidden, this.config.activation);
    this.n = vec.n;
    this.T = this.config.numSteps;
    this.params = initActorCritic(this.shape, initRng);
    this.opt = flatAdamInit(tree.ref(this.params));
    this.policy = new Policy(this.shape, this.n);
    this.policy.sync(this.params);
    this.trainSteps = jit(stackedUpdates(ppoUpdate(this.config, this.shape)) as never) as never;
    const activation = this.config.activation;
    this.criticBatch = jit(((critic: MlpParams, x: JaxArray) => mlpForward(critic, x, activation).reshape([-1])) as never) as never;

    const rows = this.T * this.n;
    const actionSize = this.shape.discrete ? 1 : this.shape.actionDim;
    this.obs = new Float32Array(rows * this.shape.obsPad);
    this.taken = this.shape.discrete ? new Int32Array(rows) : new Float32Array(rows * actionSize);
    this.logProbs = new Float32Array(rows);
    this.rewards = new Float32Array(rows);
    this.dones = new Uint8Array(rows);
    this.values = new Float32Array(rows);
    this.advantages = new Float32Array(rows);
    this.returns = new Float32Array(rows);
    this.stepActions = actionBuffer(vec.actionSpace, this.n);
    this.stepLogProb = new Float32Array(this.n);
    this.finalValues = new Float32Array(this.n);
  }

  /** Samples per rollout: numSteps × numEnvs. */
  get batchSize(): number {
    return this.T * this.n;
  }

  /** The steps a budget buys: whole rollouts, at least one. */
  plan(totalSteps: number): number {
    this.numIterations = Math.max(1, Math.floor(totalSteps / this.batchSize));
    return this.numIterations * this.batchSize;
  }

  start(): void {
    if (this.iteration === 0 && this.t === 0) this.env.reset(this.rng.int(2 ** 31));
  }

  // Values are computed for the whole rollout at once in `update` (one jax-js call instead of T).
  actions(): Int32Array | Float32Array {
    const { env, policy, n, shape } = this;
    if (this.t === 0) this.iteration++;
    const row = this.t * n;
    const actionSize = shape.discrete ? 1 : shape.actionDim;
    policy.pad(env.vec.obs, this.obs.subarray(row * shape.obsPad, (row + n) * shape.obsPad));
    policy.act(env.vec.obs, this.rng, this.stepActions, this.stepLogProb, undefined);
    this.taken.set(this.stepActions, row * actionSize);
    this.logProbs.set(this.stepLogProb, row);
    return this.clipActions(this.stepActions);
  }

  observe(): boolean {
    const { env, policy, n } = this;
    const vec = env.vec;
    const row = this.t * n;
    this.globalStep += n;
    let truncatedAny = false;
    for (let i = 0; i < n; i++) {
      this.rewards[row + i] = env.rewards[i];
      const done = vec.terminated[i] || vec.truncated[i];
      this.dones[row + i] = done ? 1 : 0;
      if (vec.truncated[i] && !vec.terminated[i]) truncatedAny = true;
    }
    // A truncated episode still had a future: bootstrap it with γ·V(final observation).
    if (truncatedAny) {
      policy.values(vec.finalObs, this.finalValues);
      for (let i = 0; i < n; i++) if (vec.truncated[i] && !vec.terminated[i]) this.rewards[row + i] += this.config.gamma * this.finalValues[i];
    }
    return ++this.t === this.T;
  }

  /** Advantages over the collected rollout, then `updateEpochs` epochs of minibatch updates. */
  update(): PpoMetrics {
    this.endRollout(this.criticValues());
    return this.learn(this.numIterations);
  }

  private clipped: Float32Array | undefined;
  /** Continuous actions are sampled unbounded and clipped to the action space for the environment. */
  private clipActions(actions: Int32Array | Float32Array): Int32Array | Float32Array {
    const space = this.env.vec.actionSpace;
    if (space.kind !== "box") return actions;
    this.clipped ??= new Float32Array(actions.length);
    const d = space.size;
    for (let k = 0; k < actions.length; k++) this.clipped[k] = Math.min(Math.max(actions[k], space.low[k % d]), space.high[k % d]);
    return this.clipped;
  }

  // ── 4. ADVANTAGE ──────────────────────────────────────────────────────────
  /** V(s_t) for every row of the rollout, in one batch. */
  private criticValues(): Float32Array {
    const x = np.array(this.obs).reshape([this.batchSize, this.shape.obsPad]);
    return this.criticBatch(tree.ref(this.params.critic), x).dataSync() as Float32Array;
  }

  /** The rollout's padded observations (batchSize × obsPad, time-major), for a caller that evaluates the critic itself. */
  get rolloutObs(): Float32Array {
    return this.obs;
  }

  /** Ends the rollout: takes V(s_t) of its rows (see `rolloutObs`), then computes GAE advantages and returns. */
  endRollout(values: Float32Array): void {
    this.t = 0;
    this.values.set(values);
    const lastValues = new Float32Array(this.n);
    this.policy.values(this.env.vec.obs, lastValues);
    gae(this.rewards, this.values, this.dones, lastValues, this.n, this.T, this.config.gamma, this.config.gaeLambda, this.advantages, this.returns);
  }

  /** This iteration's learning rate (annealed linearly over `numIterations`). */
  learningRate(numIterations = this.numIterations): number {
    const c = this.config;
    return (c.annealLr ? 1 - (this.iteration - 1) / numIterations : 1) * c.learningRate;
  }

  /**
   * Runs `updateEpochs` epochs of minibatch updates on the collected rollout,
   * `UPDATES_PER_CALL` minibatches per jitted call; each epoch's minibatches
   * are cut after its shuffle.
   */
  learn(numIterations: number): PpoMetrics {
    const c = this.config;
    const lr = this.learningRate(numIterations);
    const indices = Int32Array.from({ length: this.batchSize }, (_, k) => k);
    const stats = new UpdateStats();
    // One learning-rate array for the iteration, passed by reference to every call.
    const lrArray = np.array(Float32Array.of(lr));
    for (let epoch = 0; epoch < c.updateEpochs; epoch++) {
      const all = this.minibatches(indices, 1);
      for (let first = 0; first < all.count; first += UPDATES_PER_CALL) {
        const [p2, o2, rows] = this.trainSteps(this.params, this.opt, uploadMinibatches([part(all, first, UPDATES_PER_CALL)], []), lrArray.ref);
        this.params = p2;
        this.opt = o2;
        // Reading flushes jax-js's lazy queue and frees the outputs.
        stats.add(rows.dataSync() as Float32Array);
      }
      if (c.targetKl !== undefined && stats.mean("approxKl") > c.targetKl) break;
    }
    lrArray.dispose();
    this.policy.sync(this.params);
    return this.metrics(lr, stats);
  }

  /** An iteration's metrics from its updates' statistics. */
  metrics(lr: number, stats: UpdateStats): PpoMetrics {
    return {
      "charts/learning_rate": lr,
      "losses/value_loss": stats.mean("vLoss"),
      "losses/policy_loss": stats.mean("pgLoss"),
      "losses/entropy": stats.mean("entropy"),
      "losses/approx_kl": stats.mean("approxKl"),
      "losses/clipfrac": stats.mean("clipFrac"),
      "losses/grad_norm": stats.mean("gradNorm"),
      "losses/explained_variance": explainedVariance(this.values, this.returns),
    };
  }

  /**
   * The minibatches of `epochs` epochs, stacked: each epoch shuffles
   * `indices` with this learner's stream, then cuts consecutive minibatches
   * (a smaller remainder is dropped); advantages are normalized per minibatch.
   */
  minibatches(indices: Int32Array, epochs: number): HostMinibatches {
    const c = this.config;
    const B = this.batchSize;
    const size = Math.floor(B / c.numMinibatches);
    const count = epochs * Math.floor(B / size);
    const { obsPad, discrete, actionDim } = this.shape;
    const actionSize = discrete ? 1 : actionDim;
    const out = hostMinibatches(count, size, obsPad, discrete ? actionDim : actionSize);
    const { obs, actions, logp, adv, ret, val } = out;
    let r = 0;
    for (let epoch = 0; epoch < epochs; epoch++) {
      this.rng.shuffle(indices);
      for (let start = 0; start + size <= B; start += size) {
        const first = r;
        let mean = 0;
        for (let j = 0; j < size; j++, r++) {
          const k = indices[start + j];
          obs.set(this.obs.subarray(k * obsPad, (k + 1) * obsPad), r * obsPad);
          if (discrete) actions[r * actionDim + this.taken[k]] = 1;
          else actions.set(this.taken.subarray(k * actionSize, (k + 1) * actionSize), r * actionSize);
          logp[r] = this.logProbs[k];
          adv[r] = this.advantages[k];
          ret[r] = this.returns[k];
          val[r] = this.values[k];
          mean += adv[r];
        }
        if (c.normAdv) {
          const mb = adv.subarray(first, r);
          mean /= size;
          let variance = 0;
          for (let j = 0; j < size; j++) variance += (mb[j] - mean) ** 2;
          const std = Math.sqrt(variance / (size - 1));
          for (let j = 0; j < size; j++) mb[j] = (mb[j] - mean) / (std + 1e-8);
        }
      }
    }
    return out;
  }

  /** The Adam state (lockstep training stacks the seeds' states). */
  get optimizer(): FlatAdamState {
    return this.opt;
  }

  /** Takes parameters and Adam state trained elsewhere (lockstep training hands each seed back its own); frees the old ones. */
  adopt(params: ActorCriticParams, opt: FlatAdamState): void {
    tree.dispose(this.params as never);
    tree.dispose(this.opt as never);
    this.params = params;
    this.opt = opt;
    this.policy.sync(this.params);
  }

  /** The learner's policy for evaluation: actions sampled from π (see `Learner.act`). */
  act(obs: Float32Array, rng?: Rng, options: ActOptions = {}): Int32Array | Float32Array {
    return this.policyActions(obs, options.greedy ?? false, rng);
  }

  /**
   * The policy's actions for a batch of observations (rows × obsSize, any
   * number of rows): the most likely action, or a sample with `deterministic = false`.
   */
  policyActions(obs: Float32Array, deterministic = true, rng: Rng = this.rng): Int32Array | Float32Array {
    const rows = obs.length / this.shape.obsSize;
    const policy = rows === this.n ? this.policy : new Policy(this.shape, rows);
    if (policy !== this.policy) policy.sync(this.params);
    const out = actionBuffer(this.env.vec.actionSpace, rows);
    policy.act(obs, rng, out, new Float32Array(rows), undefined, deterministic);
    return this.env.vec.actionSpace.kind === "box" ? Float32Array.from(this.clipActions(out)) : out;
  }

  /**
   * Takes over another agent's parameters, random stream and counters, on
   * this agent's environments (a curriculum's next level, a preference
   * round's new reward); the optimizer starts afresh.
   */
  continueFrom(previous: Ppo): void {
    const { opt: _opt, ...rest } = previous.state();
    tree.dispose(this.params as never);
    this.params = paramsFromJson(rest.params, this.shape);
    this.rng.setState(rest.rng);
    this.globalStep = rest.globalStep;
    this.iteration = rest.iteration;
    this.t = 0;
    this.policy.sync(this.params);
  }

  /** Parameters, optimizer moments, random stream and counters: everything to continue exactly from a rollout boundary. */
  state(): PpoState {
    return { params: paramsToJson(this.params), opt: flatAdamToJson(this.opt), rng: this.rng.getState(), globalStep: this.globalStep, iteration: this.iteration };
  }

  load(state: unknown): void {
    const s = state as PpoState;
    tree.dispose(this.params as never);
    tree.dispose(this.opt as never);
    this.params = paramsFromJson(s.params, this.shape);
    this.opt = flatAdamFromJson(s.opt);
    this.rng.setState(s.rng);
    this.globalStep = s.globalStep;
    this.iteration = s.iteration;
    this.t = 0;
    this.policy.sync(this.params);
  }
}

export interface PpoState {
  params: ReturnType<typeof paramsToJson>;
  opt: ReturnType<typeof flatAdamToJson>;
  rng: number[];
  globalStep: number;
  iteration: number;
}

/** 1 − Var(R − V)/Var(R): how much of the return the critic explains. */
function explainedVariance(values: Float32Array, returns: Float32Array): number {
  const n = values.length;
  let mr = 0;
  let md = 0;
  for (let k = 0; k < n; k++) {
    mr += returns[k];
    md += returns[k] - values[k];
  }
  mr /= n;
  md /= n;
  let vr = 0;
  let vd = 0;
  for (let k = 0; k < n; k++) {
    vr += (returns[k] - mr) ** 2;
    vd += (returns[k] - values[k] - md) ** 2;
  }
  return vr === 0 ? NaN : 1 - vd / vr;
}

export const ppoLearner = defineLearner({
  algo: "ppo",
  schema: PpoConfig.extend({ algo: z.literal("ppo") }).strict(),
  description: "PPO (clipped surrogate, GAE), CleanRL's ppo.py; discrete and continuous actions",
  create: (env, { algo: _algo, ...config }, seed) => new Ppo(env, config, seed),
  rollout({ numSteps, numMinibatches }, shape) {
    const { values, actionCols } = rowShape(shape);
    const rows = shape.n * numSteps;
    // Per row: observation and action, six scalars (log π, reward, done, value, advantage, return) and a shuffled
    // index; an epoch's minibatches copied in JavaScript add the observations and actions once more, and the
    // minibatch in jax-js 1/numMinibatches of them.
    const perRow = (values + actionCols) * 4 * (2 + 1 / numMinibatches) + 6 * 4 + 4;
    return { bytes: rows * perRow, rows, fields: [["numEnvs", shape.n], ["learner.numSteps", numSteps]], values };
  },
});
