/**
 * Recurrent PPO: PPO with a memory, as CleanRL's ppo_atari_lstm trains it
 * (with a GRU for the LSTM). The policy reads x_t (the observation, and with
 * RL² inputs the previous action and reward; Duan et al. 2016) into a GRU
 * whose hidden state h_t carries across steps; linear (or small MLP) actor
 * and critic heads read h_t. The hidden state starts at zero where a trial
 * starts (every episode, unless the environment keeps a task for several
 * episodes: then memory carries from one episode of the trial to the next).
 *
 * Learning follows ppo_atari_lstm: a rollout of T steps from n environments
 * keeps each environment's hidden state at its start; minibatches are sets
 * of whole environment sequences (numEnvs / numMinibatches each), replayed
 * from those states with the same resets, and the loss's gradient flows back
 * through time (nn/gru.ts) — PPO's loss itself is ppo-loss.ts's.
 *
 * Differences from ppo_atari_lstm: no convolutional encoder (observations go
 * straight into the GRU); a truncated episode is bootstrapped with γ·V of its
 * final observation, as ppo.ts does (there, truncation ends the return).
 */
import { z } from "zod";
import { UserError } from "../core/errors.js";
import { Rng } from "../core/rng.js";
import { actionBuffer } from "../core/spaces.js";
import type { VectorEnv } from "../envs/vector.js";
import { ADAM_DEFAULTS } from "../nn/adam.js";
import { argmaxRows, sampleCategorical } from "../nn/distributions.js";
import { Gru, initGru } from "../nn/gru.js";
import { orthogonalMlp } from "../nn/init.js";
import { DenseNets, type DenseNetsState } from "../nn/wasm/dense-nets.js";
import type { RewardedVector } from "../rewards/rewarded.js";
import { gae, handBackAdvantages } from "./gae.js";
import { defineLearner, type ActOptions, type Learner } from "./learner.js";
import { rowShape } from "./memory.js";
import { PpoConfig, type PpoMetrics } from "./ppo-config.js";
import { LOSS_STATS, ppoLoss, type PpoMinibatch, type PpoOutputs } from "./ppo-loss.js";
import { iterationMetrics, normalizeAdvantages, UpdateStats } from "./ppo-stats.js";

export const RecurrentPpoConfig = PpoConfig.omit({ hidden: true })
  .extend({
    memory: z.number().int().min(1).max(1024).default(64).describe("GRU hidden size"),
    heads: z.array(z.number().int().positive()).default([]).describe("hidden layers of the actor and critic heads after the GRU ([] = linear, as ppo_atari_lstm)"),
    prevAction: z.boolean().default(false).describe("RL²: the previous action (one-hot) is part of the GRU's input"),
    prevReward: z.boolean().default(false).describe("RL²: the previous reward is part of the GRU's input"),
    trialReturns: z.boolean().default(false).describe("returns run across the episodes of a trial (RL²), not only within an episode"),
  })
  .strict();
export type RecurrentPpoConfig = z.output<typeof RecurrentPpoConfig>;

const ACTOR = 0;
const CRITIC = 1;

/** A recurrent learner's memory of one set of environments: hidden states and the last action and reward per row. */
interface Memory {
  h: Float32Array;
  prevAction: Int32Array;
  prevReward: Float32Array;
}

export interface RecurrentPpoState {
  gru: { params: number[]; m: number[]; v: number[] };
  heads: DenseNetsState;
  memory: { h: number[]; prevAction: number[]; prevReward: number[]; starts: number[] };
  rng: number[];
  globalStep: number;
  iteration: number;
}

export class RecurrentPpo implements Learner {
  readonly algo = "rppo";
  readonly config: RecurrentPpoConfig;
  readonly rng: Rng;
  readonly gru: Gru;
  /** Actor (0) and critic (1) heads on the GRU's output, with their Adam state. */
  readonly heads: DenseNets;
  globalStep = 0;
  iteration = 0;
  private numIterations = 1;
  private t = 0;
  private readonly n: number;
  private readonly T: number;
  private readonly obsSize: number;
  private readonly actions_: number;
  /** GRU input width: observation, then the previous action one-hot and reward when configured. */
  readonly inputSize: number;
  /** Adam moments of the GRU's parameters (the heads keep theirs in `heads`). */
  private readonly gruM: Float32Array;
  private readonly gruV: Float32Array;

  // The rollout, time-major (row t·n + i).
  private readonly x: Float32Array;
  private readonly starts: Uint8Array;
  private readonly h0: Float32Array;
  private readonly taken: Int32Array;
  private readonly logProbs: Float32Array;
  private readonly rewards: Float32Array;
  private readonly dones: Uint8Array;
  private readonly values: Float32Array;
  private readonly advantages: Float32Array;
  private readonly returns: Float32Array;

  /** The training environments' memory, and which rows start a new one at the next step. */
  private readonly memory: Memory;
  private readonly startNext: Uint8Array;
  private readonly stepActions: Int32Array;
  private readonly stepLogProb: Float32Array;
  private readonly logits: Float32Array;
  /** Buffers for the one extra GRU step of a truncation's bootstrap (allocated once). */
  private readonly scratch: { h: Float32Array; x: Float32Array; v: Float32Array; noStart: Uint8Array };
  /** Memories of other environments acting through `act` (evaluations), by environment. */
  private readonly evalMemory = new WeakMap<VectorEnv, Memory>();

  constructor(
    readonly env: RewardedVector,
    config: Partial<RecurrentPpoConfig> = {},
    seed = 0,
  ) {
    this.config = RecurrentPpoConfig.parse(config);
    const c = this.config;
    const vec = env.vec;
    if (vec.actionSpace.kind !== "discrete") throw new UserError("learner.algo", `rppo takes discrete actions; ${vec.id} has ${vec.actionSpace.kind} ones`);
    this.n = vec.n;
    if (this.n % c.numMinibatches !== 0) throw new UserError("learner.numMinibatches", `must divide numEnvs (${this.n}): each minibatch is a set of whole environment sequences`);
    this.T = c.numSteps;
    this.rng = new Rng(seed);
    const initRng = this.rng.split();
    this.obsSize = vec.observationSpace.size;
    this.actions_ = vec.actionSpace.n;
    this.inputSize = this.obsSize + (c.prevAction ? this.actions_ : 0) + (c.prevReward ? 1 : 0);
    const H = c.memory;
    const perMinibatch = this.n / c.numMinibatches;
    this.gru = new Gru(this.inputSize, H, this.T + 1, Math.max(this.n, perMinibatch));
    initGru(this.gru, initRng);
    this.gruM = new Float32Array(this.gru.params.length);
    this.gruV = new Float32Array(this.gru.params.length);
    const capacity = Math.max(this.T * perMinibatch, this.n);
    this.heads = new DenseNets(
      [
        { sizes: [H, ...c.heads, this.actions_], activation: c.activation },
        { sizes: [H, ...c.heads, 1], activation: c.activation },
      ],
      capacity,
      ADAM_DEFAULTS,
    );
    for (const [k, outputGain] of [[ACTOR, 0.01], [CRITIC, 1]] as const) {
      const { w, b } = orthogonalMlp(this.heads.shapes[k].sizes, initRng, { outputGain });
      this.heads.setLeaves(k, w.flatMap((wl, l) => [wl, b[l]]));
    }
    const rows = this.T * this.n;
    this.x = new Float32Array(rows * this.inputSize);
    this.starts = new Uint8Array(rows);
    this.h0 = new Float32Array(this.n * H);
    this.taken = new Int32Array(rows);
    this.logProbs = new Float32Array(rows);
    this.rewards = new Float32Array(rows);
    this.dones = new Uint8Array(rows);
    this.values = new Float32Array(rows);
    this.advantages = new Float32Array(rows);
    this.returns = new Float32Array(rows);
    this.memory = newMemory(this.n, H);
    this.startNext = new Uint8Array(this.n).fill(1);
    this.stepActions = new Int32Array(this.n);
    this.stepLogProb = new Float32Array(this.n);
    this.logits = new Float32Array(capacity * this.actions_);
    this.scratch = { h: new Float32Array(this.n * H), x: new Float32Array(this.n * this.inputSize), v: new Float32Array(this.n), noStart: new Uint8Array(this.n) };
  }

  get batchSize(): number {
    return this.T * this.n;
  }

  plan(totalSteps: number): number {
    this.numIterations = Math.max(1, Math.floor(totalSteps / this.batchSize));
    return this.numIterations * this.batchSize;
  }

  start(): void {
    if (this.iteration === 0 && this.t === 0) this.env.reset(this.rng.int(2 ** 31));
  }

  // ── acting ────────────────────────────────────────────────────────────────
  /** Writes the GRU inputs x of n rows (observation, previous action one-hot, previous reward) into `into`. */
  private inputs(obs: Float32Array, rows: number, m: Memory, starts: Uint8Array, into: Float32Array): void {
    const { obsSize, inputSize, actions_: A } = this;
    const { prevAction, prevReward } = this.config;
    into.fill(0, 0, rows * inputSize);
    for (let i = 0; i < rows; i++) {
      const at = i * inputSize;
      into.set(obs.subarray(i * obsSize, (i + 1) * obsSize), at);
      // A new memory has no previous step: its action and reward inputs stay zero.
      if (starts[i]) continue;
      if (prevAction && m.prevAction[i] >= 0) into[at + obsSize + m.prevAction[i]] = 1;
      if (prevReward) into[at + obsSize + (prevAction ? A : 0)] = m.prevReward[i];
    }
  }

  /** One step of the GRU for n rows from memory `m` (reset where `starts`), then the heads on the new h; logits into `this.logits`, values into `values`. */
  private stepPolicy(x: Float32Array, rows: number, m: Memory, starts: Uint8Array, values?: Float32Array): void {
    const H = this.config.memory;
    this.gru.step(x, rows, m.h, starts);
    const heads = this.heads;
    heads.setInput(m.h, rows, H);
    heads.forward(ACTOR, rows);
    const out = heads.output(ACTOR);
    const w = heads.outputWidth(ACTOR);
    const A = this.actions_;
    for (let i = 0; i < rows; i++) for (let j = 0; j < A; j++) this.logits[i * A + j] = out[i * w + j];
    if (!values) return;
    heads.forward(CRITIC, rows);
    const v = heads.output(CRITIC);
    const cw = heads.outputWidth(CRITIC);
    for (let i = 0; i < rows; i++) values[i] = v[i * cw];
  }

  actions(): Int32Array {
    const { n, inputSize } = this;
    if (this.t === 0) {
      this.iteration++;
      this.h0.set(this.memory.h);
    }
    const row = this.t * n;
    const x = this.x.subarray(row * inputSize, (row + n) * inputSize);
    const starts = this.starts.subarray(row, row + n);
    starts.set(this.startNext);
    this.inputs(this.env.vec.obs, n, this.memory, starts, x);
    this.stepPolicy(x, n, this.memory, starts, this.values.subarray(row, row + n));
    sampleCategorical(this.logits, n, this.actions_, this.rng, this.stepActions, this.stepLogProb);
    this.taken.set(this.stepActions, row);
    this.logProbs.set(this.stepLogProb, row);
    return this.stepActions;
  }

  observe(): boolean {
    const { env, n } = this;
    const vec = env.vec;
    const row = this.t * n;
    this.globalStep += n;
    for (let i = 0; i < n; i++) {
      this.rewards[row + i] = env.rewards[i];
      const ended = vec.terminated[i] || vec.truncated[i];
      // After an autoreset the environment is at its next episode: a new trial starts a new memory.
      const newTrial = ended && vec.cores[i].newTrial;
      this.startNext[i] = newTrial ? 1 : 0;
      this.dones[row + i] = ended && (newTrial || !this.config.trialReturns) ? 1 : 0;
      this.memory.prevAction[i] = this.stepActions[i];
      this.memory.prevReward[i] = vec.rewards[i];
    }
    this.bootstrapTruncated(row);
    return ++this.t === this.T;
  }

  /** A truncated episode still had a future: γ·V(final observation), V from one more GRU step on a copy of the memory. */
  private bootstrapTruncated(row: number): void {
    const vec = this.env.vec;
    const { n } = this;
    let any = false;
    for (let i = 0; i < n; i++) if (vec.truncated[i] && !vec.terminated[i] && this.dones[row + i]) any = true;
    if (!any) return;
    const { h, x, v, noStart } = this.scratch;
    h.set(this.memory.h);
    const copy: Memory = { h, prevAction: this.memory.prevAction, prevReward: this.memory.prevReward };
    this.inputs(vec.finalObs, n, copy, noStart, x);
    this.stepPolicy(x, n, copy, noStart, v);
    for (let i = 0; i < n; i++) if (vec.truncated[i] && !vec.terminated[i] && this.dones[row + i]) this.rewards[row + i] += this.config.gamma * v[i];
  }

  // ── learning ──────────────────────────────────────────────────────────────
  update(): PpoMetrics {
    this.t = 0;
    // V of the state after the rollout: one more step on a copy of the memory.
    const { n } = this;
    const copy: Memory = { h: this.memory.h.slice(), prevAction: this.memory.prevAction, prevReward: this.memory.prevReward };
    const x = new Float32Array(n * this.inputSize);
    this.inputs(this.env.vec.obs, n, copy, this.startNext, x);
    const lastValues = new Float32Array(n);
    this.stepPolicy(x, n, copy, this.startNext, lastValues);
    const c = this.config;
    gae(this.rewards, this.values, this.dones, lastValues, n, this.T, c.gamma, c.gaeLambda, this.advantages, this.returns);
    handBackAdvantages(this.env.vec, this.advantages, n, this.T);
    return this.learn();
  }

  learningRate(): number {
    const c = this.config;
    return (c.annealLr ? 1 - (this.iteration - 1) / this.numIterations : 1) * c.learningRate;
  }

  private learn(): PpoMetrics {
    const c = this.config;
    const { n, T, heads, gru, inputSize } = this;
    const H = c.memory;
    const B = n / c.numMinibatches;
    const rows = T * B;
    const lr = this.learningRate();
    const envs = Int32Array.from({ length: n }, (_, i) => i);
    const xs = new Float32Array(rows * inputSize);
    const starts = new Uint8Array(rows);
    const h0 = new Float32Array(B * H);
    const dH = new Float32Array(rows * H);
    const batch: PpoMinibatch = { rows, actions: new Int32Array(rows), oldLogProb: new Float32Array(rows), advantages: new Float32Array(rows), returns: new Float32Array(rows), oldValues: new Float32Array(rows) };
    const outputs: PpoOutputs = {
      discrete: true,
      actionDim: this.actions_,
      actor: heads.output(ACTOR),
      actorWidth: heads.outputWidth(ACTOR),
      critic: heads.output(CRITIC),
      criticWidth: heads.outputWidth(CRITIC),
      dActor: heads.outputGrad(ACTOR),
      dCritic: heads.outputGrad(CRITIC),
    };
    const lossRow = new Float64Array(LOSS_STATS.length);
    const stats = new UpdateStats();
    for (let epoch = 0; epoch < c.updateEpochs; epoch++) {
      this.rng.shuffle(envs);
      for (let first = 0; first < n; first += B) {
        // Minibatch row t·B + b is rollout row t·n + envs[first + b].
        for (let b = 0; b < B; b++) {
          const e = envs[first + b];
          h0.set(this.h0.subarray(e * H, (e + 1) * H), b * H);
          for (let t = 0; t < T; t++) {
            const k = t * n + e;
            const j = t * B + b;
            xs.set(this.x.subarray(k * inputSize, (k + 1) * inputSize), j * inputSize);
            starts[j] = this.starts[k];
            batch.actions[j] = this.taken[k];
            batch.oldLogProb[j] = this.logProbs[k];
            batch.advantages[j] = this.advantages[k];
            batch.returns[j] = this.returns[k];
            batch.oldValues[j] = this.values[k];
          }
        }
        if (c.normAdv) normalizeAdvantages(batch.advantages);
        gru.forward(xs, T, B, h0, starts);
        heads.setInput(gru.output, rows, H);
        heads.forward(ACTOR, rows);
        heads.forward(CRITIC, rows);
        ppoLoss(c, batch, outputs, lossRow);
        // ∂loss/∂h_t: through both heads (each backward overwrites inputGrad, so the actor's is kept first).
        heads.backward(ACTOR, rows, true);
        copyRows(heads.inputGrad, heads.inputWidth, dH, H, rows);
        heads.backward(CRITIC, rows, true);
        addRows(heads.inputGrad, heads.inputWidth, dH, H, rows);
        gru.backward(dH, T, B);
        // torch.nn.utils.clip_grad_norm_ over every parameter: the GRU's and the heads'.
        let gruSq = 0;
        for (let k = 0; k < gru.grads.length; k++) gruSq += gru.grads[k] * gru.grads[k];
        const gradNorm = Math.sqrt(heads.gradSumSquares() + gruSq);
        const scale = Math.min(c.maxGradNorm / (gradNorm + 1e-6), 1);
        heads.adamStep(lr, scale);
        adam(gru.params, gru.grads, this.gruM, this.gruV, heads.step, lr, scale);
        stats.add(lossRow, gradNorm);
      }
      if (c.targetKl !== undefined && stats.mean("approxKl") > c.targetKl) break;
    }
    return iterationMetrics(lr, stats, this.values, this.returns);
  }

  // ── acting for evaluation, state ─────────────────────────────────────────
  /**
   * The policy on observations of `options.env`'s environments, with a
   * memory kept per environment set: it starts afresh where an environment
   * is at the first step of a new trial. Without `options.env` every call
   * starts from an empty memory.
   */
  act(obs: Float32Array, rng?: Rng, options: ActOptions = {}): Int32Array {
    const rows = obs.length / this.obsSize;
    const env = options.env;
    let m = env ? this.evalMemory.get(env) : undefined;
    if (!m || m.prevAction.length !== rows) {
      m = newMemory(rows, this.config.memory);
      if (env) this.evalMemory.set(env, m);
    }
    const starts = new Uint8Array(rows);
    for (let i = 0; i < rows; i++) starts[i] = !env || (env.cores[i].stepCount === 0 && env.cores[i].newTrial) ? 1 : 0;
    if (env) for (let i = 0; i < rows; i++) if (!starts[i]) m.prevReward[i] = env.rewards[i];
    const x = new Float32Array(rows * this.inputSize);
    this.inputs(obs, rows, m, starts, x);
    const out = actionBuffer(this.env.vec.actionSpace, rows) as Int32Array;
    const { inputSize, actions_: A } = this;
    const H = this.config.memory;
    // In chunks the GRU's buffers hold.
    for (let first = 0; first < rows; first += this.gru.maxBatch) {
      const count = Math.min(this.gru.maxBatch, rows - first);
      const chunk: Memory = { h: m.h.subarray(first * H, (first + count) * H), prevAction: m.prevAction.subarray(first, first + count), prevReward: m.prevReward.subarray(first, first + count) };
      this.stepPolicy(x.subarray(first * inputSize, (first + count) * inputSize), count, chunk, starts.subarray(first, first + count));
      const acts = out.subarray(first, first + count);
      if (options.greedy) argmaxRows(this.logits, count, A, acts);
      else sampleCategorical(this.logits, count, A, rng ?? this.rng, acts, new Float32Array(count));
    }
    m.prevAction.set(out);
    return out;
  }

  /** A previous generation's parameters (GRU and heads); optimizer, memory, counters and stream stay this learner's own. */
  inherit(previous: Learner): void {
    if (!(previous instanceof RecurrentPpo) || previous.gru.params.length !== this.gru.params.length) throw new Error(`rppo: cannot inherit from a ${previous.algo} learner of another shape`);
    this.gru.params.set(previous.gru.params);
    this.heads.params.set(previous.heads.params);
  }

  state(): RecurrentPpoState {
    return {
      gru: { params: Array.from(this.gru.params), m: Array.from(this.gruM), v: Array.from(this.gruV) },
      heads: this.heads.state(),
      memory: { h: Array.from(this.memory.h), prevAction: Array.from(this.memory.prevAction), prevReward: Array.from(this.memory.prevReward), starts: Array.from(this.startNext) },
      rng: this.rng.getState(),
      globalStep: this.globalStep,
      iteration: this.iteration,
    };
  }

  load(state: unknown): void {
    const s = state as RecurrentPpoState;
    if (s.gru.params.length !== this.gru.params.length || s.memory.h.length !== this.memory.h.length) throw new Error("rppo: a state of another network or number of environments");
    this.gru.params.set(s.gru.params);
    this.gruM.set(s.gru.m);
    this.gruV.set(s.gru.v);
    this.heads.load(s.heads);
    this.memory.h.set(s.memory.h);
    this.memory.prevAction.set(s.memory.prevAction);
    this.memory.prevReward.set(s.memory.prevReward);
    this.startNext.set(s.memory.starts);
    this.rng.setState(s.rng);
    this.globalStep = s.globalStep;
    this.iteration = s.iteration;
    this.t = 0;
  }
}

function newMemory(rows: number, H: number): Memory {
  return { h: new Float32Array(rows * H), prevAction: new Int32Array(rows).fill(-1), prevReward: new Float32Array(rows) };
}

function copyRows(src: Float32Array, srcWidth: number, dst: Float32Array, width: number, rows: number): void {
  for (let r = 0; r < rows; r++) for (let j = 0; j < width; j++) dst[r * width + j] = src[r * srcWidth + j];
}

function addRows(src: Float32Array, srcWidth: number, dst: Float32Array, width: number, rows: number): void {
  for (let r = 0; r < rows; r++) for (let j = 0; j < width; j++) dst[r * width + j] += src[r * srcWidth + j];
}

/**
 * One Adam step on a flat block as PyTorch writes it (the heads' kernel's
 * arithmetic): step t is the heads' (they step together).
 */
function adam(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, t: number, lr: number, scale: number): void {
  const { beta1, beta2, eps } = ADAM_DEFAULTS;
  const stepSize = lr / (1 - beta1 ** t);
  const sqrtBc2 = Math.sqrt(1 - beta2 ** t);
  for (let k = 0; k < p.length; k++) {
    const gs = g[k] * scale;
    m[k] = beta1 * m[k] + (1 - beta1) * gs;
    v[k] = beta2 * v[k] + (1 - beta2) * gs * gs;
    p[k] -= (stepSize * m[k]) / (Math.sqrt(v[k]) / sqrtBc2 + eps);
  }
}

export const recurrentPpoLearner = defineLearner({
  algo: "rppo",
  schema: RecurrentPpoConfig.extend({ algo: z.literal("rppo") }).strict(),
  description: "recurrent PPO: a GRU memory (reset per trial) with actor and critic heads, trained through time (CleanRL's ppo_atari_lstm); optional RL² inputs",
  create: (env, { algo: _algo, ...config }, seed) => new RecurrentPpo(env, config, seed),
  rollout({ numSteps, prevAction, prevReward }, shape) {
    const { values } = rowShape(shape);
    const rows = shape.n * numSteps;
    // Per row: the GRU input (observation, RL² inputs), six scalars, an action and a start flag.
    const perRow = (values + (prevAction ? 16 : 0) + (prevReward ? 1 : 0)) * 4 + 6 * 4 + 4 + 1;
    return { bytes: rows * perRow, rows, fields: [["numEnvs", shape.n], ["learner.numSteps", numSteps]], values };
  },
});
