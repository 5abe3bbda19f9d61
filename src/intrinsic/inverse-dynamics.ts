/**
 * An inverse-dynamics embedding (Pathak et al. 2017; the φ of E3B, Henaff et
 * al. 2022): an encoder φ and a head g trained together so that
 * g(φ(s), φ(s′)) predicts the action a taken between s and s′. What φ keeps
 * is what the agent's actions change; what it cannot affect fades out.
 *
 *   loss = −mean log softmax(g([φ(s), φ(s′)]))[a]
 *
 * Both networks run on the WebAssembly kernels of nn/wasm/. The encoder
 * sees s and s′ as one stack of 2·rows rows, so the gradient of its shared
 * weights sums both uses; the head passes ∂loss/∂[φ(s), φ(s′)] back to it.
 */
import type { Rng } from "../core/rng.js";
import { ADAM_DEFAULTS } from "../nn/adam.js";
import { orthogonalMlp } from "../nn/init.js";
import { DenseNets, type DenseNetsState } from "../nn/wasm/dense-nets.js";

export interface InverseDynamicsOptions {
  obsSize: number;
  /** Number of discrete actions. */
  actions: number;
  /** Size m of φ. */
  features: number;
  hidden: number;
  learningRate: number;
  /** Most transitions per `train` step (default 256). */
  batch?: number;
}

export interface InverseDynamicsState {
  encoder: DenseNetsState;
  head: DenseNetsState;
}

export class InverseDynamics {
  readonly encoderSizes: number[];
  /** φ: obsSize → hidden → m (ReLU inside, linear output). */
  readonly encoder: DenseNets;
  /** g: 2m → hidden → actions. */
  readonly head: DenseNets;
  private readonly batch: number;

  constructor(
    readonly o: InverseDynamicsOptions,
    rng: Rng,
  ) {
    const { obsSize: d, features: m, hidden, actions } = o;
    this.batch = o.batch ?? 256;
    this.encoderSizes = [d, hidden, m];
    const headSizes = [2 * m, hidden, actions];
    this.encoder = new DenseNets([{ sizes: this.encoderSizes, activation: "relu" }], 2 * this.batch, ADAM_DEFAULTS);
    this.head = new DenseNets([{ sizes: headSizes, activation: "relu" }], this.batch, ADAM_DEFAULTS);
    const init = (nets: DenseNets, sizes: number[], outputGain: number) => {
      const { w, b } = orthogonalMlp(sizes, rng.split(), { outputGain });
      nets.setLeaves(0, w.flatMap((wl, l) => [wl, b[l]]));
    };
    init(this.encoder, this.encoderSizes, 1);
    init(this.head, headSizes, 0.01);
  }

  /** φ of n observations (n × obsSize) into out (n × features). */
  embed(x: Float32Array, n: number, out: Float32Array): void {
    const { obsSize: d, features: m } = this.o;
    const enc = this.encoder;
    const width = enc.outputWidth(0);
    for (let first = 0; first < n; first += enc.capacity) {
      const count = Math.min(enc.capacity, n - first);
      enc.setInput(x.subarray(first * d), count, d);
      enc.forward(0, count);
      const y = enc.output(0);
      for (let i = 0; i < count; i++) out.set(y.subarray(i * width, i * width + m), (first + i) * m);
    }
  }

  /**
   * One Adam step on a minibatch of transitions: s and s′ (rows × obsSize)
   * and the actions taken (rows). Returns the cross-entropy before the step.
   */
  train(s: Float32Array, next: Float32Array, actions: Int32Array, rows: number): number {
    if (rows > this.batch) throw new Error(`InverseDynamics: ${rows} transitions in one step, at most ${this.batch}`);
    const k = this.o.actions;
    const { encoder: enc, head } = this;
    this.forward(s, next, rows);
    // ∂loss/∂logits = (softmax − onehot(a)) / rows
    const logits = head.output(0);
    const dLogits = head.outputGrad(0);
    const w = head.outputWidth(0);
    dLogits.fill(0, 0, rows * w);
    let loss = 0;
    for (let r = 0; r < rows; r++) {
      const z = logits.subarray(r * w, r * w + k);
      const max = Math.max(...z);
      let sum = 0;
      for (let j = 0; j < k; j++) sum += Math.exp(z[j] - max);
      const logSum = max + Math.log(sum);
      loss -= z[actions[r]] - logSum;
      for (let j = 0; j < k; j++) dLogits[r * w + j] = (Math.exp(z[j] - logSum) - (j === actions[r] ? 1 : 0)) / rows;
    }
    head.backward(0, rows, true);
    // Route ∂loss/∂[φ(s), φ(s′)] to the encoder's two stacked halves.
    const m = this.o.features;
    const ew = enc.outputWidth(0);
    const dPhi = enc.outputGrad(0);
    dPhi.fill(0, 0, 2 * rows * ew);
    for (let r = 0; r < rows; r++) {
      const g = head.inputGrad.subarray(r * head.inputWidth);
      for (let j = 0; j < m; j++) {
        dPhi[r * ew + j] = g[j];
        dPhi[(rows + r) * ew + j] = g[m + j];
      }
    }
    enc.backward(0, 2 * rows);
    head.adamStep(this.o.learningRate);
    enc.adamStep(this.o.learningRate);
    return loss / rows;
  }

  /** The parameters and Adam's moments. */
  state(): InverseDynamicsState {
    return { encoder: this.encoder.state(), head: this.head.state() };
  }

  load(state: InverseDynamicsState): void {
    this.encoder.load(state.encoder);
    this.head.load(state.head);
  }

  /** The head's action probabilities for transitions (s, s′): for tests of what the model learned. */
  predict(s: Float32Array, next: Float32Array, rows: number): Float32Array {
    const { obsSize: d, actions: k } = this.o;
    const out = new Float32Array(rows * k);
    const w = this.head.outputWidth(0);
    for (let first = 0; first < rows; first += this.batch) {
      const count = Math.min(this.batch, rows - first);
      this.forward(s.subarray(first * d), next.subarray(first * d), count);
      const logits = this.head.output(0);
      for (let r = 0; r < count; r++) {
        const z = logits.subarray(r * w, r * w + k);
        const max = Math.max(...z);
        let sum = 0;
        for (let j = 0; j < k; j++) sum += Math.exp(z[j] - max);
        for (let j = 0; j < k; j++) out[(first + r) * k + j] = Math.exp(z[j] - max) / sum;
      }
    }
    return out;
  }

  /** Encoder on [s; s′] stacked, head on [φ(s), φ(s′)] side by side. */
  private forward(s: Float32Array, next: Float32Array, rows: number): void {
    const { obsSize: d, features: m } = this.o;
    const { encoder: enc, head } = this;
    enc.setInput(s, rows, d, 0);
    enc.setInput(next, rows, d, rows);
    enc.forward(0, 2 * rows);
    const phi = enc.output(0);
    const ew = enc.outputWidth(0);
    const input = head.input;
    const hw = head.inputWidth;
    for (let r = 0; r < rows; r++) {
      input.set(phi.subarray(r * ew, r * ew + m), r * hw);
      input.set(phi.subarray((rows + r) * ew, (rows + r) * ew + m), r * hw + m);
      input.fill(0, r * hw + 2 * m, (r + 1) * hw);
    }
    head.forward(0, rows);
  }
}
