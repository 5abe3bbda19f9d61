/**
 * Options every bonus shares (as RLeXplore has them): a coefficient that
 * decays as β·(1 − κ)^t over the vector's steps t, and a normalization of
 * the raw bonus: running mean/std (`rms`), running min/max (`minmax`) or none.
 */
import { z } from "zod";
import { parseConfig } from "../core/config.js";
import { RunningMeanStd, type RunningMeanStdState } from "../core/running-stats.js";

export const BonusOptions = z
  .object({
    beta: z.number().min(0).default(1).describe("coefficient β"),
    kappa: z.number().min(0).max(1).default(0).describe("decay κ: the coefficient is β·(1 − κ)^t"),
    normalize: z.enum(["none", "rms", "minmax"]).default("none").describe("normalization of the raw bonus"),
  })
  .strict();
export type BonusOptions = z.output<typeof BonusOptions>;

/** Parses a bonus's options: the shared ones plus its own. */
export function parseBonusOptions<S extends z.ZodObject>(own: S, options: Record<string, unknown>, path: string): z.output<S> & BonusOptions {
  return parseConfig(BonusOptions.extend(own.shape).strict(), options, path) as z.output<S> & BonusOptions;
}

/** Scales raw bonuses in place: normalization, then the decaying coefficient. */
export class BonusScale {
  private t = 0;
  private readonly rms = new RunningMeanStd();
  private min = Infinity;
  private max = -Infinity;

  constructor(private readonly options: BonusOptions) {}

  apply(values: Float64Array, n: number): void {
    const { beta, kappa, normalize } = this.options;
    if (normalize === "rms") {
      this.rms.update(values, n);
      const s = 1 / Math.sqrt(this.rms.var + 1e-8);
      for (let i = 0; i < n; i++) values[i] *= s;
    } else if (normalize === "minmax") {
      for (let i = 0; i < n; i++) {
        this.min = Math.min(this.min, values[i]);
        this.max = Math.max(this.max, values[i]);
      }
      const range = this.max - this.min;
      for (let i = 0; i < n; i++) values[i] = range > 0 ? (values[i] - this.min) / range : 0;
    }
    const c = beta * Math.pow(1 - kappa, this.t++);
    for (let i = 0; i < n; i++) values[i] *= c;
  }

  /** The decay's step t and the normalization's statistics (the range is absent until a value is seen). */
  state(): BonusScaleState {
    return { t: this.t, rms: this.rms.state(), range: this.min <= this.max ? [this.min, this.max] : null };
  }

  load(state: BonusScaleState): void {
    this.t = state.t;
    this.rms.load(state.rms);
    [this.min, this.max] = state.range ?? [Infinity, -Infinity];
  }
}

export interface BonusScaleState {
  t: number;
  rms: RunningMeanStdState;
  range: [number, number] | null;
}
