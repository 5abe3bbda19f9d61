/**
 * Transforms of a term's value (or of the total), applied in place over a
 * batch. Stateful ones (normalize) keep their state inside and expose it for
 * checkpoints; the rest are pure.
 */
import type { Transform } from "./spec.js";

export interface TransformOp {
  /** Transforms `values[0 … n−1]` in place; `terminated[i]` marks the last step of environment i's episode. */
  apply(values: Float64Array, n: number, terminated: ArrayLike<number>): void;
}

/** Welford/Chan running mean and variance over batches (Gymnasium's RunningMeanStd). */
export class RunningMeanStd {
  mean = 0;
  var = 1;
  count = 1e-4;
  update(batch: ArrayLike<number>, n: number): void {
    let m = 0;
    for (let i = 0; i < n; i++) m += batch[i];
    m /= n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (batch[i] - m) ** 2;
    v /= n;
    const delta = m - this.mean;
    const total = this.count + n;
    this.mean += (delta * n) / total;
    this.var = (this.var * this.count + v * n + (delta * delta * this.count * n) / total) / total;
    this.count = total;
  }
}

/** σ(x) = 1 / (1 + e^(−x)). */
/** σ(x) = 1/(1 + e^(−x)), evaluated without overflow for large |x|. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

export function makeTransform(t: Transform, n: number): TransformOp {
  switch (t.type) {
    case "scale":
      return { apply: (v, n) => { for (let i = 0; i < n; i++) v[i] *= t.factor; } };
    case "clip":
      return { apply: (v, n) => { for (let i = 0; i < n; i++) v[i] = Math.min(Math.max(v[i], t.min), t.max); } };
    case "sigmoid": {
      // PAR (Preference As Reward): r ↦ (1/M) Σ_m σ(k·(r − r_ref_m)).
      const refs = typeof t.ref === "number" ? [t.ref] : t.ref;
      return {
        apply: (v, n) => {
          for (let i = 0; i < n; i++) {
            let s = 0;
            for (const ref of refs) s += sigmoid(t.k * (v[i] - ref));
            v[i] = s / refs.length;
          }
        },
      };
    }
    case "expShape": {
      // Lucy-SKG: d ↦ exp(−0.5·d / (v_max·dispersion))^(1/density).
      const scale = -0.5 / (t.vmax * t.dispersion);
      const power = 1 / t.density;
      return { apply: (v, n) => { for (let i = 0; i < n; i++) v[i] = Math.pow(Math.exp(scale * v[i]), power); } };
    }
    case "power": {
      // Lucy-SKG: r ↦ sign(r)·|r|^(1/density).
      const power = 1 / t.density;
      return { apply: (v, n) => { for (let i = 0; i < n; i++) v[i] = Math.sign(v[i]) * Math.pow(Math.abs(v[i]), power); } };
    }
    case "normalize":
      return new NormalizeReward(n, t.gamma, t.epsilon);
  }
}

/**
 * Scales rewards by the running standard deviation of the discounted return
 * (Gymnasium's NormalizeReward): G_i ← γ·G_i·(1 − terminated_i) + r_i, update
 * the running variance with the G_i, then r_i ← r_i / √(var + ε).
 */
export class NormalizeReward implements TransformOp {
  readonly returns: Float64Array;
  readonly rms = new RunningMeanStd();
  constructor(
    n: number,
    readonly gamma: number,
    readonly epsilon: number,
  ) {
    this.returns = new Float64Array(n);
  }
  apply(v: Float64Array, n: number, terminated: ArrayLike<number>): void {
    const G = this.returns;
    for (let i = 0; i < n; i++) G[i] = G[i] * this.gamma * (1 - (terminated[i] ? 1 : 0)) + v[i];
    this.rms.update(G, n);
    const scale = 1 / Math.sqrt(this.rms.var + this.epsilon);
    for (let i = 0; i < n; i++) v[i] *= scale;
  }
}

/** Combines children values row by row into `out`. */
export function combine(op: "sum" | "product" | "krc" | "min" | "max", children: readonly Float64Array[], n: number, out: Float64Array): void {
  const k = children.length;
  for (let i = 0; i < n; i++) {
    let acc: number;
    switch (op) {
      case "sum":
        acc = 0;
        for (let j = 0; j < k; j++) acc += children[j][i];
        break;
      case "product":
        acc = 1;
        for (let j = 0; j < k; j++) acc *= children[j][i];
        break;
      case "krc": {
        // Kinesthetic Reward Combination (Lucy-SKG): sign·|Π r_j|^(1/N), the
        // sign negative if any factor is: a soft logical AND of the terms.
        let prod = 1;
        let negative = false;
        for (let j = 0; j < k; j++) {
          const r = children[j][i];
          if (r < 0) negative = true;
          prod *= r;
        }
        acc = (negative ? -1 : 1) * Math.pow(Math.abs(prod), 1 / k);
        break;
      }
      case "min":
        acc = Infinity;
        for (let j = 0; j < k; j++) acc = Math.min(acc, children[j][i]);
        break;
      case "max":
        acc = -Infinity;
        for (let j = 0; j < k; j++) acc = Math.max(acc, children[j][i]);
        break;
    }
    out[i] = acc;
  }
}
