/**
 * E3B (Henaff et al. 2022, "Exploration via Elliptical Episodic Bonuses"):
 * b = φ(s′)ᵀ C⁻¹ φ(s′), with C = λI + Σ φφᵀ over the states of the current
 * episode, kept as its inverse by Sherman–Morrison rank-one updates:
 *
 *   C⁻¹ ← C⁻¹ − (C⁻¹φ)(C⁻¹φ)ᵀ / (1 + φᵀC⁻¹φ)
 *
 * φ here is a fixed random feature map, tanh(W·s) with W Gaussian (the
 * paper's inverse-dynamics features are the learned option, still to come).
 */
import { z } from "zod";
import { Rng } from "../core/rng.js";
import type { RewardBatch } from "../rewards/batch.js";
import type { IntrinsicModule } from "../rewards/intrinsic.js";
import { BonusScale, parseBonusOptions } from "./options.js";

const E3bOptions = z.object({
  features: z.number().int().min(1).max(256).default(32).describe("size m of φ"),
  lambda: z.number().positive().default(0.1).describe("ridge λ: C starts as λI"),
  seed: z.number().int().nonnegative().default(0).describe("seed of the random features"),
});

export function e3bBonus(raw: Record<string, unknown>, path: string): IntrinsicModule & { inverse: Float64Array[] } {
  const options = parseBonusOptions(E3bOptions, raw, path);
  const scale = new BonusScale(options);
  const m = options.features;
  let W = new Float32Array(0);
  let d = 0;
  const inverse: Float64Array[] = [];
  const phi = new Float64Array(m);
  const u = new Float64Array(m);
  const resetInverse = (inv: Float64Array) => {
    inv.fill(0);
    for (let j = 0; j < m; j++) inv[j * m + j] = 1 / options.lambda;
  };
  return {
    name: "e3b",
    inverse,
    init(info) {
      d = info.obsSize;
      // W (m × d) drawn row by row, stored transposed (d × m) so zeros in s′ cost nothing.
      const rng = new Rng(options.seed);
      W = new Float32Array(m * d);
      const s = 1 / Math.sqrt(d);
      for (let r = 0; r < m; r++) for (let j = 0; j < d; j++) W[j * m + r] = rng.normal() * s;
      for (let i = 0; i < info.n; i++) {
        const inv = new Float64Array(m * m);
        resetInverse(inv);
        inverse.push(inv);
      }
    },
    compute(b: RewardBatch, out: Float64Array) {
      const obs = b.nextObs!;
      for (let i = 0; i < b.n; i++) {
        // φ = tanh(W·s′)
        const o = i * d;
        phi.fill(0);
        for (let j = 0; j < d; j++) {
          const x = obs[o + j];
          if (x === 0) continue;
          for (let r = 0; r < m; r++) phi[r] += W[j * m + r] * x;
        }
        for (let r = 0; r < m; r++) phi[r] = Math.tanh(phi[r]);
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
  };
}
