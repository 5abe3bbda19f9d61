/**
 * An inverse-dynamics embedding (Pathak et al. 2017; the φ of E3B, Henaff et
 * al. 2022): an encoder φ and a head g trained together so that
 * g(φ(s), φ(s′)) predicts the action a taken between s and s′. What φ keeps
 * is what the agent's actions change; what it cannot affect fades out.
 *
 *   loss = −mean log softmax(g([φ(s), φ(s′)]))[a]
 *
 * Training runs in jax-js between rollouts; embedding runs every step in
 * plain JavaScript on a snapshot of the encoder's weights.
 */
import type { Rng } from "../core/rng.js";
import { categoricalLogProb } from "../nn/distributions.js";
import { jnn, np, tree, type JaxArray } from "../nn/jax.js";
import { initMlp, mlpForward, mlpWeights, type MlpParams } from "../nn/mlp.js";
import { mlpForwardJs, mlpScratch, type MlpWeights } from "../nn/mlp-js.js";
import { AdamTrainer, type AdamTrainerState } from "../nn/train-step.js";

export interface InverseDynamicsOptions {
  obsSize: number;
  /** Number of discrete actions. */
  actions: number;
  /** Size m of φ. */
  features: number;
  hidden: number;
  learningRate: number;
}

interface Params {
  encoder: MlpParams;
  head: MlpParams;
}

export class InverseDynamics {
  readonly encoderSizes: number[];
  private readonly trainer: AdamTrainer<Params>;
  private encoder: MlpWeights;
  private scratch: [Float32Array, Float32Array] = [new Float32Array(0), new Float32Array(0)];
  private scratchRows = 0;
  private oneHot = new Float32Array(0);

  constructor(
    readonly o: InverseDynamicsOptions,
    rng: Rng,
  ) {
    const { obsSize: d, features: m, hidden, actions } = o;
    this.encoderSizes = [d, hidden, m];
    const params = { encoder: initMlp(this.encoderSizes, rng.split()), head: initMlp([2 * m, hidden, actions], rng.split(), { outputGain: 0.01 }) };
    const loss = (p: Params, xs: JaxArray, xn: JaxArray, a: JaxArray) => {
      const phiS = mlpForward(tree.ref(p.encoder), xs, "relu");
      const phiN = mlpForward(p.encoder, xn, "relu");
      const logits = mlpForward(p.head, np.concatenate([phiS, phiN], 1), "relu");
      return categoricalLogProb(logits, a).mean().mul(-1);
    };
    this.trainer = new AdamTrainer<Params>(params, loss, { learningRate: o.learningRate });
    this.encoder = mlpWeights(params.encoder, this.encoderSizes);
  }

  /** φ of n observations (n × obsSize) into out (n × features), with the encoder as of the last `train`. */
  embed(x: Float32Array, n: number, out: Float32Array): void {
    if (n > this.scratchRows) {
      this.scratch = mlpScratch(this.encoderSizes, n);
      this.scratchRows = n;
    }
    mlpForwardJs(this.encoder, x, n, out, "relu", this.scratch);
  }

  /**
   * One Adam step on a minibatch of transitions: s and s′ (rows × obsSize)
   * and the actions taken (rows). Returns the cross-entropy before the step.
   */
  train(s: Float32Array, next: Float32Array, actions: Int32Array, rows: number): number {
    const d = this.o.obsSize;
    const k = this.o.actions;
    // One-hot actions built here: gathers break gradients under jit (see nn/distributions.ts).
    if (this.oneHot.length < rows * k) this.oneHot = new Float32Array(rows * k);
    this.oneHot.fill(0, 0, rows * k);
    for (let r = 0; r < rows; r++) this.oneHot[r * k + actions[r]] = 1;
    return this.trainer.step([
      np.array(s.subarray(0, rows * d)).reshape([rows, d]),
      np.array(next.subarray(0, rows * d)).reshape([rows, d]),
      np.array(this.oneHot.subarray(0, rows * k)).reshape([rows, k]),
    ]).loss;
  }

  /** Makes the trained encoder the one `embed` uses. */
  publish(): void {
    this.encoder = mlpWeights(this.trainer.params.encoder, this.encoderSizes);
  }

  /** The parameters and Adam's moments, taken between updates (when the published encoder is the trained one). */
  state(): AdamTrainerState {
    return this.trainer.state();
  }

  /** Restores `state()` and publishes the encoder. */
  load(state: AdamTrainerState): void {
    this.trainer.load(state);
    this.publish();
  }

  /** The head's action probabilities for transitions (s, s′): for tests of what the model learned. */
  predict(s: Float32Array, next: Float32Array, rows: number): Float32Array {
    const d = this.o.obsSize;
    const { encoder, head } = tree.ref(this.trainer.params);
    const phiS = mlpForward(tree.ref(encoder), np.array(s.subarray(0, rows * d)).reshape([rows, d]), "relu");
    const phiN = mlpForward(encoder, np.array(next.subarray(0, rows * d)).reshape([rows, d]), "relu");
    const logits = mlpForward(head, np.concatenate([phiS, phiN], 1), "relu");
    return Float32Array.from(np.exp(jnn.logSoftmax(logits, -1)).dataSync() as Float32Array);
  }
}
