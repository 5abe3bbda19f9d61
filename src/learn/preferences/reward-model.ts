/**
 * A reward model learned from preferences (Christiano et al. 2017): an
 * ensemble of MLPs r_θ(x) over per-step features x of (s, a, s′), each
 * trained with the Bradley–Terry model of a comparison between two segments:
 *
 *   P(a ≻ b) = exp(R_a) / (exp(R_a) + exp(R_b)),   R = Σ_t r_θ(x_t)
 *   loss = −[y log P(a ≻ b) + (1 − y) log P(b ≻ a)]
 *
 * with y ∈ {1, 0, ½} the label, optionally smoothed (y ← y(1 − ε) + ε/2) and
 * with a margin m the preferred segment must win by (R_a − m·y against
 * R_b − m·(1 − y)). Each pair may carry a weight (how much its label is
 * trusted). Members differ by initialization and minibatch order; their
 * spread is what active query selection asks about.
 */
import { z } from "zod";
import { Rng } from "../../core/rng.js";
import { jnn, np, tree, type JaxArray } from "../../nn/jax.js";
import { initMlp, mlpForward, mlpWeights, type Activation, type MlpParams } from "../../nn/mlp.js";
import { mlpForwardJs, mlpScratch, type MlpWeights } from "../../nn/mlp-js.js";
import { adamStep, AdamTrainer, indices, shuffledBatches } from "../../nn/train-step.js";

export const RewardModelConfig = z
  .object({
    members: z.number().int().min(1).max(16).default(3).describe("ensemble size"),
    hidden: z.array(z.number().int().positive()).default([64, 64]).describe("hidden layers (empty: a linear reward)"),
    activation: z.enum(["tanh", "relu"]).default("relu"),
    learningRate: z.number().positive().default(1e-3),
    epochs: z.number().int().positive().default(20).describe("passes over the comparisons per training"),
    minibatch: z.number().int().positive().default(32).describe("comparisons per Adam step"),
    labelSmoothing: z.number().min(0).max(1).default(0).describe("ε: y ← y(1 − ε) + ε/2"),
    margin: z.number().min(0).default(0).describe("m: the preferred segment's return must exceed the other's by m"),
    seed: z.number().int().nonnegative().default(0),
  })
  .strict();
export type RewardModelConfig = z.output<typeof RewardModelConfig>;

/** Two segments of T steps each (T × d features, row-major), a label P(a ≻ b), and a weight. */
export interface Comparison {
  a: Float32Array;
  b: Float32Array;
  label: 1 | 0 | 0.5;
  weight?: number;
}

export class RewardModel {
  readonly config: RewardModelConfig;
  readonly sizes: number[];
  private readonly members: AdamTrainer<MlpParams>[];
  private weights: MlpWeights[];
  private readonly rng: Rng;
  private scratch: [Float32Array, Float32Array] = [new Float32Array(0), new Float32Array(0)];
  private scratchRows = 0;
  private out = new Float32Array(0);

  constructor(
    readonly inputSize: number,
    config: Partial<z.input<typeof RewardModelConfig>> = {},
  ) {
    this.config = RewardModelConfig.parse(config);
    this.sizes = [inputSize, ...this.config.hidden, 1];
    this.rng = new Rng(this.config.seed);
    const params = Array.from({ length: this.config.members }, () => initMlp(this.sizes, this.rng.split()));
    this.weights = params.map((p) => mlpWeights(p, this.sizes));
    const { activation, margin: m, labelSmoothing: eps } = this.config;
    const d = inputSize;
    // R of B segments of T steps: x [B, T·d] → [B, 1].
    const ret = (p: MlpParams, x: JaxArray, B: number) => {
      const T = x.shape[1] / d;
      return mlpForward(p, x.reshape([B * T, d]), activation as Activation).reshape([B, T]).sum(1).reshape([B, 1]);
    };
    const loss = (p: MlpParams, xa: JaxArray, xb: JaxArray, y: JaxArray, w: JaxArray) => {
      const B = y.shape[0];
      const yy = y.reshape([B, 1]);
      const logits = np.concatenate([ret(tree.ref(p), xa, B).sub(yy.ref.mul(m)), ret(p, xb, B).sub(np.subtract(1, yy.ref).mul(m))], 1);
      const smooth = yy.mul(1 - eps).add(eps / 2);
      const target = np.concatenate([smooth.ref, np.subtract(1, smooth)], 1);
      const nll = jnn.logSoftmax(logits, -1).mul(target).sum(1).neg();
      return nll.mul(w).sum().div(B);
    };
    // One compiled step serves every member.
    const step = adamStep(loss);
    this.members = params.map((p) => new AdamTrainer(p, step, { learningRate: this.config.learningRate }));
  }

  /**
   * Trains every member for `epochs` passes over the comparisons (all of T
   * steps); returns each epoch's mean loss, averaged over members.
   */
  train(comparisons: readonly Comparison[]): number[] {
    if (comparisons.length === 0) return [];
    const d = this.inputSize;
    const T = comparisons[0].a.length / d;
    for (const c of comparisons) {
      if (c.a.length !== T * d || c.b.length !== T * d) throw new Error(`reward model: every segment must have ${T} steps of ${d} features`);
    }
    const B = Math.min(this.config.minibatch, comparisons.length);
    const xa = new Float32Array(B * T * d);
    const xb = new Float32Array(B * T * d);
    const y = new Float32Array(B);
    const w = new Float32Array(B);
    const losses = new Array<number>(this.config.epochs).fill(0);
    const order = indices(comparisons.length);
    this.members.forEach((member, k) => {
      for (let epoch = 0; epoch < this.config.epochs; epoch++) {
        let total = 0;
        let batches = 0;
        for (const batch of shuffledBatches(order, B, this.rng)) {
          batch.forEach((i, r) => {
            const c = comparisons[i];
            xa.set(c.a, r * T * d);
            xb.set(c.b, r * T * d);
            y[r] = c.label;
            w[r] = c.weight ?? 1;
          });
          total += member.step([np.array(xa).reshape([B, T * d]), np.array(xb).reshape([B, T * d]), np.array(y), np.array(w)]).loss;
          batches++;
        }
        losses[epoch] += total / batches / this.members.length;
      }
      this.weights[k] = mlpWeights(member.params, this.sizes);
    });
    return losses;
  }

  /** r_θ of `rows` steps (rows × d) into out (rows), for one member or the ensemble mean. */
  rewards(x: Float32Array, rows: number, out: Float32Array | Float64Array, member?: number): void {
    if (rows > this.scratchRows) {
      this.scratch = mlpScratch(this.sizes, rows);
      this.out = new Float32Array(rows);
      this.scratchRows = rows;
    }
    const members = member === undefined ? this.weights : [this.weights[member]];
    out.fill(0, 0, rows);
    for (const wts of members) {
      mlpForwardJs(wts, x, rows, this.out, this.config.activation, this.scratch);
      for (let i = 0; i < rows; i++) out[i] += this.out[i] / members.length;
    }
  }

  /** Each member's P(a ≻ b) for two segments. */
  preferenceProbabilities(a: Float32Array, b: Float32Array): number[] {
    const T = a.length / this.inputSize;
    const ra = new Float64Array(T);
    const rb = new Float64Array(T);
    return this.weights.map((_, k) => {
      this.rewards(a, T, ra, k);
      this.rewards(b, T, rb, k);
      const diff = rb.reduce((s, v) => s + v, 0) - ra.reduce((s, v) => s + v, 0);
      return 1 / (1 + Math.exp(diff));
    });
  }

  get memberCount(): number {
    return this.weights.length;
  }

  /** The members' weights (plain arrays), to save the model. */
  exportWeights(): MlpWeights[] {
    return this.weights;
  }
}
