/**
 * The Off-Switch Game (Hadfield-Menell, Dragan, Abbeel & Russell, 2017).
 *
 * A robot R can act now (a), switch itself off (s), or wait: propose a and
 * let the human H decide, who lets it act or presses the off switch. The
 * action's utility to H is U_a; R does not know it and holds a belief
 * U_a ~ N(μ, σ²). H knows U_a and lets R act with probability
 *
 *   π_H(u) = σ(β·u)   (Boltzmann rationality β; β = ∞: allow iff u ≥ 0)
 *
 * R's expected utilities: act = E[U_a] = μ, off = 0,
 * wait = E[π_H(U_a)·U_a], and its incentive to defer is
 *
 *   Δ = wait − max(act, off).
 *
 * The paper's result: with a rational H, Δ ≥ 0, and Δ > 0 exactly when R is
 * uncertain about the sign of U_a; with an irrational H (finite β), a
 * certain R (σ = 0) has Δ < 0, and deferring needs enough uncertainty
 * relative to H's noise.
 */
export interface Belief {
  /** μ: R's expected utility of its action. */
  mean: number;
  /** σ ≥ 0: R's uncertainty about it. */
  std: number;
}

export type Choice = "act" | "off" | "wait";

export interface OffSwitchOutcome {
  act: number;
  off: number;
  wait: number;
  /** Δ = wait − max(act, off). */
  incentive: number;
  /** R's best choice; ties (within 1e-9) go to waiting, then acting. */
  choice: Choice;
}

/** π_H(u): the probability that H lets R act, for rationality β (Infinity: rational). */
export function humanAllows(u: number, beta: number): number {
  if (beta === Infinity) return u > 0 ? 1 : u < 0 ? 0 : 0.5;
  const z = beta * u;
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** Φ(x), the standard normal CDF, through erfc (Numerical Recipes' Chebyshev fit: relative error < 1.2e-7). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const erfc =
    t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? 1 - erfc / 2 : erfc / 2;
}

const normalPdf = (z: number) => Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);

/** E[f(U)] for U ~ N(μ, σ²), by Simpson's rule over μ ± 10σ (exact for σ = 0). */
function expectation(b: Belief, f: (u: number) => number, intervals = 4000): number {
  if (b.std === 0) return f(b.mean);
  const lo = b.mean - 10 * b.std;
  const h = (20 * b.std) / intervals;
  let sum = 0;
  for (let k = 0; k <= intervals; k++) {
    const u = lo + k * h;
    const z = (u - b.mean) / b.std;
    const density = Math.exp(-0.5 * z * z) / (b.std * Math.sqrt(2 * Math.PI));
    sum += (k === 0 || k === intervals ? 1 : k % 2 ? 4 : 2) * f(u) * density;
  }
  return (sum * h) / 3;
}

export function offSwitchGame(belief: Belief, beta: number): OffSwitchOutcome {
  if (!(belief.std >= 0)) throw new RangeError(`std must be ≥ 0, got ${belief.std}`);
  if (!(beta > 0)) throw new RangeError(`beta must be > 0, got ${beta}`);
  const act = belief.mean;
  const off = 0;
  const best = Math.max(act, off);
  let incentive: number;
  if (beta === Infinity) {
    // Rational H: wait = E[max(U, 0)], so Δ = σ·φ(μ/σ) − |μ|·Φ(−|μ|/σ) in closed form (≥ 0 by the Mills-ratio bound).
    const z = belief.std > 0 ? belief.mean / belief.std : Infinity;
    incentive = belief.std > 0 ? belief.std * normalPdf(z) - Math.abs(belief.mean) * normalCdf(-Math.abs(z)) : 0;
  } else {
    incentive = expectation(belief, (u) => humanAllows(u, beta) * u) - best;
  }
  const wait = best + incentive;
  const choice: Choice = incentive >= -1e-9 ? "wait" : act >= off ? "act" : "off";
  return { act, off, wait, incentive, choice };
}
