/**
 * How brittle is the optimal policy to the reward? ("The Policy Cliff", 2025.)
 * The map from reward to optimal policy is discontinuous where optimal
 * actions tie: an arbitrarily small change can flip which one is taken.
 * Entropy regularization makes the map continuous, at the price of a
 * stochastic policy.
 *
 * On a gridworld's exact tabular model, the reward the agent learns from is
 * perturbed at sizes ε, either
 *   - noise:   R′ = R + ε·sd(R)·z,  z ~ N(0, 1) per transition, or
 *   - weights: R′ = Σ_i (1 + ε·z_i)·R_i over the optimized terms R_i,
 * and the optimal policy π′ compared with the unperturbed π by total
 * variation, TV = mean_s ½ Σ_a |π′(a|s) − π(a|s)|, and by action agreement
 * (both most-likely actions equal). Without regularization π is uniform over
 * the optimal actions; with temperature τ > 0 it is the soft-optimal
 * π(a|s) = exp((Q(s,a) − V(s))/τ), V(s) = τ·log Σ_a exp(Q(s,a)/τ).
 * The cliff is the smallest ε at which TV exceeds `cliffAt`; the share of
 * changed states that had tied optimal actions says whether ties are the
 * cause, as the paper argues.
 */
import { Rng } from "../core/rng.js";
import { UserError } from "../core/errors.js";
import type { GridEnv } from "../envs/grid/engine.js";
import { makeVector } from "../envs/registry.js";
import { tabulate, type TabularModel } from "../envs/tabular.js";
import { compileReward } from "../rewards/program.js";
import { envInfoOf } from "../rewards/rewarded.js";
import { backup, maxOf, sweepValues, tabularRewards, valueIteration } from "../rewards/tabular.js";

export interface SensitivityOptions {
  gamma?: number;
  seed?: number;
  kwargs?: Record<string, unknown>;
  /** What is perturbed. */
  perturb?: "noise" | "weights";
  /** Perturbation sizes ε. */
  sizes?: number[];
  /** Perturbations drawn per size. */
  draws?: number;
  /** Entropy-regularization temperatures τ to compare (0: none). */
  temperatures?: number[];
  /** TV above which the policy has fallen off the cliff. */
  cliffAt?: number;
}

export interface SensitivityPoint {
  size: number;
  /** Mean and standard deviation over draws of the total variation to the unperturbed policy. */
  tv: number;
  tvStd: number;
  /** Share of states whose most likely action is unchanged. */
  agreement: number;
}

export interface SensitivityCurve {
  temperature: number;
  points: SensitivityPoint[];
  /** The smallest size with mean TV above `cliffAt`, or null. */
  cliff: number | null;
}

export interface SensitivityReport {
  env: string;
  states: number;
  perturb: "noise" | "weights";
  curves: SensitivityCurve[];
  /** States whose unperturbed optimal actions tie (more than one within 1e-9). */
  tiedStates: number;
  /** Of the states whose hard-max policy changed at the smallest size, the share that had ties. */
  changesAtTies: number;
}

export function policySensitivity(envId: string, spec: unknown, options: SensitivityOptions = {}): SensitivityReport {
  const { gamma = 0.99, seed = 0, kwargs, perturb = "noise", sizes = [1e-6, 1e-4, 1e-3, 1e-2, 3e-2, 0.1, 0.3, 1], draws = 10, temperatures = [0, 0.01, 0.1], cliffAt = 0.05 } = options;
  const vec = makeVector(envId, 1, { kwargs });
  const core = vec.cores[0] as GridEnv;
  if (typeof (core as Partial<GridEnv>).snapshot !== "function") throw new UserError("--env", `the exact sensitivity analysis needs a deterministic gridworld with a tabular model; ${vec.id} is not one`);
  vec.reset(seed);
  const model = tabulate(core);
  const program = compileReward(spec, envInfoOf(vec));
  const { total, terms } = tabularRewards(core, model, program);
  const optimized = terms.filter((_, i) => program.terms[i].optimize);
  if (perturb === "weights" && optimized.length === 0) throw new UserError("spec", "no optimized terms to perturb the weights of");
  const scale = standardDeviation(total) || 1;
  const rng = new Rng(seed);
  const perturbed = new Float64Array(total.length);
  const curves: SensitivityCurve[] = [];
  const base0 = policyOf(model, total, gamma, 0);
  const tiedStates = countTies(base0, model.numActions);
  let changesAtTies = NaN;
  for (const temperature of temperatures) {
    const base = temperature === 0 ? base0 : policyOf(model, total, gamma, temperature);
    const points: SensitivityPoint[] = [];
    for (const size of sizes) {
      const tvs: number[] = [];
      let agree = 0;
      let changed = 0;
      let changedTied = 0;
      for (let d = 0; d < draws; d++) {
        if (perturb === "noise") for (let i = 0; i < total.length; i++) perturbed[i] = total[i] + size * scale * rng.normal();
        else {
          perturbed.fill(0);
          for (const term of optimized) {
            const factor = 1 + size * rng.normal();
            for (let i = 0; i < total.length; i++) perturbed[i] += factor * term[i];
          }
        }
        const pi = policyOf(model, perturbed, gamma, temperature);
        const c = compare(base, pi, model.numActions);
        tvs.push(c.tv);
        agree += c.agreement / draws;
        changed += c.changed.length;
        changedTied += c.changed.filter((s) => isTied(base0, s, model.numActions)).length;
      }
      const mean = tvs.reduce((s, v) => s + v, 0) / tvs.length;
      points.push({ size, tv: mean, tvStd: Math.sqrt(tvs.reduce((s, v) => s + (v - mean) ** 2, 0) / tvs.length), agreement: agree });
      if (temperature === 0 && size === sizes[0]) changesAtTies = changed ? changedTied / changed : NaN;
    }
    curves.push({ temperature, points, cliff: points.find((p) => p.tv > cliffAt)?.size ?? null });
  }
  return { env: vec.id, states: model.numStates, perturb, curves, tiedStates, changesAtTies };
}

/** π[s·A + a]: uniform over the optimal actions (τ = 0) or soft-optimal with temperature τ. */
export function policyOf(model: TabularModel, reward: ArrayLike<number>, gamma: number, temperature: number): Float64Array {
  const { numStates: S, numActions: A } = model;
  const V = temperature === 0 ? valueIteration(model, reward, gamma) : softValueIteration(model, reward, gamma, temperature);
  const pi = new Float64Array(S * A);
  const q = new Float64Array(A);
  for (let s = 0; s < S; s++) {
    backup(model, reward, V, gamma, s, q);
    const best = maxOf(q);
    let z = 0;
    for (let a = 0; a < A; a++) {
      const p = temperature === 0 ? (q[a] >= best - 1e-9 ? 1 : 0) : Math.exp((q[a] - best) / temperature);
      pi[s * A + a] = p;
      z += p;
    }
    for (let a = 0; a < A; a++) pi[s * A + a] /= z;
  }
  return pi;
}

/** Soft (entropy-regularized) value iteration: V(s) = τ·log Σ_a exp(Q(s,a)/τ). */
export function softValueIteration(model: TabularModel, reward: ArrayLike<number>, gamma: number, temperature: number, tolerance = 1e-10): Float64Array {
  return sweepValues(
    model,
    reward,
    gamma,
    (q) => {
      const best = maxOf(q);
      let z = 0;
      for (let a = 0; a < q.length; a++) z += Math.exp((q[a] - best) / temperature);
      return best + temperature * Math.log(z);
    },
    tolerance,
  );
}

function compare(p: Float64Array, q: Float64Array, A: number): { tv: number; agreement: number; changed: number[] } {
  const S = p.length / A;
  let tv = 0;
  let agree = 0;
  const changed: number[] = [];
  for (let s = 0; s < S; s++) {
    let d = 0;
    for (let a = 0; a < A; a++) d += Math.abs(p[s * A + a] - q[s * A + a]);
    tv += d / 2 / S;
    if (d > 1e-9) changed.push(s);
    if (argmax(p, s, A) === argmax(q, s, A)) agree++;
  }
  return { tv, agreement: agree / S, changed };
}

function argmax(p: Float64Array, s: number, A: number): number {
  let best = 0;
  for (let a = 1; a < A; a++) if (p[s * A + a] > p[s * A + best] + 1e-12) best = a;
  return best;
}

const isTied = (pi: Float64Array, s: number, A: number) => {
  let n = 0;
  for (let a = 0; a < A; a++) if (pi[s * A + a] > 0) n++;
  return n > 1;
};

function countTies(pi: Float64Array, A: number): number {
  let n = 0;
  for (let s = 0; s < pi.length / A; s++) if (isTied(pi, s, A)) n++;
  return n;
}

function standardDeviation(x: Float64Array): number {
  let m = 0;
  for (const v of x) m += v / x.length;
  let s = 0;
  for (const v of x) s += (v - m) ** 2 / x.length;
  return Math.sqrt(s);
}
