/**
 * Group-relative advantages for LLM-agent RL: several responses (rollouts)
 * are sampled per prompt, and each response's advantage is its reward
 * measured against the others of its group, with no learned critic.
 *
 * Estimators (r_i: the reward of response i, g: its group, n_g: the number of
 * scored responses in it, μ_g and σ_g their mean and standard deviation):
 *
 * - `grpo`      A_i = (r_i − μ_g) / (σ_g + ε). GRPO, DeepSeekMath (Shao et
 *               al. 2024). `scale` chooses σ: the group's (`group`), the whole
 *               batch's (`batch`, TRL's `scale_rewards="batch"`; the mean
 *               stays the group's), or none (`none`, no division).
 * - `dr-grpo`   A_i = r_i − μ_g. Dr. GRPO, "Understanding R1-Zero-Like
 *               Training: A Critical Perspective" (Liu et al. 2025): the
 *               division by σ_g favours too easy and too hard prompts.
 * - `rloo`      A_i = r_i − (Σ_j r_j − r_i)/(n_g − 1) = n_g/(n_g − 1)·(r_i − μ_g),
 *               REINFORCE Leave-One-Out, "Back to Basics" (Ahmadian et al. 2024).
 * - `reinforce` A_i = (r_i − μ_B) / (σ_B + ε) over the whole batch B, groups
 *               ignored: REINFORCE with a batch-normalized return.
 * - `none`      A_i = r_i.
 *
 * The conventions that differ between trainers are options (`std`,
 * `epsilon`, `scale`, `singleton`, `missing`) and three presets name the
 * combinations of verl, OpenRLHF and TRL (see `PRESETS`).
 *
 * Multi-objective rewards (several reward functions, "aspects", per
 * response) are aggregated as TRL does, `sum_then_normalize` or
 * `normalize_then_sum` (GDPO), by `aggregateObjectives` (aggregate.ts).
 *
 * Hot path: typed arrays, no allocation per element; with a prebuilt
 * `Grouping` and an `out` array a call allocates nothing.
 */
import { UserError } from "../../core/errors.js";

export type Estimator = "grpo" | "dr-grpo" | "rloo" | "reinforce" | "none";

/** `unbiased`: Σ(r − μ)²/(n − 1) (Bessel, torch.std's default); `biased`: Σ(r − μ)²/n (numpy.std's default). */
export type StdConvention = "unbiased" | "biased";

/** Which standard deviation divides a GRPO advantage: the group's, the batch's, or none. */
export type Scale = "group" | "batch" | "none";

/**
 * A group with one scored response has no peer to compare it with:
 * - `zero`  its advantage is 0 (the numerator r − μ_g is 0);
 * - `raw`   verl: the baseline is 0 and the scale 1, so GRPO gives r/(1 + ε)
 *           (r/(σ_B + ε) under `scale: "batch"`), Dr. GRPO, RLOO and
 *           `none` give r;
 * - `error` a `UserError`.
 */
export type Singleton = "zero" | "raw" | "error";

/**
 * A missing reward (NaN, or null: TRL's reward function returning None):
 * - `error` a `UserError` naming the index;
 * - `zero`  TRL: counts as a reward of 0 (TRL sums its reward functions
 *           with nansum, so a response whose every function returned None
 *           has reward 0 and takes part in the group's statistics);
 * - `skip`  left out of the group's mean and std, and its own advantage is
 *           0; a group with no scored response gets advantages 0.
 * ±Infinity is an error under all three.
 */
export type Missing = "error" | "zero" | "skip";

export type Preset = "verl" | "openrlhf" | "trl";

export interface Conventions {
  std: StdConvention;
  /** ε in (r − μ)/(σ + ε). */
  epsilon: number;
  scale: Scale;
  singleton: Singleton;
  missing: Missing;
}

/**
 * The conventions of three trainers' GRPO advantage (all with `scale: "group"`):
 *
 * - `verl` — verl's `compute_grpo_outcome_advantage`: torch.std (unbiased),
 *   ε = 1e-6, a group of one gets mean 0 and std 1 (so A = r/(1 + ε); its
 *   RLOO leaves r unchanged, its Dr. GRPO gives r). verl lets NaN through;
 *   here it is an error.
 * - `openrlhf` — OpenRLHF's `group_norm` estimator: unbiased std, ε = 1e-9.
 *   OpenRLHF has fixed-size groups and gives NaN for a group of one (the
 *   unbiased std of one value is undefined); here it is 0, the numerator.
 * - `trl` — TRL's GRPOTrainer: Bessel-corrected std, ε = 1e-4; a None
 *   reward counts as 0 (its reward functions are summed with nansum before
 *   the group statistics); a group of one gets 0. In `normalize_then_sum`
 *   each aspect's statistics ignore its None values (nanmean, nanstd) and a
 *   response with every aspect None sums to 0.
 *
 * TRL and verl compute in float32 and this module in float64: expect
 * agreement to float32 precision.
 */
export const PRESETS: Readonly<Record<Preset, Readonly<Conventions>>> = {
  verl: { std: "unbiased", epsilon: 1e-6, scale: "group", singleton: "raw", missing: "error" },
  openrlhf: { std: "unbiased", epsilon: 1e-9, scale: "group", singleton: "zero", missing: "error" },
  trl: { std: "unbiased", epsilon: 1e-4, scale: "group", singleton: "zero", missing: "zero" },
};

/** Without a preset: unbiased std, verl's ε, group scale, a lone response gets 0, missing rewards are errors. */
export const DEFAULT_CONVENTIONS: Readonly<Conventions> = {
  std: "unbiased",
  epsilon: 1e-6,
  scale: "group",
  singleton: "zero",
  missing: "error",
};

export interface AdvantageOptions extends Partial<Conventions> {
  /** Default `grpo`. */
  estimator?: Estimator;
  /** Conventions to start from; explicit options override them. */
  preset?: Preset;
  /** Where to write the advantages (length n); may be the rewards array itself. */
  out?: Float64Array;
}

/** Rewards: a typed array, or numbers with null (and NaN) for missing ones. */
export type Rewards = Float64Array | Float32Array | ArrayLike<number | null>;

/**
 * How responses form groups:
 * - a `Grouping` (built once, reused across calls: no allocation);
 * - one id per response, in any order (verl's `index`; ids compare as Map
 *   keys do, so 1 and "1" are different groups);
 * - `{ sizes }`: contiguous groups of these sizes;
 * - a number G: contiguous groups of G (TRL's `num_generations`);
 * - null: the whole batch is one group.
 */
export type GroupSpec = Grouping | ArrayLike<string | number> | { sizes: ArrayLike<number> } | number | null;

/** The groups of a batch of n responses, with scratch space reused by every call. */
export class Grouping {
  /** Group per response, 0 … groupCount−1. */
  readonly groupOf: Int32Array;
  readonly groupCount: number;
  /** Scratch, per group: scored responses, mean, standard deviation (NaN when undefined). Meaningless between calls. */
  readonly count: Int32Array;
  readonly mean: Float64Array;
  readonly std: Float64Array;
  /** Scratch, whole batch: as above. */
  batchCount = 0;
  batchMean = 0;
  batchStd = Number.NaN;

  constructor(groupOf: Int32Array, groupCount: number) {
    this.groupOf = groupOf;
    this.groupCount = groupCount;
    this.count = new Int32Array(groupCount);
    this.mean = new Float64Array(groupCount);
    this.std = new Float64Array(groupCount);
  }

  get n(): number {
    return this.groupOf.length;
  }

  /** Builds the grouping of n responses from a spec; `path` names the spec in errors. */
  static of(spec: GroupSpec, n: number, path = "groups"): Grouping {
    if (spec instanceof Grouping) {
      if (spec.n !== n) throw new UserError(path, `expected a grouping of ${n} responses, got one of ${spec.n}`);
      return spec;
    }
    if (spec === null) return new Grouping(new Int32Array(n), n > 0 ? 1 : 0);
    if (typeof spec === "string") throw new UserError(path, `expected group ids, sizes or a group size, got the string ${JSON.stringify(spec)}`);
    if (typeof spec === "number") {
      if (!Number.isInteger(spec) || spec < 1) throw new UserError(path, `expected a group size (an integer ≥ 1), got ${spec}`);
      if (n % spec !== 0) throw new UserError(path, `a group size of ${spec} does not divide ${n} responses`);
      const groupOf = new Int32Array(n);
      for (let i = 0; i < n; i++) groupOf[i] = Math.floor(i / spec);
      return new Grouping(groupOf, n / spec);
    }
    if ("sizes" in spec) {
      const sizes = spec.sizes;
      const groupOf = new Int32Array(n);
      let i = 0;
      for (let g = 0; g < sizes.length; g++) {
        const size = sizes[g];
        if (!Number.isInteger(size) || size < 1) throw new UserError(`${path}.sizes[${g}]`, `expected a group size (an integer ≥ 1), got ${size}`);
        if (i + size > n) throw new UserError(`${path}.sizes`, `the sizes add up to more than the ${n} responses`);
        groupOf.fill(g, i, i + size);
        i += size;
      }
      if (i !== n) throw new UserError(`${path}.sizes`, `the sizes add up to ${i}, expected ${n} (one per response)`);
      return new Grouping(groupOf, sizes.length);
    }
    const ids = spec;
    if (ids.length !== n) throw new UserError(path, `expected ${n} group ids (one per response), got ${ids.length}`);
    const index = new Map<string | number, number>();
    const groupOf = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const id = ids[i];
      if (typeof id !== "string" && typeof id !== "number") throw new UserError(`${path}[${i}]`, `expected a string or number id, got ${typeof id}`);
      let g = index.get(id);
      if (g === undefined) {
        g = index.size;
        index.set(id, g);
      }
      groupOf[i] = g;
    }
    return new Grouping(groupOf, index.size);
  }
}

/** Conventions from defaults, then the preset, then explicit options; checked. */
export function resolveConventions(options: AdvantageOptions = {}, path = "options"): Conventions {
  let base: Readonly<Conventions> = DEFAULT_CONVENTIONS;
  if (options.preset !== undefined) {
    if (!Object.hasOwn(PRESETS, options.preset)) throw new UserError(`${path}.preset`, `expected one of ${Object.keys(PRESETS).join(", ")}, got ${JSON.stringify(options.preset)}`);
    base = PRESETS[options.preset];
  }
  const conv: Conventions = {
    std: options.std ?? base.std,
    epsilon: options.epsilon ?? base.epsilon,
    scale: options.scale ?? base.scale,
    singleton: options.singleton ?? base.singleton,
    missing: options.missing ?? base.missing,
  };
  if (!(Number.isFinite(conv.epsilon) && conv.epsilon >= 0)) throw new UserError(`${path}.epsilon`, `expected a finite number ≥ 0, got ${conv.epsilon}`);
  oneOf(conv.std, ["unbiased", "biased"], `${path}.std`);
  oneOf(conv.scale, ["group", "batch", "none"], `${path}.scale`);
  oneOf(conv.singleton, ["zero", "raw", "error"], `${path}.singleton`);
  oneOf(conv.missing, ["error", "zero", "skip"], `${path}.missing`);
  return conv;
}

/**
 * Advantages of a batch of responses from their rewards and groups.
 *
 * @example
 * // 2 prompts × 4 responses, verl's conventions
 * groupAdvantages([1, 0, 0, 1, 1, 1, 1, 0], 4, { preset: "verl" });
 * // TRL: null (None) rewards are left out, their advantage is 0
 * groupAdvantages([1, null, 0, 0.5], ["a", "a", "b", "b"], { preset: "trl" });
 */
export function groupAdvantages(rewards: Rewards, groups: GroupSpec, options: AdvantageOptions = {}): Float64Array {
  const estimator = options.estimator ?? "grpo";
  oneOf(estimator, ["grpo", "dr-grpo", "rloo", "reinforce", "none"], "options.estimator");
  if (options.scale !== undefined && estimator !== "grpo") {
    throw new UserError("options.scale", `applies to the grpo estimator only, not ${estimator} (dr-grpo is grpo with scale "none")`);
  }
  const conv = resolveConventions(options);
  const n = rewards.length;
  const grouping = Grouping.of(groups, n); // validated even where ignored (reinforce, none)
  const out = outArray(options.out, n);
  if (conv.missing === "zero") {
    checkValues(rewards, "zero", "rewards");
    rewards = zeroMissing(rewards);
  }
  computeStats(rewards, grouping, conv, "rewards");
  const { groupOf, count, mean, std } = grouping;
  const { epsilon, singleton } = conv;
  const scale = estimator === "dr-grpo" ? "none" : conv.scale;

  for (let i = 0; i < n; i++) {
    const r = read(rewards, i);
    if (r !== r) {
      out[i] = 0; // missing (only reachable under missing: "skip")
      continue;
    }
    if (estimator === "none") {
      out[i] = r;
      continue;
    }
    const g = groupOf[i];
    // REINFORCE's "group" is the batch.
    const n_g = estimator === "reinforce" ? grouping.batchCount : count[g];
    if (n_g === 1) {
      if (singleton === "error") {
        throw new UserError(`rewards[${i}]`, `is the only scored response in its ${estimator === "reinforce" ? "batch" : "group"}; a group of one has no baseline (set singleton to "zero" or "raw")`);
      }
      if (singleton === "zero") out[i] = 0;
      else out[i] = rawSingleton(r, estimator, scale, grouping, epsilon);
      continue;
    }
    switch (estimator) {
      case "grpo": {
        const d = r - mean[g];
        if (scale === "group") out[i] = ratio(d, std[g] + epsilon);
        else if (scale === "batch") out[i] = ratio(d, grouping.batchStd + epsilon);
        else out[i] = d;
        break;
      }
      case "dr-grpo":
        out[i] = r - mean[g];
        break;
      case "rloo":
        out[i] = (n_g / (n_g - 1)) * (r - mean[g]);
        break;
      case "reinforce":
        out[i] = ratio(r - grouping.batchMean, grouping.batchStd + epsilon);
        break;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------

/**
 * The advantage of the only scored response of its group under
 * `singleton: "raw"` (verl): baseline 0, scale 1 — GRPO r/(1 + ε), or
 * r/(σ_B + ε) under batch scale when the batch has a std, REINFORCE
 * r/(1 + ε), the others r.
 */
function rawSingleton(r: number, estimator: Estimator, scale: Scale, grouping: Grouping, epsilon: number): number {
  if (estimator === "reinforce") return r / (1 + epsilon);
  if (estimator !== "grpo" || scale === "none") return r;
  const σ = scale === "batch" && grouping.batchCount > 1 ? grouping.batchStd : 1;
  return r / (σ + epsilon);
}

/** rewards[i] as a number; null and undefined read as NaN. */
export function read(values: Rewards, i: number): number {
  const v = values[i];
  return v === null || v === undefined ? Number.NaN : v;
}

/** The rewards with missing ones (NaN, null) read as 0; the same array when none is missing. */
function zeroMissing(values: Rewards): Rewards {
  let copy: Float64Array | undefined;
  for (let i = 0; i < values.length; i++) {
    const r = read(values, i);
    if (r === r) continue;
    copy ??= Float64Array.from({ length: values.length }, (_, j) => read(values, j));
    copy[i] = 0;
  }
  return copy ?? values;
}

/** Throws on ±Infinity, and on NaN/null unless missing values are allowed. */
export function checkValues(values: Rewards, missing: Missing, path: string): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === "number" && Number.isFinite(v)) continue;
    const missingValue = v === null || (typeof v === "number" && Number.isNaN(v));
    if (missingValue && missing !== "error") continue;
    const expected = missing !== "error" ? "a finite number, or NaN/null for a missing reward" : "a finite number";
    throw new UserError(`${path}[${i}]`, `expected ${expected}, got ${v === undefined ? "nothing" : String(v)}`);
  }
}

/**
 * Checks the values, then fills the grouping's scratch: per group and for the
 * whole batch, the number of scored values, their mean and their standard
 * deviation (NaN when undefined: no value, or one under `unbiased`). Two
 * passes (mean, then squared deviations) for accuracy.
 */
export function computeStats(values: Rewards, grouping: Grouping, conv: Conventions, path: string): void {
  checkValues(values, conv.missing, path);
  const { groupOf, count, mean, std, groupCount } = grouping;
  const n = groupOf.length;
  count.fill(0);
  mean.fill(0);
  std.fill(0);
  let batchCount = 0;
  let batchSum = 0;
  for (let i = 0; i < n; i++) {
    const r = read(values, i);
    if (r !== r) continue;
    const g = groupOf[i];
    count[g]++;
    mean[g] += r;
    batchCount++;
    batchSum += r;
  }
  for (let g = 0; g < groupCount; g++) mean[g] = count[g] > 0 ? mean[g] / count[g] : Number.NaN;
  const batchMean = batchCount > 0 ? batchSum / batchCount : Number.NaN;
  let batchSS = 0;
  for (let i = 0; i < n; i++) {
    const r = read(values, i);
    if (r !== r) continue;
    const g = groupOf[i];
    const d = r - mean[g];
    std[g] += d * d; // sum of squares for now
    const e = r - batchMean;
    batchSS += e * e;
  }
  const unbiased = conv.std === "unbiased";
  for (let g = 0; g < groupCount; g++) std[g] = spread(std[g], count[g], unbiased);
  grouping.batchCount = batchCount;
  grouping.batchMean = batchMean;
  grouping.batchStd = spread(batchSS, batchCount, unbiased);
}

/** d/s, and 0 for 0/0 (identical rewards with ε = 0: no signal, not NaN). */
export function ratio(d: number, s: number): number {
  return s === 0 ? 0 : d / s;
}

/** √(SS/(n − 1)) or √(SS/n); NaN when undefined. */
export function spread(SS: number, n: number, unbiased: boolean): number {
  const dof = unbiased ? n - 1 : n;
  return dof > 0 ? Math.sqrt(SS / dof) : Number.NaN;
}

export function outArray(out: Float64Array | undefined, n: number): Float64Array {
  if (out === undefined) return new Float64Array(n);
  if (out.length !== n) throw new UserError("options.out", `expected a Float64Array of length ${n}, got length ${out.length}`);
  return out;
}

export function oneOf(value: unknown, allowed: readonly string[], path: string): void {
  if (!allowed.includes(value as string)) throw new UserError(path, `expected one of ${allowed.join(", ")}, got ${JSON.stringify(value)}`);
}
