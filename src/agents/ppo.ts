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
import { flatAdamInit, flatAdamUpdate, type FlatAdamState } from "../nn/adam.js";
import { categoricalEntropy, categoricalLogProb, gaussianEntropy, gaussianLogProb } from "../nn/distributions.js";
import { jit, np, tree, valueAndGrad, type JaxArray } from "../nn/jax.js";
import { mlpForward, type MlpParams } from "../nn/mlp.js";
import type { RewardedVector } from "../rewards/rewarded.js";
import { actorCriticShape, initActorCritic, paramsFromJson, paramsToJson, Policy, type ActorCriticParams, type ActorCriticShape } from "./actor-critic.js";
import { defineLearner, type ActOptions, type Learner } from "./learner.js";
import { rowShape } from "./memory.js";
import { flatAdamFromJson, flatAdamToJson } from "../nn/optimizer-state.js";
import { gae } from "./gae.js";

/** The statistics each update returns, in order. */
const STAT_KEYS = ["loss", "gradNorm", "pgLoss", "vLoss", "entropy", "approxKl", "clipFrac"] as const;

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

interface Minibatch {
  obs: JaxArray;
  actions: JaxArray;
  oldLogProb: JaxArray;
  advantages: JaxArray;
  returns: JaxArray;
  oldValues: JaxArray;
}

export class Ppo implements Learner {
  readonly algo = "ppo";
  readonly config: PpoConfig;
  readonly shape: ActorCriticShape;
  readonly policy: Policy;
  params: ActorCriticParams;
  private opt: FlatAdamState;
  private readonly trainStep: (p: ActorCriticParams, o: FlatAdamState, b: Minibatch, lr: JaxArray) => [ActorCriticParams, FlatAdamState, JaxArray];
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
    this.trainStep = jit(this.makeUpdate() as never) as never;
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
    this.t = 0;
    this.computeAdvantages();
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
  private computeAdvantages(): void {
    // V(s_t) for every row of the rollout, in one batch.
    const rows = this.T * this.n;
    const x = np.array(this.obs).reshape([rows, this.shape.obsPad]);
    this.values.set(this.criticBatch(tree.ref(this.params.critic), x).dataSync() as Float32Array);
    const lastValues = new Float32Array(this.n);
    this.policy.values(this.env.vec.obs, lastValues);
    gae(this.rewards, this.values, this.dones, lastValues, this.n, this.T, this.config.gamma, this.config.gaeLambda, this.advantages, this.returns);
  }

  // ── 5. LOSS ───────────────────────────────────────────────────────────────
  private makeUpdate() {
    const { clipCoef, clipVloss, entCoef, vfCoef, maxGradNorm } = this.config;
    const { activation, discrete } = this.shape;
    const loss = (p: ActorCriticParams, b: Minibatch): [JaxArray, Record<string, JaxArray>] => {
      const out = mlpForward(p.actor, b.obs.ref, activation);
      const newValue = mlpForward(p.critic, b.obs, activation).reshape([-1]);
      let newLogProb: JaxArray;
      let entropy: JaxArray;
      if (discrete) {
        newLogProb = categoricalLogProb(out.ref, b.actions);
        entropy = categoricalEntropy(out).mean();
      } else {
        newLogProb = gaussianLogProb(out, p.logStd!.ref, b.actions);
        entropy = gaussianEntropy(p.logStd!);
      }
      // r(θ) = π_θ(a|s) / π_old(a|s)
      const logRatio = newLogProb.sub(b.oldLogProb);
      const ratio = np.exp(logRatio.ref);
      // L^CLIP = E[max(−A·r, −A·clip(r, 1−ε, 1+ε))]
      const pgLoss1 = b.advantages.ref.neg().mul(ratio.ref);
      const pgLoss2 = b.advantages.neg().mul(np.clip(ratio.ref, 1 - clipCoef, 1 + clipCoef));
      const pgLoss = np.maximum(pgLoss1, pgLoss2).mean();
      // L^V = ½·E[max((V − R)², (V_old + clip(V − V_old, −ε, ε) − R)²)]
      const vUnclipped = newValue.ref.sub(b.returns.ref);
      const vLossUnclipped = vUnclipped.ref.mul(vUnclipped);
      let vLoss: JaxArray;
      if (clipVloss) {
        const vClipped = b.oldValues.ref.add(np.clip(newValue.sub(b.oldValues), -clipCoef, clipCoef)).sub(b.returns);
        vLoss = np.maximum(vLossUnclipped, vClipped.ref.mul(vClipped)).mean().mul(0.5);
      } else {
        newValue.dispose();
        b.oldValues.dispose();
        b.returns.dispose();
        vLoss = vLossUnclipped.mean().mul(0.5);
      }
      const total = pgLoss.ref.sub(entropy.ref.mul(entCoef)).add(vLoss.ref.mul(vfCoef));
      // Diagnostics: approx KL = E[(r − 1) − log r] (Schulman's k3 estimator), clip fraction.
      const approxKl = ratio.ref.sub(1).sub(logRatio).mean();
      const clipFrac = np.greater(np.abs(ratio.sub(1)), clipCoef).astype(np.float32).mean();
      return [total, { pgLoss, vLoss, entropy, approxKl, clipFrac }];
    };
    // ── 6. UPDATE ───────────────────────────────────────────────────────────
    return (p: ActorCriticParams, opt: FlatAdamState, b: Minibatch, lr: JaxArray) => {
      const [[value, aux], grads] = valueAndGrad(loss, { hasAux: true })(tree.ref(p), b) as unknown as [[JaxArray, Record<string, JaxArray>], ActorCriticParams];
      const [p2, opt2, gradNorm] = flatAdamUpdate(p, grads, opt, lr, maxGradNorm);
      // One array of statistics: one read per update instead of seven.
      const stats = np.stack(STAT_KEYS.map((k) => (k === "loss" ? value : k === "gradNorm" ? gradNorm : aux[k]).reshape([])));
      return [p2, opt2, stats];
    };
  }

  /** Runs `updateEpochs` epochs of minibatch updates on the collected rollout. */
  learn(numIterations: number): PpoMetrics {
    const c = this.config;
    const B = this.batchSize;
    const mbSize = Math.floor(B / c.numMinibatches);
    const { obsPad, discrete, actionDim } = this.shape;
    const actionSize = discrete ? 1 : actionDim;
    const frac = c.annealLr ? 1 - (this.iteration - 1) / numIterations : 1;
    const lr = frac * c.learningRate;
    const indices = Int32Array.from({ length: B }, (_, k) => k);
    const mb = {
      obs: new Float32Array(mbSize * obsPad),
      actions: new Float32Array(mbSize * (discrete ? actionDim : actionSize)),
      logp: new Float32Array(mbSize),
      adv: new Float32Array(mbSize),
      ret: new Float32Array(mbSize),
      val: new Float32Array(mbSize),
    };
    const sums: Record<string, number> = {};
    let count = 0;
    let stop = false;
    // One learning-rate array for the iteration, passed by reference to every update.
    const lrArray = np.array(Float32Array.of(lr));
    for (let epoch = 0; epoch < c.updateEpochs && !stop; epoch++) {
      this.rng.shuffle(indices);
      for (let start = 0; start + mbSize <= B; start += mbSize) {
        mb.actions.fill(0);
        let mean = 0;
        for (let j = 0; j < mbSize; j++) {
          const k = indices[start + j];
          mb.obs.set(this.obs.subarray(k * obsPad, (k + 1) * obsPad), j * obsPad);
          if (discrete) mb.actions[j * actionDim + this.taken[k]] = 1;
          else mb.actions.set(this.taken.subarray(k * actionSize, (k + 1) * actionSize), j * actionSize);
          mb.logp[j] = this.logProbs[k];
          mb.adv[j] = this.advantages[k];
          mb.ret[j] = this.returns[k];
          mb.val[j] = this.values[k];
          mean += mb.adv[j];
        }
        if (c.normAdv) {
          mean /= mbSize;
          let variance = 0;
          for (let j = 0; j < mbSize; j++) variance += (mb.adv[j] - mean) ** 2;
          const std = Math.sqrt(variance / (mbSize - 1));
          for (let j = 0; j < mbSize; j++) mb.adv[j] = (mb.adv[j] - mean) / (std + 1e-8);
        }
        const batch: Minibatch = {
          obs: np.array(mb.obs).reshape([mbSize, obsPad]),
          actions: np.array(mb.actions).reshape([mbSize, discrete ? actionDim : actionSize]),
          oldLogProb: np.array(mb.logp),
          advantages: np.array(mb.adv),
          returns: np.array(mb.ret),
          oldValues: np.array(mb.val),
        };
        const [p2, o2, stats] = this.trainStep(this.params, this.opt, batch, lrArray.ref);
        this.params = p2;
        this.opt = o2;
        // Reading every step flushes jax-js's lazy queue and frees the outputs.
        const values = stats.dataSync() as Float32Array;
        STAT_KEYS.forEach((key, j) => (sums[key] = (sums[key] ?? 0) + values[j]));
        count++;
      }
      if (c.targetKl !== undefined && sums.approxKl / count > c.targetKl) stop = true;
    }
    lrArray.dispose();
    this.policy.sync(this.params);
    const mean = (k: string) => sums[k] / count;
    return {
      "charts/learning_rate": lr,
      "losses/value_loss": mean("vLoss"),
      "losses/policy_loss": mean("pgLoss"),
      "losses/entropy": mean("entropy"),
      "losses/approx_kl": mean("approxKl"),
      "losses/clipfrac": mean("clipFrac"),
      "losses/grad_norm": mean("gradNorm"),
      "losses/explained_variance": explainedVariance(this.values, this.returns),
    };
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
    // index; the minibatch copies (in JavaScript, then in jax-js) add 2/numMinibatches of the observations and actions.
    const perRow = (values + actionCols) * 4 * (1 + 2 / numMinibatches) + 6 * 4 + 4;
    return { bytes: rows * perRow, rows, fields: [["numEnvs", shape.n], ["learner.numSteps", numSteps]], values };
  },
});
