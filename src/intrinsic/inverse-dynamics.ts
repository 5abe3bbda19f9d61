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
import { adamInit, adamUpdate, type AdamState } from "../nn/adam.js";
import { categoricalLogProb } from "../nn/distributions.js";
import { jit, jnn, np, tree, valueAndGrad, type JaxArray } from "../nn/jax.js";
import { initMlp, mlpForward, mlpWeights, type MlpParams } from "../nn/mlp.js";
import { mlpForwardJs, mlpScratch, type MlpWeights } from "../nn/mlp-js.js";
import { adamFromJson, adamToJson, treeFromJson, treeToJson, type AdamJson } from "../nn/optimizer-state.js";

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

export interface InverseDynamicsState {
  params: number[][];
  opt: AdamJson;
}

export class InverseDynamics {
  readonly encoderSizes: number[];
  private params: Params;
  private opt: AdamState<Params>;
  private encoder: MlpWeights;
  private scratch: [Float32Array, Float32Array] = [new Float32Array(0), new Float32Array(0)];
  private scratchRows = 0;
  private oneHot = new Float32Array(0);
  private readonly step: (p: Params, s: AdamState<Params>, xs: JaxArray, xn: JaxArray, a: JaxArray, lr: JaxArray) => [Params, AdamState<Params>, JaxArray];

  constructor(
    readonly o: InverseDynamicsOptions,
    rng: Rng,
  ) {
    const { obsSize: d, features: m, hidden, actions } = o;
    this.encoderSizes = [d, hidden, m];
    this.params = { encoder: initMlp(this.encoderSizes, rng.split()), head: initMlp([2 * m, hidden, actions], rng.split(), { outputGain: 0.01 }) };
    this.opt = adamInit(tree.ref(this.params));
    this.encoder = mlpWeights(this.params.encoder, this.encoderSizes);
    const loss = (p: Params, xs: JaxArray, xn: JaxArray, a: JaxArray) => {
      const phiS = mlpForward(tree.ref(p.encoder), xs, "relu");
      const phiN = mlpForward(p.encoder, xn, "relu");
      const logits = mlpForward(p.head, np.concatenate([phiS, phiN], 1), "relu");
      return categoricalLogProb(logits, a).mean().mul(-1);
    };
    this.step = jit(((p: Params, s: AdamState<Params>, xs: JaxArray, xn: JaxArray, a: JaxArray, lr: JaxArray) => {
      const [value, grads] = valueAndGrad(loss)(tree.ref(p), xs, xn, a) as unknown as [JaxArray, Params];
      const [p2, s2] = adamUpdate(p, grads, s, lr);
      return [p2, s2, value];
    }) as never) as never;
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
    const [p2, s2, value] = this.step(
      this.params,
      this.opt,
      np.array(s.subarray(0, rows * d)).reshape([rows, d]),
      np.array(next.subarray(0, rows * d)).reshape([rows, d]),
      np.array(this.oneHot.subarray(0, rows * k)).reshape([rows, k]),
      np.array(Float32Array.of(this.o.learningRate)),
    );
    this.params = p2;
    this.opt = s2;
    return (value.dataSync() as Float32Array)[0];
  }

  /** Makes the trained encoder the one `embed` uses. */
  publish(): void {
    this.encoder = mlpWeights(this.params.encoder, this.encoderSizes);
  }

  /** The parameters and Adam's moments, taken between updates (when the published encoder is the trained one). */
  state(): InverseDynamicsState {
    return { params: treeToJson(this.params), opt: adamToJson(this.opt) };
  }

  /** Restores `state()` and publishes the encoder. */
  load(state: InverseDynamicsState): void {
    const restored = treeFromJson(state.params, this.params);
    tree.dispose(this.params as never);
    this.params = restored;
    this.opt = adamFromJson(state.opt, this.opt);
    this.publish();
  }

  /** The head's action probabilities for transitions (s, s′): for tests of what the model learned. */
  predict(s: Float32Array, next: Float32Array, rows: number): Float32Array {
    const d = this.o.obsSize;
    const { encoder, head } = tree.ref(this.params);
    const phiS = mlpForward(tree.ref(encoder), np.array(s.subarray(0, rows * d)).reshape([rows, d]), "relu");
    const phiN = mlpForward(encoder, np.array(next.subarray(0, rows * d)).reshape([rows, d]), "relu");
    const logits = mlpForward(head, np.concatenate([phiS, phiN], 1), "relu");
    return Float32Array.from(np.exp(jnn.logSoftmax(logits, -1)).dataSync() as Float32Array);
  }
}
