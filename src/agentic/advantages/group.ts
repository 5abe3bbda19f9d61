/**
 * Group-relative advantages for LLM-agent RL: several responses (rollouts)
 * are sampled per prompt, and each response's advantage is its reward
 * measured against the others of its group, with no learned critic.
 *
 * Estimators (r_i: the reward of response i, g: its group, n_g: the number of
 * scored responses in it, μ_g and σ_g their mean and standard deviation, B
 * the batch):
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
 * - `reinforce` A_i = (r_i − μ_B) / (σ_B + ε) over the whole batch, groups
 *               ignored: REINFORCE with a batch-normalized return (verl's
 *               REINFORCE++ with γ = 1, OpenRLHF's `reinforce`).
 * - `reinforce-baseline` r_i − μ_g, then normalized over the batch as
 *               `reinforce` does (REINFORCE++-baseline, Hu et al. 2025:
 *               verl's `reinforce_plus_plus_baseline`, OpenRLHF's
 *               `reinforce_baseline`).
 * - `gpg`       A_i = α·(r_i − μ_g), α = |B| / max(1, #{i: r_i ≠ 0}): GPG
 *               (Chu et al. 2025), verl's `gpg` (f_norm 1).
 * - `grpo-passk` the best response of each group (the first with the
 *               largest reward) gets (r_max − r_second)/(σ_g + ε) (no
 *               division under `scale: "none"`), the others 0: Pass@k
 *               training (Chen et al. 2025), verl's `grpo_passk`.
 * - `none`      A_i = r_i.
 *
 * The steps: the rewards (missing ones left out, `clipRewards` applied), the
 * group step above, `clipAdvantages`, then `normalize: "batch"` (default for
 * `reinforce` and `reinforce-baseline`, an option for the others: TRL's
 * `normalize_advantages` for RLOO) standardizes the values over the batch.
 *
 * The conventions that differ between trainers (σ, ε, groups of one,
 * missing rewards, clipping) are options, and presets name each trainer's
 * combination at a named commit (presets.ts).
 *
 * Multi-objective rewards (several reward functions, "aspects", per
 * response) are aggregated as TRL does, `sum_then_normalize` or
 * `normalize_then_sum` (GDPO), by `aggregateObjectives` (aggregate.ts).
 *
 * Hot path: typed arrays, no allocation per element; with a prebuilt
 * `Grouping`, an `out` array (and a `valid` array) a call allocates nothing
 * per element.
 */
import { UserError } from "../../core/errors.js";
import { ESTIMATORS, oneOf, resolveConventions, type Conventions, type ConventionOptions, type Estimator, type Missing } from "./presets.js";

export {
  DEFAULT_CONVENTIONS,
  ESTIMATORS,
  oneOf,
  PRESET_ESTIMATORS,
  PRESET_NAMES,
  PRESET_SOURCES,
  PRESETS,
  resolveConventions,
  type Clip,
  type Conventions,
  type EpsilonAt,
  type Estimator,
  type Missing,
  type Preset,
  type Scale,
  type Singleton,
  type StdConvention,
  type VarianceAlgorithm,
} from "./presets.js";

/** After the group step: `none`, or `batch` (A − μ_B)/(σ_B + ε) over the rows that have a value. */
export type Normalize = "none" | "batch";

export interface AdvantageOptions extends ConventionOptions {
  /** Default `grpo`. */
  estimator?: Estimator;
  /** Default `batch` for `reinforce` and `reinforce-baseline`, `none` for the others. */
  normalize?: Normalize;
  /** Where to write the advantages (length n); may be the rewards array itself. */
  out?: Float64Array;
  /**
   * Filled with 1 where the response's reward took part in the statistics
   * and 0 where it was missing and skipped (`missing: "skip"`; its advantage
   * is 0): the mask of valid samples a trainer may want (NeMo-RL's). Under
   * `zero` and `error` every row is 1. Length n; no allocation.
   */
  valid?: Uint8Array;
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
  /** Scratch for `grpo-passk`, allocated on first use: per group, its best response and the second-largest reward. */
  best?: Int32Array;
  second?: Float64Array;

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


/**
 * Advantages of a batch of responses from their rewards and groups.
 *
 * @example
 * // 2 prompts × 4 responses, verl's conventions
 * groupAdvantages([1, 0, 0, 1, 1, 1, 1, 0], 4, { preset: "verl" });
 * // TRL: a null (None) reward is left out of its group's statistics and gets 0
 * groupAdvantages([1, null, 0, 0.5], ["a", "a", "b", "b"], { preset: "trl" });
 * // TRL's RLOOTrainer with normalize_advantages=True
 * groupAdvantages([1, 0, 0, 1, 1, 1, 0, 0], 4, { preset: "trl", estimator: "rloo", normalize: "batch" });
 */
export function groupAdvantages(rewards: Rewards, groups: GroupSpec, options: AdvantageOptions = {}): Float64Array {
  const estimator = options.estimator ?? "grpo";
  oneOf(estimator, ESTIMATORS, "options.estimator");
  if (options.scale !== undefined && estimator !== "grpo" && estimator !== "grpo-passk") {
    throw new UserError("options.scale", `applies to the grpo and grpo-passk estimators only, not ${estimator} (dr-grpo is grpo with scale "none")`);
  }
  const normalize = options.normalize ?? (estimator === "reinforce" || estimator === "reinforce-baseline" ? "batch" : "none");
  oneOf(normalize, ["none", "batch"], "options.normalize");
  const conv = resolveConventions(options, "options", estimator);
  const n = rewards.length;
  const grouping = Grouping.of(groups, n); // validated even where ignored (reinforce, none)
  const out = outArray(options.out, n);
  const valid = validArray(options.valid, n);
  checkValues(rewards, conv.missing, "rewards");
  // From here on `out` holds each row's current value, NaN for a row without one.
  stage(rewards, out, conv, valid);
  groupStats(out, grouping, conv);
  groupStep(out, grouping, conv, estimator);
  if (conv.clipAdvantages !== null) clamp(out, conv.clipAdvantages);
  if (normalize === "batch") normalizeBatch(out, conv);
  for (let i = 0; i < n; i++) if (out[i] !== out[i]) out[i] = 0;
  return out;
}

/** 1 where `rewards[i]` is a number (not NaN or null), else 0: the rows `missing: "skip"` keeps. Writes into `out` when given. */
export function validMask(rewards: Rewards, out?: Uint8Array): Uint8Array {
  const mask = validArray(out, rewards.length) ?? new Uint8Array(rewards.length);
  for (let i = 0; i < rewards.length; i++) {
    const r = read(rewards, i);
    mask[i] = r === r ? 1 : 0;
  }
  return mask;
}

// ---------------------------------------------------------------------------

/** Copies the rewards into `out`: a missing one NaN (0 under `missing: "zero"`), each clamped to `clipRewards`; fills `valid`. */
function stage(rewards: Rewards, out: Float64Array, conv: Conventions, valid: Uint8Array | undefined): void {
  const zero = conv.missing === "zero";
  const clip = conv.clipRewards;
  for (let i = 0; i < out.length; i++) {
    let r = read(rewards, i);
    if (r !== r && zero) r = 0;
    if (clip !== null && r === r) r = Math.min(Math.max(r, clip[0]), clip[1]);
    out[i] = r;
    if (valid !== undefined) valid[i] = r === r ? 1 : 0;
  }
}

/**
 * The group step, in place: each row's value becomes its advantage before
 * any batch normalization; a lone row under `singleton: "zero"` becomes NaN
 * (no value: 0 in the end, and left out of a batch normalization).
 */
function groupStep(values: Float64Array, grouping: Grouping, conv: Conventions, estimator: Estimator): void {
  if (estimator === "none" || estimator === "reinforce") return;
  const { groupOf, count, mean, std } = grouping;
  const n = values.length;
  const scale = conv.scale;
  let alpha = 1;
  if (estimator === "gpg") {
    let nonzero = 0;
    for (let i = 0; i < n; i++) if (values[i] !== 0 && values[i] === values[i]) nonzero++;
    alpha = grouping.batchCount / Math.max(1, nonzero);
  }
  if (estimator === "grpo-passk") topTwo(values, grouping);
  const best = grouping.best!;
  const second = grouping.second!;
  for (let i = 0; i < n; i++) {
    const r = values[i];
    if (r !== r) continue;
    const g = groupOf[i];
    const n_g = count[g];
    if (n_g === 1) {
      values[i] = lone(r, i, estimator, conv, grouping, alpha);
      continue;
    }
    const d = r - mean[g];
    switch (estimator) {
      case "grpo":
        values[i] = scale === "none" ? d : ratio(d, divisor(scale === "batch" ? grouping.batchStd : std[g], conv));
        break;
      case "dr-grpo":
      case "reinforce-baseline":
        values[i] = d;
        break;
      case "rloo":
        values[i] = (n_g / (n_g - 1)) * d;
        break;
      case "gpg":
        values[i] = alpha * d;
        break;
      case "grpo-passk": {
        if (i !== best[g]) {
          values[i] = 0;
          break;
        }
        const gap = r - second[g];
        values[i] = scale === "none" ? gap : ratio(gap, divisor(scale === "batch" ? grouping.batchStd : std[g], conv));
        break;
      }
    }
  }
}

/** The value of the only scored response of its group (see `Singleton`). */
function lone(r: number, i: number, estimator: Estimator, conv: Conventions, grouping: Grouping, alpha: number): number {
  if (conv.singleton === "error" || (estimator === "grpo-passk" && conv.singleton === "raw")) {
    throw new UserError(`rewards[${i}]`, `is the only scored response in its group; a group of one has no baseline${estimator === "grpo-passk" ? " (grpo-passk needs two)" : ' (set singleton to "zero" or "raw")'}`);
  }
  if (conv.singleton === "zero") return Number.NaN;
  // raw (verl): baseline 0, scale 1.
  if (estimator === "gpg") return alpha * r;
  if (estimator !== "grpo" || conv.scale === "none") return r;
  const σ = conv.scale === "batch" && grouping.batchCount > 1 ? grouping.batchStd : 1;
  return r / divisor(σ, conv);
}

/** Per group, the index of the first largest value and the largest value after it (ties included). */
function topTwo(values: Float64Array, grouping: Grouping): void {
  if (grouping.best === undefined) {
    grouping.best = new Int32Array(grouping.groupCount);
    grouping.second = new Float64Array(grouping.groupCount);
  }
  const best = grouping.best;
  const second = grouping.second!;
  best.fill(-1);
  second.fill(Number.NEGATIVE_INFINITY);
  for (let i = 0; i < values.length; i++) {
    const r = values[i];
    if (r !== r) continue;
    const g = grouping.groupOf[i];
    const b = best[g];
    if (b < 0) best[g] = i;
    else if (r > values[b]) {
      second[g] = values[b];
      best[g] = i;
    } else if (r > second[g]) second[g] = r;
  }
}

function clamp(values: Float64Array, [lo, hi]: readonly [number, number]): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === v) values[i] = v < lo ? lo : v > hi ? hi : v;
  }
}

/**
 * (v − μ)/σ over the rows with a value (not NaN), μ and σ² dividing by
 * n + `countEpsilon`; fewer than two such rows get NaN (0), or an error under
 * `singleton: "error"`.
 */
function normalizeBatch(values: Float64Array, conv: Conventions): void {
  let count = 0;
  let sum = 0;
  let sum2 = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== v) continue;
    count++;
    sum += v;
    sum2 += v * v;
  }
  if (count < 2) {
    if (count === 1 && conv.singleton === "error") throw new UserError("rewards", "a batch normalization needs two responses with a value, got one");
    values.fill(Number.NaN);
    return;
  }
  const c = conv.countEpsilon;
  const μ = sum / (count + c);
  let SS = sum2 - 2 * μ * sum + count * μ * μ; // Σ(v − μ)², one pass
  if (conv.variance === "two-pass") {
    SS = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v === v) SS += (v - μ) * (v - μ);
    }
  }
  // Σ(v − μ)²/(n + c) as the variance's numerator over n: spread divides by n − 1 or n.
  const s = divisor(spread(c === 0 ? SS : (SS * count) / (count + c), count, conv), conv);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === v) values[i] = ratio(v - μ, s);
  }
}

/** rewards[i] as a number; null and undefined read as NaN. */
export function read(values: Rewards, i: number): number {
  const v = values[i];
  return v === null || v === undefined ? Number.NaN : v;
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

/** Checks the values, then fills the grouping's scratch (`groupStats`). */
export function computeStats(values: Rewards, grouping: Grouping, conv: Conventions, path: string): void {
  checkValues(values, conv.missing, path);
  groupStats(values, grouping, conv);
}

/**
 * Fills the grouping's scratch: per group and for the whole batch, the
 * number of values (NaN and null left out), their mean and their standard
 * deviation (`spread`; NaN when undefined: no value, or one under
 * `unbiased`), the variance summed as `conv.variance` says.
 */
export function groupStats(values: Rewards, grouping: Grouping, conv: Conventions): void {
  const { groupOf, count, mean, std, groupCount } = grouping;
  const n = groupOf.length;
  count.fill(0);
  mean.fill(0);
  std.fill(0); // Σr² for now under one-pass
  const onePass = conv.variance === "one-pass";
  let batchCount = 0;
  let batchSum = 0;
  let batchSum2 = 0;
  for (let i = 0; i < n; i++) {
    const r = read(values, i);
    if (r !== r) continue;
    const g = groupOf[i];
    count[g]++;
    mean[g] += r;
    batchCount++;
    batchSum += r;
    if (onePass) {
      std[g] += r * r;
      batchSum2 += r * r;
    }
  }
  let batchSS = 0;
  if (onePass) {
    // Σr² − (Σr)²/n
    for (let g = 0; g < groupCount; g++) std[g] = count[g] > 0 ? std[g] - (mean[g] * mean[g]) / count[g] : 0;
    batchSS = batchCount > 0 ? batchSum2 - (batchSum * batchSum) / batchCount : 0;
  }
  for (let g = 0; g < groupCount; g++) mean[g] = count[g] > 0 ? mean[g] / count[g] : Number.NaN;
  const batchMean = batchCount > 0 ? batchSum / batchCount : Number.NaN;
  if (!onePass) {
    for (let i = 0; i < n; i++) {
      const r = read(values, i);
      if (r !== r) continue;
      const g = groupOf[i];
      const d = r - mean[g];
      std[g] += d * d; // sum of squares for now
      const e = r - batchMean;
      batchSS += e * e;
    }
  }
  for (let g = 0; g < groupCount; g++) std[g] = spread(std[g], count[g], conv);
  grouping.batchCount = batchCount;
  grouping.batchMean = batchMean;
  grouping.batchStd = spread(batchSS, batchCount, conv);
}

/** d/s, and 0 for 0/0 (identical rewards with ε = 0: no signal, not NaN). */
export function ratio(d: number, s: number): number {
  return s === 0 ? 0 : d / s;
}

/** σ = √max(SS/dof, varianceFloor) with dof n − 1 (unbiased) or n; NaN when dof ≤ 0. A negative SS (one-pass rounding) counts as 0. */
export function spread(SS: number, n: number, conv: Pick<Conventions, "std" | "varianceFloor">): number {
  const dof = conv.std === "unbiased" ? n - 1 : n;
  if (dof <= 0) return Number.NaN;
  return Math.sqrt(Math.max(SS / dof, conv.varianceFloor, 0));
}

/** What divides x − μ: σ + ε, or √(σ² + ε) under `epsilonAt: "variance"`. */
export function divisor(σ: number, conv: Pick<Conventions, "epsilon" | "epsilonAt">): number {
  return conv.epsilonAt === "std" ? σ + conv.epsilon : Math.sqrt(σ * σ + conv.epsilon);
}

export function outArray(out: Float64Array | undefined, n: number): Float64Array {
  if (out === undefined) return new Float64Array(n);
  if (out.length !== n) throw new UserError("options.out", `expected a Float64Array of length ${n}, got length ${out.length}`);
  return out;
}

export function validArray(valid: Uint8Array | undefined, n: number): Uint8Array | undefined {
  if (valid === undefined) return undefined;
  if (!(valid instanceof Uint8Array) || valid.length !== n) throw new UserError("options.valid", `expected a Uint8Array of length ${n}, got ${valid instanceof Uint8Array ? `length ${valid.length}` : typeof valid}`);
  return valid;
}
