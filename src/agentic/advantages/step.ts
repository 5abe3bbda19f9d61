/**
 * Step-level rewards and advantages for multi-step LLM agents, where one
 * trajectory is several actions (tool calls, turns) and the outcome reward
 * arrives at the end.
 *
 * - SPA-RL, "Reinforcing LLM Agents via Stepwise Progress Attribution"
 *   (Wang et al. 2025): a progress estimator gives each step a contribution
 *   c_t, trained so that Σ_t c_t matches the trajectory's outcome; the step
 *   reward adds a grounding bonus for actions that were valid (executed):
 *   r_t = c_t + g·valid_t, g = 0.5.
 * - OPRL, "Online Process Reward Learning for Agentic Reinforcement
 *   Learning" (Liu et al. 2025): an implicit process reward model π_φ,
 *   trained by trajectory-level DPO, rewards a step by how much more likely
 *   it makes the action than the old policy does:
 *   r_t = β·(log π_φ(a_t | o_{1:t}) − log π_old(a_t | o_{1:t})).
 *   Its step advantages are added to the episode (outcome) advantages:
 *   A_t = A^E + α·A^S_t (`combinedAdvantages`).
 *
 * Ragged batches are flat arrays of steps with offsets: trajectory i owns
 * steps offsets[i] … offsets[i+1] − 1 (offsets has one more entry than there
 * are trajectories, starts at 0 and ends at the number of steps).
 */
import { UserError } from "../../core/errors.js";
import { Grouping, type GroupSpec, type StdConvention } from "./group.js";

type Values = Float64Array | Float32Array | ArrayLike<number>;

/**
 * SPA-RL step rewards r_t = c_t + g·valid_t.
 *
 * @param contributions c_t, the progress estimator's per-step contributions
 *   (see `matchOutcome` to make each trajectory's sum equal its outcome).
 * @param valid 1/true where step t's action was valid (parsed and executed).
 * @param grounding g, the bonus of a valid action (SPA-RL: 0.5).
 */
export function spaStepRewards(contributions: Values, valid: Uint8Array | ArrayLike<boolean | number>, grounding = 0.5, out?: Float64Array): Float64Array {
  const T = contributions.length;
  if (valid.length !== T) throw new UserError("valid", `expected ${T} flags (one per step), got ${valid.length}`);
  finite(grounding, "grounding");
  checkFinite(contributions, "contributions");
  const r = outArray(out, T);
  for (let t = 0; t < T; t++) r[t] = contributions[t] + (valid[t] ? grounding : 0);
  return r;
}

export interface MatchOutcomeOptions {
  /**
   * - `scale` (default): c'_t = c_t · R / Σ_s c_s, keeps the contributions'
   *   proportions; where Σ_s c_s = 0 and R ≠ 0 there is no factor, and the
   *   trajectory falls back to `shift`.
   * - `shift`: c'_t = c_t + (R − Σ_s c_s)/T, spreads the residual evenly.
   */
  mode?: "scale" | "shift";
  out?: Float64Array;
}

/**
 * Makes each trajectory's contributions add up to its outcome reward R:
 * SPA-RL trains its estimator towards Σ_t c_t = R (an MSE), and this enforces
 * the equality on the estimates, so that the step rewards redistribute the
 * outcome instead of adding to it. Optional: SPA-RL itself uses the raw
 * estimates. A trajectory with no steps has nothing to rescale.
 *
 * @param offsets trajectory i's steps are offsets[i] … offsets[i+1] − 1.
 * @param outcomes R, one per trajectory.
 */
export function matchOutcome(contributions: Values, offsets: ArrayLike<number>, outcomes: Values, options: MatchOutcomeOptions = {}): Float64Array {
  const mode = options.mode ?? "scale";
  if (mode !== "scale" && mode !== "shift") throw new UserError("options.mode", `expected scale or shift, got ${JSON.stringify(mode)}`);
  const n = checkOffsets(offsets, contributions.length, "offsets");
  if (outcomes.length !== n) throw new UserError("outcomes", `expected ${n} outcomes (one per trajectory), got ${outcomes.length}`);
  checkFinite(contributions, "contributions");
  checkFinite(outcomes, "outcomes");
  const c = outArray(options.out, contributions.length);
  for (let i = 0; i < n; i++) {
    const start = offsets[i];
    const end = offsets[i + 1];
    const T = end - start;
    if (T === 0) continue;
    const R = outcomes[i];
    let Σc = 0;
    for (let t = start; t < end; t++) Σc += contributions[t];
    if (mode === "scale" && Σc !== 0) {
      const factor = R / Σc;
      for (let t = start; t < end; t++) c[t] = contributions[t] * factor;
    } else if (mode === "scale" && R === 0) {
      for (let t = start; t < end; t++) c[t] = contributions[t]; // already sums to R = 0
    } else {
      const δ = (R - Σc) / T;
      for (let t = start; t < end; t++) c[t] = contributions[t] + δ;
    }
  }
  return c;
}

/**
 * OPRL implicit step rewards r_t = β·(log π_φ(a_t|·) − log π_old(a_t|·)).
 * One entry per step: the log-probability of the step's whole action (the
 * sum over its tokens) under the process reward model and under the old
 * policy.
 */
export function implicitStepRewards(logpPolicy: Values, logpRef: Values, beta: number, out?: Float64Array): Float64Array {
  const T = logpPolicy.length;
  if (logpRef.length !== T) throw new UserError("logpRef", `expected ${T} log-probabilities (as logpPolicy), got ${logpRef.length}`);
  finite(beta, "beta");
  checkFinite(logpPolicy, "logpPolicy");
  checkFinite(logpRef, "logpRef");
  const r = outArray(out, T);
  for (let t = 0; t < T; t++) r[t] = beta * (logpPolicy[t] - logpRef[t]);
  return r;
}

export interface CombinedAdvantageInput {
  /** A^E, one per trajectory (e.g. from `groupAdvantages` on the outcomes). */
  outcomeAdvantages: Values;
  /** r_t, all trajectories' steps end to end. */
  stepRewards: Values;
  /** Trajectory i's steps are offsets[i] … offsets[i+1] − 1. */
  offsets: ArrayLike<number>;
  /** α, the weight of the step advantage. */
  alpha: number;
  /** γ of the return-to-go, in [0, 1]; default 1. γ = 0 uses each step's own (normalized) reward. */
  gamma?: number;
  /**
   * - `group` (default): step rewards are standardized over all steps of the
   *   trajectories of a group, r̃_t = (r_t − μ_g)/(σ_g + ε), before the
   *   return-to-go;
   * - `none`: the raw step rewards.
   */
  normalize?: "none" | "group";
  /** The trajectories' groups (same prompt or task); default null: the whole batch is one group. */
  groups?: GroupSpec;
  /** Default `unbiased`. */
  std?: StdConvention;
  /** Default 1e-6. */
  epsilon?: number;
  /** One advantage per step. */
  out?: Float64Array;
}

/**
 * Step advantages from an outcome advantage per trajectory and step rewards:
 *
 *   A_t = A^E + α·A^S_t,   A^S_t = Σ_{s ≥ t} γ^(s−t)·r̃_s   (within the trajectory)
 *
 * with r̃ the step rewards, standardized within the group of steps by
 * default. Where the normalization goes is a choice: OPRL (paper-level)
 * normalizes step rewards across the steps of a group, as GiGPO does; PRIME
 * ("Process Reinforcement through Implicit Rewards", Cui et al. 2025)
 * subtracts a leave-one-out baseline from the implicit process rewards, then
 * takes the return-to-go (γ = 1), then whitens over the batch. Standardizing
 * the rewards before the return keeps A^S_t on the scale of a step's reward
 * whatever the trajectory's length is, and γ = 0 gives OPRL's plain
 * normalized step reward. A group holding one step gives it r̃ = 0.
 */
export function combinedAdvantages(input: CombinedAdvantageInput): Float64Array {
  const { outcomeAdvantages, stepRewards, offsets, alpha } = input;
  const γ = input.gamma ?? 1;
  const normalize = input.normalize ?? "group";
  const ε = input.epsilon ?? 1e-6;
  const unbiased = (input.std ?? "unbiased") === "unbiased";
  finite(alpha, "alpha");
  if (!(γ >= 0 && γ <= 1)) throw new UserError("gamma", `expected a number in [0, 1], got ${γ}`);
  if (!(Number.isFinite(ε) && ε >= 0)) throw new UserError("epsilon", `expected a finite number ≥ 0, got ${ε}`);
  if (normalize !== "none" && normalize !== "group") throw new UserError("normalize", `expected none or group, got ${JSON.stringify(normalize)}`);
  if (input.std !== undefined && input.std !== "unbiased" && input.std !== "biased") throw new UserError("std", `expected unbiased or biased, got ${JSON.stringify(input.std)}`);
  const n = checkOffsets(offsets, stepRewards.length, "offsets");
  if (outcomeAdvantages.length !== n) throw new UserError("outcomeAdvantages", `expected ${n} advantages (one per trajectory), got ${outcomeAdvantages.length}`);
  checkFinite(outcomeAdvantages, "outcomeAdvantages");
  checkFinite(stepRewards, "stepRewards");
  const A = outArray(input.out, stepRewards.length);

  const grouping = normalize === "group" ? Grouping.of(input.groups ?? null, n) : null;
  if (grouping !== null) {
    // μ_g and σ_g over the steps of each group's trajectories, in the grouping's scratch.
    const { groupOf, count, mean, std, groupCount } = grouping;
    count.fill(0);
    mean.fill(0);
    std.fill(0);
    for (let i = 0; i < n; i++) {
      const g = groupOf[i];
      for (let t = offsets[i]; t < offsets[i + 1]; t++) {
        count[g]++;
        mean[g] += stepRewards[t];
      }
    }
    for (let g = 0; g < groupCount; g++) if (count[g] > 0) mean[g] /= count[g];
    for (let i = 0; i < n; i++) {
      const g = groupOf[i];
      for (let t = offsets[i]; t < offsets[i + 1]; t++) std[g] += (stepRewards[t] - mean[g]) ** 2;
    }
    for (let g = 0; g < groupCount; g++) {
      const dof = unbiased ? count[g] - 1 : count[g];
      std[g] = dof > 0 ? Math.sqrt(std[g] / dof) : 0;
    }
  }

  for (let i = 0; i < n; i++) {
    const A_E = outcomeAdvantages[i];
    let G = 0; // discounted return-to-go of r̃
    const g = grouping === null ? 0 : grouping.groupOf[i];
    for (let t = offsets[i + 1] - 1; t >= offsets[i]; t--) {
      let rNorm = stepRewards[t];
      if (grouping !== null) rNorm = grouping.count[g] > 1 ? ratio(rNorm - grouping.mean[g], grouping.std[g] + ε) : 0;
      G = rNorm + γ * G;
      A[t] = A_E + alpha * G;
    }
  }
  return A;
}

// ---------------------------------------------------------------------------

/** Checks ragged offsets over `total` steps; returns the number of trajectories. */
function checkOffsets(offsets: ArrayLike<number>, total: number, path: string): number {
  if (offsets.length < 1) throw new UserError(path, "expected at least one offset (0)");
  if (offsets[0] !== 0) throw new UserError(`${path}[0]`, `expected 0, got ${offsets[0]}`);
  for (let i = 1; i < offsets.length; i++) {
    const o = offsets[i];
    if (!Number.isInteger(o) || o < offsets[i - 1]) throw new UserError(`${path}[${i}]`, `expected an integer ≥ ${path}[${i - 1}] (${offsets[i - 1]}), got ${o}`);
  }
  const last = offsets[offsets.length - 1];
  if (last !== total) throw new UserError(`${path}[${offsets.length - 1}]`, `expected ${total} (the number of steps), got ${last}`);
  return offsets.length - 1;
}

function checkFinite(values: Values, path: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new UserError(`${path}[${i}]`, `expected a finite number, got ${String(values[i])}`);
  }
}

/** d/s, and 0 for 0/0 (equal step rewards with ε = 0). */
function ratio(d: number, s: number): number {
  return s === 0 ? 0 : d / s;
}

function finite(x: number, path: string): void {
  if (!Number.isFinite(x)) throw new UserError(path, `expected a finite number, got ${String(x)}`);
}

function outArray(out: Float64Array | undefined, n: number): Float64Array {
  if (out === undefined) return new Float64Array(n);
  if (out.length !== n) throw new UserError("out", `expected a Float64Array of length ${n}, got length ${out.length}`);
  return out;
}
