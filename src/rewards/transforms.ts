/**
 * Transforms of a term's value (or of the total), applied in place over a
 * batch. Stateful ones (normalize) keep their state inside and expose it for
 * checkpoints; the rest are pure.
 */
import { RunningMeanStd, type RunningMeanStdState } from "../core/running-stats.js";
import type { Transform } from "./kinds/fields.js";

export interface TransformOp {
  /** Transforms `values[0 … n−1]` in place; `terminated[i]` marks the last step of environment i's episode. */
  apply(values: Float64Array, n: number, terminated: ArrayLike<number>): void;
  /** What the transform carries between steps, JSON-ready (null for a pure one). */
  state(): unknown;
  /** Restores `state()` into a transform made from the same spec. */
  load(state: unknown): void;
}

// The running statistic lives in core; re-exported for the transform's users.
export { RunningMeanStd };

/** A transform with nothing to carry between steps. */
function pure(apply: (v: Float64Array, n: number) => void): TransformOp {
  return { apply, state: () => null, load() {} };
}

/** σ(x) = 1/(1 + e^(−x)), evaluated without overflow for large |x|. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

export function makeTransform(t: Transform, n: number): TransformOp {
  switch (t.type) {
    case "scale":
      return pure((v, n) => { for (let i = 0; i < n; i++) v[i] *= t.factor; });
    case "clip":
      return pure((v, n) => { for (let i = 0; i < n; i++) v[i] = Math.min(Math.max(v[i], t.min), t.max); });
    case "sigmoid": {
      // PAR (Preference As Reward): r ↦ (1/M) Σ_m σ(k·(r − r_ref_m)).
      const refs = typeof t.ref === "number" ? [t.ref] : t.ref;
      return pure((v, n) => {
        for (let i = 0; i < n; i++) {
          let s = 0;
          for (const ref of refs) s += sigmoid(t.k * (v[i] - ref));
          v[i] = s / refs.length;
        }
      });
    }
    case "expShape": {
      // Lucy-SKG: d ↦ exp(−0.5·d / (v_max·dispersion))^(1/density).
      const scale = -0.5 / (t.vmax * t.dispersion);
      const power = 1 / t.density;
      return pure((v, n) => { for (let i = 0; i < n; i++) v[i] = Math.pow(Math.exp(scale * v[i]), power); });
    }
    case "power": {
      // Lucy-SKG: r ↦ sign(r)·|r|^(1/density).
      const power = 1 / t.density;
      return pure((v, n) => { for (let i = 0; i < n; i++) v[i] = Math.sign(v[i]) * Math.pow(Math.abs(v[i]), power); });
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

  /** Each environment's discounted return so far and the running statistics of returns. */
  state(): { returns: number[]; rms: RunningMeanStdState } {
    return { returns: Array.from(this.returns), rms: this.rms.state() };
  }

  load(state: unknown): void {
    const s = state as ReturnType<NormalizeReward["state"]>;
    this.returns.set(s.returns);
    this.rms.load(s.rms);
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
