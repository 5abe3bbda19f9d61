/**
 * Personalized rewards by Variational Preference Learning (Poddar et al.
 * 2024, "Personalizing RLHF with Variational Preference Learning"). People
 * disagree; one Bradley–Terry model averages them away. VPL infers a latent
 * z of each user from a few of that user's labels and conditions the reward
 * on it:
 *
 *   q(z | context) = N(μ, σ²),  [μ, log σ] = g(mean_i e([x̄_a, x̄_b, y]_i))
 *   r(x, z) = MLP(x ⊕ z)
 *   loss = BT(r(·, z) on the user's query pairs) + β·KL(q ‖ N(0, I)),  z = μ + σ·ε
 *
 * with x̄ a segment's mean feature row. The decoder's first layer is split
 * as W_x·x + W_z·z, so z is added to every step without copying it.
 */
import { Rng } from "../../core/rng.js";
import { jnn, np, tree, type JaxArray } from "../../nn/jax.js";
import { initMlp, mlpForward, type MlpParams } from "../../nn/mlp.js";
import { AdamTrainer } from "../../nn/train-step.js";
import type { Comparison } from "./reward-model.js";

export interface VplOptions {
  latent?: number;
  hidden?: number;
  beta?: number;
  learningRate?: number;
  seed?: number;
}

/** One user's labelled pairs: `context` to infer z from, `queries` to be predicted. */
export interface UserBatch {
  context: Comparison[];
  queries: Comparison[];
}

interface Params {
  encoder: MlpParams;
  head: MlpParams;
  decoderIn: { wx: JaxArray; wz: JaxArray; b: JaxArray };
  decoderOut: MlpParams;
}

export class Vpl {
  private readonly trainer: AdamTrainer<Params>;
  private readonly rng: Rng;
  private readonly k: number;
  private readonly h: number;

  constructor(
    readonly inputSize: number,
    o: VplOptions = {},
  ) {
    this.k = o.latent ?? 4;
    this.h = o.hidden ?? 32;
    this.rng = new Rng(o.seed ?? 0);
    const d = inputSize;
    const [k, h] = [this.k, this.h];
    const first = initMlp([d + k, h], this.rng.split())[0];
    // Split the decoder's first layer into its x rows and its z rows.
    const w = first.w;
    const params = {
      encoder: initMlp([2 * d + 1, h], this.rng.split()),
      head: initMlp([h, 2 * k], this.rng.split(), { outputGain: 0.01 }),
      decoderIn: { wx: w.ref.slice([0, d]), wz: w.slice([d, d + k]), b: first.b },
      decoderOut: initMlp([h, 1], this.rng.split()),
    };
    const beta = o.beta ?? 0.01;
    // U users, each with C context rows [U, C, 2d + 1] and Q query pairs of T steps (xa, xb [U, Q·T, d], y [U·Q]); eps [U, k].
    const loss = (p: Params, ctx: JaxArray, xa: JaxArray, xb: JaxArray, y: JaxArray, eps: JaxArray) => {
      const [U, C] = ctx.shape;
      const Q = y.shape[0] / U;
      const T = xa.shape[1] / Q;
      const [mu, logSigma] = Vpl.posterior(tree.ref(p), ctx, U, C, d, k);
      const z = mu.ref.add(np.exp(logSigma.ref).mul(eps));
      const ra = Vpl.returns(tree.ref(p), xa, z.ref, U, Q, T, d);
      const rb = Vpl.returns(p, xb, z, U, Q, T, d);
      const logits = np.concatenate([ra.reshape([U * Q, 1]), rb.reshape([U * Q, 1])], 1);
      const yy = y.reshape([U * Q, 1]);
      const target = np.concatenate([yy.ref, np.subtract(1, yy)], 1);
      const nll = jnn.logSoftmax(logits, -1).mul(target).sum(1).neg().mean();
      // KL(N(μ, σ²) ‖ N(0, I)) = ½ Σ (μ² + σ² − 1 − 2 log σ), averaged over users.
      const kl = mu.ref.mul(mu).add(np.exp(logSigma.ref.mul(2))).sub(1).sub(logSigma.mul(2)).sum(1).mean().mul(0.5);
      return nll.add(kl.mul(beta));
    };
    this.trainer = new AdamTrainer<Params>(params, loss, { learningRate: o.learningRate ?? 1e-3 });
  }

  /** [μ, log σ] of each user from its context pairs: ctx [U, C, 2d + 1]. */
  private static posterior(p: Params, ctx: JaxArray, U: number, C: number, d: number, k: number): [JaxArray, JaxArray] {
    const e = mlpForward(p.encoder, ctx.reshape([U * C, 2 * d + 1]), "relu");
    const pooled = np.maximum(e, 0).reshape([U, C, -1]).mean(1);
    const out = mlpForward(p.head, pooled, "relu");
    return [out.ref.slice([], [0, k]), np.clip(out.slice([], [k, 2 * k]), -5, 2)];
  }

  /** Each query segment's return under z: x [U, Q·T, d] → [U, Q]. */
  private static returns(p: Params, x: JaxArray, z: JaxArray, U: number, Q: number, T: number, d: number): JaxArray {
    const h = np.matmul(x.reshape([U * Q * T, d]), p.decoderIn.wx).reshape([U, Q * T, -1]).add(np.matmul(z, p.decoderIn.wz).reshape([U, 1, -1])).add(p.decoderIn.b);
    const r = mlpForward(p.decoderOut, np.maximum(h, 0).reshape([U * Q * T, -1]), "relu");
    return r.reshape([U, Q, T]).sum(2);
  }

  /** Context rows [x̄_a, x̄_b, y] of each user's context pairs, flat [U, C, 2d + 1]. */
  private contextRows(users: readonly UserBatch[], C: number): Float32Array {
    const d = this.inputSize;
    const rows = new Float32Array(users.length * C * (2 * d + 1));
    users.forEach((u, i) => {
      u.context.slice(0, C).forEach((c, j) => {
        const o = (i * C + j) * (2 * d + 1);
        const T = c.a.length / d;
        for (let t = 0; t < T; t++) for (let f = 0; f < d; f++) {
          rows[o + f] += c.a[t * d + f] / T;
          rows[o + d + f] += c.b[t * d + f] / T;
        }
        rows[o + 2 * d] = c.label;
      });
    });
    return rows;
  }

  /** One Adam step on a batch of users (each with at least C context pairs and Q queries of T steps). */
  train(users: readonly UserBatch[], C: number, Q: number): number {
    const d = this.inputSize;
    const U = users.length;
    const T = users[0].queries[0].a.length / d;
    const xa = new Float32Array(U * Q * T * d);
    const xb = new Float32Array(U * Q * T * d);
    const y = new Float32Array(U * Q);
    users.forEach((u, i) => u.queries.slice(0, Q).forEach((c, j) => {
      xa.set(c.a, (i * Q + j) * T * d);
      xb.set(c.b, (i * Q + j) * T * d);
      y[i * Q + j] = c.label;
    }));
    const eps = Float32Array.from({ length: U * this.k }, () => this.rng.normal());
    return this.trainer.step([np.array(this.contextRows(users, C)).reshape([U, C, 2 * d + 1]), np.array(xa).reshape([U, Q * T, d]), np.array(xb).reshape([U, Q * T, d]), np.array(y), np.array(eps).reshape([U, this.k])]).loss;
  }

  /** P(a ≻ b) for a user's queries, with z = μ inferred from that user's context. */
  predict(user: UserBatch, C: number): number[] {
    const d = this.inputSize;
    const Q = user.queries.length;
    const T = user.queries[0].a.length / d;
    const p = tree.ref(this.trainer.params);
    const [mu, logSigma] = Vpl.posterior(tree.ref(p), np.array(this.contextRows([user], C)).reshape([1, C, 2 * d + 1]), 1, C, d, this.k);
    logSigma.dispose();
    const xa = new Float32Array(Q * T * d);
    const xb = new Float32Array(Q * T * d);
    user.queries.forEach((c, j) => (xa.set(c.a, j * T * d), xb.set(c.b, j * T * d)));
    const ra = Vpl.returns(tree.ref(p), np.array(xa).reshape([1, Q * T, d]), mu.ref, 1, Q, T, d).dataSync() as Float32Array;
    const rb = Vpl.returns(p, np.array(xb).reshape([1, Q * T, d]), mu, 1, Q, T, d).dataSync() as Float32Array;
    return Array.from(ra, (v, j) => 1 / (1 + Math.exp(rb[j] - v)));
  }
}
