/**
 * Multi-objective rewards: each term belongs to an objective (default
 * "reward"); a scalarization turns the vector of objective rewards into the
 * reward to learn from. Every objective's return is logged either way.
 *
 * - weighted:      Σ_i w_i·r_i
 * - chebyshev:     −max_i w_i·|z_i − r_i|, z the utopia (reference) point
 * - lexicographic: Σ_i base^(K−1−rank_i)·r̃_i, r̃_i = min(r_i, τ_i) for all but
 *                  the last objective: a thresholded lexicographic order
 *                  (Gábor et al. 1998) approximated by widely spaced weights.
 * All act per step.
 */
import { UserError } from "../core/errors.js";
import type { Scalarize } from "./spec.js";

export type Scalarizer = (objectives: readonly Float64Array[], n: number, out: Float64Array) => void;

export function scalarizer(config: Scalarize | undefined, objectives: readonly string[], path: string): Scalarizer {
  if (!config) {
    return (obj, n, out) => {
      out.fill(0, 0, n);
      for (const o of obj) for (let i = 0; i < n; i++) out[i] += o[i];
    };
  }
  for (const key of [...Object.keys(config.weights), ...Object.keys(config.reference), ...Object.keys(config.thresholds), ...(config.order ?? [])]) {
    if (!objectives.includes(key)) throw new UserError(path, `unknown objective ${JSON.stringify(key)}; the terms name: ${objectives.join(", ")}`);
  }
  const w = objectives.map((o) => config.weights[o] ?? 1);
  switch (config.method) {
    case "weighted":
      return (obj, n, out) => {
        out.fill(0, 0, n);
        obj.forEach((o, k) => { for (let i = 0; i < n; i++) out[i] += w[k] * o[i]; });
      };
    case "chebyshev": {
      const z = objectives.map((o) => config.reference[o] ?? 0);
      return (obj, n, out) => {
        for (let i = 0; i < n; i++) {
          let worst = -Infinity;
          for (let k = 0; k < obj.length; k++) worst = Math.max(worst, w[k] * Math.abs(z[k] - obj[k][i]));
          out[i] = -worst;
        }
      };
    }
    case "lexicographic": {
      const order = config.order ?? objectives;
      if (order.length !== objectives.length) throw new UserError(`${path}.order`, `expected every objective once (${objectives.join(", ")}), got ${order.join(", ")}`);
      const rank = objectives.map((o) => order.indexOf(o));
      const K = objectives.length;
      const tau = objectives.map((o) => config.thresholds[o] ?? Infinity);
      return (obj, n, out) => {
        for (let i = 0; i < n; i++) {
          let s = 0;
          for (let k = 0; k < K; k++) {
            const r = rank[k] < K - 1 ? Math.min(obj[k][i], tau[k]) : obj[k][i];
            s += Math.pow(config.base, K - 1 - rank[k]) * r;
          }
          out[i] = s;
        }
      };
    }
  }
}
