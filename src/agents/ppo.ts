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
 *
 * The networks run on hand-written WebAssembly kernels (nn/wasm/): acting,
 * the critic pass and every minibatch update use the same code, with no
 * per-call dispatch; the loss's gradient is written out in ppo-loss.ts.
 */
import { z } from "zod";
import { Rng } from "../core/rng.js";
import { actionBuffer } from "../core/spaces.js";
import { ADAM_DEFAULTS } from "../nn/adam.js";
import { argmaxRows, sampleCategorical, sampleGaussian } from "../nn/distributions.js";
import { orthogonalMlp } from "../nn/init.js";
import { DenseNets } from "../nn/wasm/dense-nets.js";
import type { RewardedVector } from "../rewards/rewarded.js";
import { actorCriticShape, type ActorCriticShape } from "./actor-critic.js";
import { defineLearner, type ActOptions, type Learner } from "./learner.js";
import { rowShape } from "./memory.js";
import { gae, handBackAdvantages } from "./gae.js";
import { LOSS_STATS, ppoLoss, type PpoMinibatch, type PpoOutputs } from "./ppo-loss.js";
import { PpoConfig, type CriticInput, type PpoMetrics, type PpoState } from "./ppo-config.js";
import { iterationMetrics, normalizeAdvantages, UpdateStats } from "./ppo-stats.js";
import { loadPpoNetworks, ppoState, setPpoParams, type PpoNetworks } from "./ppo-state.js";

// ── 1. CONFIG: ppo-config.ts ─────────────────────────────────────────────────
export { PpoConfig, type CriticInput, type ParamsJson, type PpoMetrics, type PpoState } from "./ppo-config.js";

/** The networks' indices in `DenseNets`. */
const ACTOR = 0;
const CRITIC = 1;

export class Ppo implements Learner {
  readonly algo: string = "ppo";
  readonly config: PpoConfig;
  readonly shape: ActorCriticShape;
  /** Actor (0) and critic (1), a Gaussian policy's log σ as their extra parameters, and Adam's state. */
  readonly nets: DenseNets;
  /** The critic's networks and index in them: `nets` and 1, or with a `CriticInput` networks of its own and 0. */
  readonly criticNets: DenseNets;
  private readonly criticK: number;
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
  /** Policy outputs of one batch of rows, unpadded (n × actionDim). */
  private readonly head: Float32Array;

  constructor(
    readonly env: RewardedVector,
    config: Partial<PpoConfig> = {},
    seed = 0,
    readonly criticInput?: CriticInput,
  ) {
    this.config = PpoConfig.parse(config);
    this.rng = new Rng(seed);
    const initRng = this.rng.split();
    const vec = env.vec;
    const { hidden, activation } = this.config;
    this.shape = actorCriticShape(vec.observationSpace, vec.actionSpace, hidden, activation);
    const { obsPad, actionDim, discrete } = this.shape;
    this.n = vec.n;
    this.T = this.config.numSteps;
    const minibatch = Math.floor((this.T * this.n) / this.config.numMinibatches);
    const capacity = Math.max(minibatch, this.n, 1);
    const actor = { sizes: [obsPad, ...hidden, actionDim], activation };
    const extra = discrete ? 0 : actionDim;
    if (criticInput) {
      this.nets = new DenseNets([actor], capacity, ADAM_DEFAULTS, extra);
      this.criticNets = new DenseNets([{ sizes: [criticInput.width, ...hidden, 1], activation }], capacity, ADAM_DEFAULTS);
      this.criticK = 0;
    } else {
      this.nets = new DenseNets([actor, { sizes: [obsPad, ...hidden, 1], activation }], capacity, ADAM_DEFAULTS, extra);
      this.criticNets = this.nets;
      this.criticK = CRITIC;
    }
    // CleanRL's layer_init: orthogonal, gain √2 inside, 0.01 on the actor's output, 1 on the critic's; log σ = 0.
    for (const [nets, k, outputGain] of [[this.nets, ACTOR, 0.01], [this.criticNets, this.criticK, 1]] as const) {
      const { w, b } = orthogonalMlp(nets.shapes[k].sizes, initRng, { outputGain });
      nets.setLeaves(k, w.flatMap((wl, l) => [wl, b[l]]));
    }

    const rows = this.T * this.n;
    const actionSize = discrete ? 1 : actionDim;
    this.obs = new Float32Array(rows * obsPad);
    this.taken = discrete ? new Int32Array(rows) : new Float32Array(rows * actionSize);
    this.logProbs = new Float32Array(rows);
    this.rewards = new Float32Array(rows);
    this.dones = new Uint8Array(rows);
    this.values = new Float32Array(rows);
    this.advantages = new Float32Array(rows);
    this.returns = new Float32Array(rows);
    this.stepActions = actionBuffer(vec.actionSpace, this.n);
    this.stepLogProb = new Float32Array(this.n);
    this.finalValues = new Float32Array(this.n);
    this.head = new Float32Array(this.nets.capacity * actionDim);
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

  // Values are computed for the whole rollout at once in `update`.
  actions(): Int32Array | Float32Array {
    const { env, n, shape } = this;
    if (this.t === 0) this.iteration++;
    const row = this.t * n;
    const actionSize = shape.discrete ? 1 : shape.actionDim;
    const x = this.obs.subarray(row * shape.obsPad, (row + n) * shape.obsPad);
    this.padRows(env.vec.obs, n, x);
    this.sample(x, n, this.rng, this.stepActions, this.stepLogProb, false);
    this.taken.set(this.stepActions, row * actionSize);
    this.logProbs.set(this.stepLogProb, row);
    return this.clipActions(this.stepActions);
  }

  observe(): boolean {
    const { env, n } = this;
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
      this.envValues(vec.finalObs, this.finalValues);
      for (let i = 0; i < n; i++) if (vec.truncated[i] && !vec.terminated[i]) this.rewards[row + i] += this.config.gamma * this.finalValues[i];
    }
    return ++this.t === this.T;
  }

  /** Advantages over the collected rollout, then `updateEpochs` epochs of minibatch updates. */
  update(): PpoMetrics {
    this.endRollout();
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

  // ── 2. NETWORKS ───────────────────────────────────────────────────────────
  /** Rows of `obs` (rows × obsSize) padded to obsPad floats into `into`. */
  private padRows(obs: Float32Array, rows: number, into: Float32Array): void {
    const { obsSize, obsPad } = this.shape;
    if (obsSize === obsPad) into.set(obs.subarray(0, rows * obsSize));
    else for (let i = 0; i < rows; i++) into.set(obs.subarray(i * obsSize, (i + 1) * obsSize), i * obsPad);
  }

  /**
   * Runs net k on rows of observations (padded already, or not with
   * `unpadded`), in chunks the networks hold, and hands each chunk's output
   * (chunk rows × padded width) to `take`.
   */
  private run(k: number, obs: Float32Array, rows: number, unpadded: boolean, take: (first: number, count: number, out: Float32Array, width: number) => void): void {
    const { nets } = this;
    const { obsSize, obsPad } = this.shape;
    const width = nets.outputWidth(k);
    for (let first = 0; first < rows; first += nets.capacity) {
      const count = Math.min(nets.capacity, rows - first);
      if (unpadded) this.padRows(obs.subarray(first * obsSize), count, nets.input);
      else nets.input.set(obs.subarray(first * obsPad, (first + count) * obsPad));
      nets.forward(k, count);
      take(first, count, nets.output(k), width);
    }
  }

  /** V(s) for rows of observations into `values` (the critic reading the actor's input). */
  private criticOf(obs: Float32Array, rows: number, values: Float32Array, unpadded: boolean): void {
    this.run(CRITIC, obs, rows, unpadded, (first, count, out, width) => {
      for (let i = 0; i < count; i++) values[first + i] = out[i * width];
    });
  }

  /** V of the n current rows of `obs` (n × obsSize: the environments' observations or final observations). */
  private envValues(obs: Float32Array, values: Float32Array): void {
    const input = this.criticInput;
    if (!input) return this.criticOf(obs, this.n, values, true);
    this.criticRows(this.n, (i, into, at) => input.fromEnv(obs, this.shape.obsSize, i, into, at), (i, v) => (values[i] = v));
  }

  /** V of every rollout row into `values`. */
  private rolloutValues(): void {
    const input = this.criticInput;
    if (!input) return this.criticOf(this.obs, this.batchSize, this.values, false);
    this.criticRows(this.batchSize, (k, into, at) => input.fromRollout(this.obs, this.shape.obsPad, k, into, at), (k, v) => (this.values[k] = v));
  }

  /** Runs the critic's own networks on `rows` inputs that `fill` writes, in chunks, handing each value to `take`. */
  private criticRows(rows: number, fill: (row: number, into: Float32Array, at: number) => void, take: (row: number, value: number) => void): void {
    const nets = this.criticNets;
    const W = nets.inputWidth;
    const width = nets.outputWidth(0);
    for (let first = 0; first < rows; first += nets.capacity) {
      const count = Math.min(nets.capacity, rows - first);
      nets.input.fill(0, 0, count * W);
      for (let r = 0; r < count; r++) fill(first + r, nets.input, r * W);
      nets.forward(0, count);
      const out = nets.output(0);
      for (let r = 0; r < count; r++) take(first + r, out[r * width]);
    }
  }

  /** Actions (sampled from π, or its most likely with `greedy`) and their log-probabilities for padded observation rows. */
  private sample(x: Float32Array, rows: number, rng: Rng, actions: Int32Array | Float32Array, logProb: Float32Array, greedy: boolean): void {
    const { actionDim: d, discrete } = this.shape;
    this.run(ACTOR, x, rows, false, (first, count, out, width) => {
      const head = this.head;
      for (let i = 0; i < count; i++) for (let j = 0; j < d; j++) head[i * d + j] = out[i * width + j];
      const acts = actions.subarray(first * (discrete ? 1 : d), (first + count) * (discrete ? 1 : d));
      const lp = logProb.subarray(first, first + count);
      if (discrete) {
        if (greedy) argmaxRows(head, count, d, acts);
        else sampleCategorical(head, count, d, rng, acts, lp);
      } else if (greedy) acts.set(head.subarray(0, count * d));
      else sampleGaussian(head, this.nets.extra(), count, d, rng, acts as Float32Array, lp);
    });
  }

  /** The actor's outputs (logits, or Gaussian means) for rows of observations (rows × obsSize), unpadded (rows × actionDim). */
  actorOutputs(obs: Float32Array): Float32Array {
    const { obsSize, actionDim: d } = this.shape;
    const rows = obs.length / obsSize;
    const result = new Float32Array(rows * d);
    this.run(ACTOR, obs, rows, true, (first, count, out, width) => {
      for (let i = 0; i < count; i++) for (let j = 0; j < d; j++) result[(first + i) * d + j] = out[i * width + j];
    });
    return result;
  }

  // ── 4. ADVANTAGE ──────────────────────────────────────────────────────────
  /** Ends the rollout: V(s_t) of every row, then GAE advantages and returns (and each environment's, handed back). */
  endRollout(): void {
    this.t = 0;
    this.rolloutValues();
    this.envValues(this.env.vec.obs, this.finalValues); // scratch here: V of each row's next observation
    gae(this.rewards, this.values, this.dones, this.finalValues, this.n, this.T, this.config.gamma, this.config.gaeLambda, this.advantages, this.returns);
    handBackAdvantages(this.env.vec, this.advantages, this.n, this.T);
  }

  /** This iteration's learning rate (annealed linearly over `numIterations`). */
  learningRate(numIterations = this.numIterations): number {
    const c = this.config;
    return (c.annealLr ? 1 - (this.iteration - 1) / numIterations : 1) * c.learningRate;
  }

  // ── 5. UPDATE ─────────────────────────────────────────────────────────────
  /**
   * Runs `updateEpochs` epochs of minibatch updates on the collected
   * rollout: each epoch shuffles the rows with this learner's stream and
   * cuts consecutive minibatches (a smaller remainder is dropped);
   * advantages are normalized per minibatch; the gradient is clipped by its
   * global norm before Adam.
   */
  learn(numIterations: number): PpoMetrics {
    const c = this.config;
    const { nets, shape, criticNets, criticK } = this;
    const shared = criticNets === nets;
    const lr = this.learningRate(numIterations);
    const B = this.batchSize;
    const size = Math.floor(B / c.numMinibatches);
    const indices = Int32Array.from({ length: B }, (_, k) => k);
    const batch = this.minibatchBuffers(size);
    const outputs: PpoOutputs = {
      discrete: shape.discrete,
      actionDim: shape.actionDim,
      actor: nets.output(ACTOR),
      actorWidth: nets.outputWidth(ACTOR),
      critic: criticNets.output(criticK),
      criticWidth: criticNets.outputWidth(criticK),
      logStd: shape.discrete ? undefined : nets.extra().subarray(0, shape.actionDim),
      dActor: nets.outputGrad(ACTOR),
      dCritic: criticNets.outputGrad(criticK),
      dLogStd: shape.discrete ? undefined : nets.extra(nets.grads).subarray(0, shape.actionDim),
    };
    const row = new Float64Array(LOSS_STATS.length);
    const stats = new UpdateStats();
    for (let epoch = 0; epoch < c.updateEpochs; epoch++) {
      this.rng.shuffle(indices);
      for (let start = 0; start + size <= B; start += size) {
        const rows = indices.subarray(start, start + size);
        this.gather(rows, batch);
        if (!shared) this.gatherCritic(rows);
        nets.forward(ACTOR, size);
        criticNets.forward(criticK, size);
        ppoLoss(c, batch, outputs, row);
        nets.backward(ACTOR, size);
        criticNets.backward(criticK, size);
        // torch.nn.utils.clip_grad_norm_: scale by max_norm / (norm + 1e-6) when that is below 1;
        // over both networks (CleanRL), or each on its own when the critic has its own optimizer (MAPPO).
        const clip = (norm: number) => Math.min(c.maxGradNorm / (norm + 1e-6), 1);
        const actorSq = nets.gradSumSquares();
        const criticSq = shared ? 0 : criticNets.gradSumSquares();
        const gradNorm = Math.sqrt(actorSq + criticSq);
        if (shared) nets.adamStep(lr, clip(gradNorm));
        else {
          nets.adamStep(lr, clip(Math.sqrt(actorSq)));
          criticNets.adamStep(lr, clip(Math.sqrt(criticSq)));
        }
        stats.add(row, gradNorm);
      }
      if (c.targetKl !== undefined && stats.mean("approxKl") > c.targetKl) break;
    }
    return this.metrics(lr, stats);
  }

  /** The critic inputs of rollout rows `rows` into the critic's own networks (with a `CriticInput`). */
  private gatherCritic(rows: Int32Array): void {
    const nets = this.criticNets;
    const W = nets.inputWidth;
    nets.input.fill(0, 0, rows.length * W);
    for (let j = 0; j < rows.length; j++) this.criticInput!.fromRollout(this.obs, this.shape.obsPad, rows[j], nets.input, j * W);
  }

  /** One minibatch's columns (the observations go straight into the networks' input). */
  private minibatchBuffers(size: number): PpoMinibatch {
    const { discrete, actionDim } = this.shape;
    const column = () => new Float32Array(size);
    return { rows: size, actions: discrete ? new Int32Array(size) : new Float32Array(size * actionDim), oldLogProb: column(), advantages: column(), returns: column(), oldValues: column() };
  }

  /** Copies the rollout rows `rows` into `b` and the networks' input; normalizes the advantages (when configured). */
  private gather(rows: Int32Array, b: PpoMinibatch): void {
    const { obsPad, discrete, actionDim } = this.shape;
    const actionSize = discrete ? 1 : actionDim;
    const input = this.nets.input;
    const size = rows.length;
    for (let j = 0; j < size; j++) {
      const k = rows[j];
      input.set(this.obs.subarray(k * obsPad, (k + 1) * obsPad), j * obsPad);
      if (discrete) b.actions[j] = this.taken[k];
      else b.actions.set(this.taken.subarray(k * actionSize, (k + 1) * actionSize), j * actionSize);
      b.oldLogProb[j] = this.logProbs[k];
      b.advantages[j] = this.advantages[k];
      b.returns[j] = this.returns[k];
      b.oldValues[j] = this.values[k];
    }
    if (this.config.normAdv) normalizeAdvantages(b.advantages);
  }

  /** An iteration's metrics from its updates' statistics. */
  metrics(lr: number, stats: UpdateStats): PpoMetrics {
    return iterationMetrics(lr, stats, this.values, this.returns);
  }

  // ── 6. ACTING for evaluation, STATE ───────────────────────────────────────
  /** The learner's policy for evaluation: actions sampled from π (see `Learner.act`). */
  act(obs: Float32Array, rng?: Rng, options: ActOptions = {}): Int32Array | Float32Array {
    return this.policyActions(obs, options.greedy ?? false, rng);
  }

  /**
   * The policy's actions for a batch of observations (rows × obsSize, any
   * number of rows): the most likely action, or a sample with `deterministic = false`.
   */
  policyActions(obs: Float32Array, deterministic = true, rng: Rng = this.rng): Int32Array | Float32Array {
    const { obsSize, obsPad } = this.shape;
    const rows = obs.length / obsSize;
    const x = new Float32Array(rows * obsPad);
    this.padRows(obs, rows, x);
    const out = actionBuffer(this.env.vec.actionSpace, rows);
    this.sample(x, rows, rng, out, new Float32Array(rows), deterministic);
    return this.env.vec.actionSpace.kind === "box" ? Float32Array.from(this.clipActions(out)) : out;
  }

  private scratchX: Float32Array | undefined;
  private scratchLogProb: Float32Array | undefined;
  /**
   * Samples the policy's actions for `rows` rows of observations (rows ×
   * obsSize) into `out` from `rng`, with no buffer allocated after the first
   * call: for policies that act every step without learning (self-play's
   * opponents).
   */
  actInto(obs: Float32Array, rows: number, rng: Rng, out: Int32Array | Float32Array): void {
    const { obsPad } = this.shape;
    if (!this.scratchX || this.scratchX.length < rows * obsPad) {
      this.scratchX = new Float32Array(rows * obsPad);
      this.scratchLogProb = new Float32Array(rows);
    }
    this.padRows(obs, rows, this.scratchX);
    this.sample(this.scratchX, rows, rng, out, this.scratchLogProb!, false);
  }

  /** The actor's parameters as true-shaped leaves [W0, b0, …] (a self-play pool's snapshot). */
  actorLeaves(): number[][] {
    return this.nets.leaves(ACTOR).map((l) => Array.from(l));
  }

  /** Sets the actor's parameters from `actorLeaves()` of a learner of the same shape. */
  setActorLeaves(leaves: readonly ArrayLike<number>[]): void {
    this.nets.setLeaves(ACTOR, leaves);
  }

  /**
   * Takes over another agent's parameters, random stream and counters, on
   * this agent's environments (a curriculum's next level, a preference
   * round's new reward); the optimizer starts afresh.
   */
  continueFrom(previous: Ppo): void {
    const s = previous.state();
    setPpoParams(this.networks(), s.params);
    for (const nets of [this.nets, this.criticNets]) {
      nets.m.fill(0);
      nets.v.fill(0);
      nets.step = 0;
    }
    this.rng.setState(s.rng);
    this.globalStep = s.globalStep;
    this.iteration = s.iteration;
    this.t = 0;
  }

  /** A previous generation's parameters; optimizer, counters and stream stay this learner's own. */
  inherit(previous: Learner): void {
    if (!(previous instanceof Ppo)) throw new Error(`ppo: cannot inherit from a ${previous.algo} learner`);
    setPpoParams(this.networks(), previous.state().params);
  }

  /** Parameters, optimizer moments, random stream and counters: everything to continue exactly from a rollout boundary. */
  state(): PpoState {
    return ppoState(this.networks(), this.rng, this.globalStep, this.iteration);
  }

  load(state: unknown): void {
    const s = state as PpoState;
    loadPpoNetworks(this.networks(), s);
    this.rng.setState(s.rng);
    this.globalStep = s.globalStep;
    this.iteration = s.iteration;
    this.t = 0;
  }

  /** The networks as ppo-state.ts reads and writes them. */
  private networks(): PpoNetworks {
    return { nets: this.nets, criticNets: this.criticNets, criticK: this.criticK, actionDim: this.shape.discrete ? undefined : this.shape.actionDim };
  }
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
    // index; a minibatch's rows are copied once more into the networks' input (1/numMinibatches of them).
    const perRow = (values + actionCols) * 4 * (1 + 1 / numMinibatches) + 6 * 4 + 4;
    return { bytes: rows * perRow, rows, fields: [["numEnvs", shape.n], ["learner.numSteps", numSteps]], values };
  },
});
