/**
 * E3B (Henaff et al. 2022, "Exploration via Elliptical Episodic Bonuses"):
 * b = φ(s′)ᵀ C⁻¹ φ(s′), with C = λI + Σ φφᵀ over the states of the current
 * episode, kept as its inverse by Sherman–Morrison rank-one updates:
 *
 *   C⁻¹ ← C⁻¹ − (C⁻¹φ)(C⁻¹φ)ᵀ / (1 + φᵀC⁻¹φ)
 *
 * φ is the paper's: an inverse-dynamics embedding trained online between
 * rollouts (`embedding: inverse-dynamics`, the default), so the bonus counts
 * what the agent's actions change. `embedding: random` uses a fixed random
 * feature map tanh(W·s), W Gaussian: no training, and cheaper.
 */
import { z } from "zod";
import { UserError } from "../core/errors.js";
import { Rng } from "../core/rng.js";
import { Rows } from "../nn/rows.js";
import { loadRows, rowsState } from "../nn/rows-state.js";
import { indices, shuffledBatches } from "../nn/train-step.js";
import { InverseDynamics, type InverseDynamicsState } from "./inverse-dynamics.js";
import type { ModuleBatch, RewardModule } from "./module.js";
import { BonusScale, parseBonusOptions, type BonusScaleState } from "./options.js";

const E3bOptions = z.object({
  embedding: z.enum(["inverse-dynamics", "random"]).default("inverse-dynamics").describe("φ: learned by inverse dynamics, or fixed random features"),
  features: z.number().int().min(1).max(256).default(32).describe("size m of φ"),
  lambda: z.number().positive().default(0.1).describe("ridge λ: C starts as λI"),
  hidden: z.number().int().positive().default(64).describe("hidden units of the inverse-dynamics encoder and head"),
  learningRate: z.number().positive().default(3e-4).describe("inverse-dynamics Adam learning rate"),
  epochs: z.number().int().positive().default(1).describe("passes over each rollout's transitions"),
  minibatch: z.number().int().positive().default(256),
  seed: z.number().int().nonnegative().default(0).describe("seed of the features (random or initial)"),
});

/** Each environment's C⁻¹ (m × m, row-major); with learned features, φ's model, the update's random stream and the rollout's transitions too. */
interface E3bState {
  inverse: number[][];
  scale: BonusScaleState;
  learned?: { model: InverseDynamicsState; rng: [number, number, number, number]; seen: number[] };
}

export function e3bBonus(raw: Record<string, unknown>, path: string): RewardModule & { inverse: Float64Array[]; model(): InverseDynamics | undefined } {
  const options = parseBonusOptions(E3bOptions, raw, path);
  const scale = new BonusScale(options);
  const m = options.features;
  const learned = options.embedding === "inverse-dynamics";
  let W = new Float32Array(0);
  let d = 0;
  const inverse: Float64Array[] = [];
  const phi = new Float64Array(m);
  const u = new Float64Array(m);
  let model: InverseDynamics | undefined;
  const updateRng = new Rng(options.seed + 1);
  let phiBatch = new Float32Array(0);
  // The rollout's transitions, one row [s, s′, a] each, for the next inverse-dynamics update.
  let seen = new Rows(1);
  let row = new Float32Array(0);
  const resetInverse = (inv: Float64Array) => {
    inv.fill(0);
    for (let j = 0; j < m; j++) inv[j * m + j] = 1 / options.lambda;
  };
  return {
    name: "e3b",
    inverse,
    model: () => model,
    init(info) {
      d = info.obsSize;
      for (let i = 0; i < info.n; i++) {
        const inv = new Float64Array(m * m);
        resetInverse(inv);
        inverse.push(inv);
      }
      if (learned) {
        if (info.actionCount === undefined || info.actionSize !== 1) {
          throw new UserError(`${path}.embedding`, "inverse-dynamics features need discrete actions numbered from 0; use embedding: random here");
        }
        model = new InverseDynamics({ obsSize: d, actions: info.actionCount, features: m, hidden: options.hidden, learningRate: options.learningRate, batch: options.minibatch }, new Rng(options.seed));
        phiBatch = new Float32Array(info.n * m);
        seen = new Rows(2 * d + 1);
        row = new Float32Array(info.n * (2 * d + 1));
        return;
      }
      // W (m × d) drawn row by row, stored transposed (d × m) so zeros in s′ cost nothing.
      const rng = new Rng(options.seed);
      W = new Float32Array(m * d);
      const s = 1 / Math.sqrt(d);
      for (let r = 0; r < m; r++) for (let j = 0; j < d; j++) W[j * m + r] = rng.normal() * s;
    },
    compute(b: ModuleBatch, out: Float64Array) {
      const obs = b.nextObs!;
      if (model) {
        model.embed(obs, b.n, phiBatch);
        remember(b);
      }
      for (let i = 0; i < b.n; i++) {
        const o = i * d;
        if (model) {
          for (let r = 0; r < m; r++) phi[r] = phiBatch[i * m + r];
        } else {
          // φ = tanh(W·s′)
          phi.fill(0);
          for (let j = 0; j < d; j++) {
            const x = obs[o + j];
            if (x === 0) continue;
            for (let r = 0; r < m; r++) phi[r] += W[j * m + r] * x;
          }
          for (let r = 0; r < m; r++) phi[r] = Math.tanh(phi[r]);
        }
        // u = C⁻¹φ; b = φᵀu
        const inv = inverse[i];
        let bonus = 0;
        for (let r = 0; r < m; r++) {
          let acc = 0;
          for (let c = 0; c < m; c++) acc += inv[r * m + c] * phi[c];
          u[r] = acc;
          bonus += phi[r] * acc;
        }
        out[i] = bonus;
        // Sherman–Morrison with the symmetric C⁻¹: C⁻¹ −= u·uᵀ / (1 + φᵀu)
        const denom = 1 + bonus;
        for (let r = 0; r < m; r++) {
          const ur = u[r] / denom;
          for (let c = 0; c < m; c++) inv[r * m + c] -= ur * u[c];
        }
      }
      scale.apply(out, b.n);
    },
    endEpisode(i) {
      resetInverse(inverse[i]);
    },
    update(): Record<string, number> {
      if (!model || seen.count === 0) return {};
      const rows = seen.count;
      const mb = Math.min(options.minibatch, rows);
      const order = indices(rows);
      const xs = new Float32Array(mb * d);
      const xn = new Float32Array(mb * d);
      const a = new Int32Array(mb);
      let total = 0;
      let count = 0;
      for (let epoch = 0; epoch < options.epochs; epoch++) {
        for (const batch of shuffledBatches(order, mb, updateRng)) {
          batch.forEach((i, r) => {
            const t = seen.row(i);
            xs.set(t.subarray(0, d), r * d);
            xn.set(t.subarray(d, 2 * d), r * d);
            a[r] = t[2 * d];
          });
          total += model.train(xs, xn, a, mb);
          count++;
        }
      }
      seen.clear();
      return { loss: count ? total / count : NaN };
    },
    state(): E3bState {
      return {
        inverse: inverse.map((inv) => Array.from(inv)),
        scale: scale.state(),
        learned: model && { model: model.state(), rng: updateRng.getState(), seen: rowsState(seen) },
      };
    },
    load(state) {
      const s = state as E3bState;
      s.inverse.forEach((inv, i) => inverse[i].set(inv));
      scale.load(s.scale);
      if (model && s.learned) {
        model.load(s.learned.model);
        updateRng.setState(s.learned.rng);
        loadRows(seen, s.learned.seen);
      }
    },
  };

  /** Keeps this step's transitions for the next update. */
  function remember(b: ModuleBatch): void {
    const w = 2 * d + 1;
    for (let i = 0; i < b.n; i++) {
      row.set(b.obs!.subarray(i * d, (i + 1) * d), i * w);
      row.set(b.nextObs!.subarray(i * d, (i + 1) * d), i * w + d);
      row[i * w + 2 * d] = b.actions[i];
    }
    seen.push(row, b.n);
  }
}
