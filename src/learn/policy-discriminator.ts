/**
 * A policy discriminator as a reward model (the idea of POLAR, "Pre-Trained
 * Policy Discriminators are General Reward Models", at small scale): learn
 * an embedding of trajectories such that two trajectories of the same
 * policy are closer than trajectories of different policies, then reward a
 * trajectory by its similarity to a target policy's trajectories. No reward
 * is written or labelled: "behave like this policy" is the criterion.
 *
 *   e(τ) = normalize(mean_t g(x_t)),  s(τ, τ′) = κ · e(τ)·e(τ′)
 *   loss = −log σ(s(anchor, same policy) − s(anchor, other policy))
 *
 * with x_t the transition rows [s, one-hot a, s′, absorbing] and κ a fixed
 * temperature.
 */
import { Rng } from "../core/rng.js";
import { np, tree, type JaxArray } from "../nn/jax.js";
import { initMlp, mlpForward, type MlpParams } from "../nn/mlp.js";
import { AdamTrainer } from "../nn/train-step.js";

export interface DiscriminatorOptions {
  hidden?: number;
  embedding?: number;
  temperature?: number;
  learningRate?: number;
  seed?: number;
}

/** A (anchor, positive, negative) triple: segments of T steps (T × inputSize rows). */
export interface Triple {
  anchor: Float32Array;
  same: Float32Array;
  other: Float32Array;
}

export class PolicyDiscriminator {
  private readonly trainer: AdamTrainer<MlpParams>;
  private readonly kappa: number;
  /** Per-feature mean and 1/std, fitted on the first training batch: observations dwarf one-hot actions otherwise. */
  private mean?: Float32Array;
  private inverseStd?: Float32Array;

  constructor(
    readonly inputSize: number,
    o: DiscriminatorOptions = {},
  ) {
    this.kappa = o.temperature ?? 5;
    const kappa = this.kappa;
    const d = inputSize;
    // Triples of B segments of T steps each: [B, T·d].
    const loss = (p: MlpParams, anchor: JaxArray, same: JaxArray, other: JaxArray) => {
      const [B, Td] = anchor.shape;
      const T = Td / d;
      const ea = PolicyDiscriminator.embed(tree.ref(p), anchor, B, T, d);
      const es = PolicyDiscriminator.embed(tree.ref(p), same, B, T, d);
      const eo = PolicyDiscriminator.embed(p, other, B, T, d);
      const margin = ea.ref.mul(es).sum(1).sub(ea.mul(eo).sum(1)).mul(kappa);
      // −log σ(margin) = log(1 + e^(−margin))
      return np.logaddexp(0, margin.neg()).mean();
    };
    this.trainer = new AdamTrainer(initMlp([inputSize, o.hidden ?? 64, o.embedding ?? 32], new Rng(o.seed ?? 0)), loss, { learningRate: o.learningRate ?? 1e-3 });
  }

  /** e(τ) for B segments of T steps: [B, T·d] → [B, k], unit length. */
  private static embed(p: MlpParams, x: JaxArray, B: number, T: number, d: number): JaxArray {
    const e = mlpForward(p, x.reshape([B * T, d]), "relu").reshape([B, T, -1]).mean(1);
    return e.ref.div(np.sqrt(e.ref.mul(e).sum(1, { keepdims: true }).add(1e-8)));
  }

  /** One Adam step on a batch of triples (all segments of T steps); returns the loss. */
  train(triples: readonly Triple[]): number {
    const d = this.inputSize;
    const B = triples.length;
    const T = triples[0].anchor.length / d;
    if (!this.mean) this.fit(triples.flatMap((t) => [t.anchor, t.same, t.other]));
    const stack = (f: (t: Triple) => Float32Array) => {
      const out = new Float32Array(B * T * d);
      triples.forEach((t, i) => out.set(f(t), i * T * d));
      return np.array(this.standardize(out)).reshape([B, T * d]);
    };
    return this.trainer.step([stack((t) => t.anchor), stack((t) => t.same), stack((t) => t.other)]).loss;
  }

  private fit(segments: readonly Float32Array[]): void {
    const d = this.inputSize;
    const mean = new Float32Array(d);
    const sq = new Float32Array(d);
    let rows = 0;
    for (const s of segments) {
      for (let r = 0; r < s.length / d; r++, rows++) for (let j = 0; j < d; j++) (mean[j] += s[r * d + j]), (sq[j] += s[r * d + j] ** 2);
    }
    this.mean = mean.map((m) => m / rows);
    this.inverseStd = sq.map((v, j) => 1 / Math.sqrt(Math.max(v / rows - this.mean![j] ** 2, 0) + 1e-2));
  }

  private standardize(x: Float32Array): Float32Array {
    const d = this.inputSize;
    if (!this.mean) return x;
    for (let i = 0; i < x.length; i++) x[i] = (x[i] - this.mean[i % d]) * this.inverseStd![i % d];
    return x;
  }

  /** Unit embeddings of segments of T steps, one row each. */
  embeddings(segments: readonly Float32Array[]): number[][] {
    const d = this.inputSize;
    const T = segments[0].length / d;
    const x = new Float32Array(segments.length * T * d);
    segments.forEach((s, i) => x.set(s, i * T * d));
    const e = PolicyDiscriminator.embed(tree.ref(this.trainer.params), np.array(this.standardize(x)).reshape([segments.length, T * d]), segments.length, T, d);
    const flat = e.dataSync() as Float32Array;
    const k = flat.length / segments.length;
    return segments.map((_, i) => Array.from(flat.subarray(i * k, (i + 1) * k)));
  }

  /** The reward of each trajectory: its mean similarity κ·e·e′ to the target policy's trajectories. */
  reward(trajectories: readonly Float32Array[], targets: readonly Float32Array[]): number[] {
    const e = this.embeddings(trajectories);
    const t = this.embeddings(targets);
    return e.map((u) => (this.kappa * t.reduce((s, v) => s + v.reduce((acc, x, j) => acc + x * u[j], 0), 0)) / t.length);
  }
}
