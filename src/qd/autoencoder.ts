/**
 * A small autoencoder over final observations: the learned behaviour space
 * of TAXONS / STAX (Paolo et al. 2020, "Unsupervised Learning and
 * Exploration of Reachable Outcome Space"; "Discovering and Exploiting
 * Sparse Rewards in a Learned Behavior Space"). Its k-dimensional code of
 * the observation an episode ends on is the behaviour descriptor, so no one
 * has to say by hand which features describe a behaviour.
 *
 *   z = enc(o),  ô = dec(z),  loss = mean ‖ô − o‖²
 */
import type { Rng } from "../core/rng.js";
import { np, type JaxArray } from "../nn/jax.js";
import { initMlp, mlpForward, mlpWeights, type MlpParams } from "../nn/mlp.js";
import { mlpForwardJs, mlpScratch, type MlpWeights } from "../nn/mlp-js.js";
import { AdamTrainer } from "../nn/train-step.js";

interface Params {
  encoder: MlpParams;
  decoder: MlpParams;
}

export class Autoencoder {
  private readonly trainer: AdamTrainer<Params>;
  private encoder: MlpWeights;
  private readonly encoderSizes: number[];

  constructor(
    readonly inputSize: number,
    readonly latent: number,
    readonly hidden: number,
    learningRate: number,
    private readonly rng: Rng,
  ) {
    this.encoderSizes = [inputSize, hidden, latent];
    const params = { encoder: initMlp(this.encoderSizes, rng.split()), decoder: initMlp([latent, hidden, inputSize], rng.split()) };
    this.encoder = mlpWeights(params.encoder, this.encoderSizes);
    const loss = (p: Params, x: JaxArray) => {
      const z = mlpForward(p.encoder, x.ref, "tanh");
      const diff = mlpForward(p.decoder, z, "tanh").sub(x);
      return diff.ref.mul(diff).mean();
    };
    this.trainer = new AdamTrainer<Params>(params, loss, { learningRate });
  }

  /** `steps` Adam steps on minibatches drawn from `rows` observations; returns the last minibatch's loss. */
  train(data: Float32Array, rows: number, steps: number, minibatch = 64): number {
    const d = this.inputSize;
    const mb = Math.min(minibatch, rows);
    const x = new Float32Array(mb * d);
    let last = NaN;
    for (let t = 0; t < steps; t++) {
      for (let r = 0; r < mb; r++) {
        const k = this.rng.int(rows);
        x.set(data.subarray(k * d, (k + 1) * d), r * d);
      }
      last = this.trainer.step([np.array(x).reshape([mb, d])]).loss;
    }
    this.encoder = mlpWeights(this.trainer.params.encoder, this.encoderSizes);
    return last;
  }

  /** The codes of `rows` observations, each a plain array. */
  encode(data: Float32Array, rows: number): number[][] {
    const out = new Float32Array(rows * this.latent);
    mlpForwardJs(this.encoder, data, rows, out, "tanh", mlpScratch(this.encoderSizes, rows));
    return Array.from({ length: rows }, (_, r) => Array.from(out.subarray(r * this.latent, (r + 1) * this.latent)));
  }
}
