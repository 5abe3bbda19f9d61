/**
 * Baseline bandit policies: UCB1, Thompson sampling (Beta and Gaussian
 * posteriors), ε-greedy and uniform random. Each takes an explicit `Rng` (for
 * tie-breaking and sampling) and options validated by a zod schema; each
 * keeps its statistics in typed arrays, so `act` and `update` allocate nothing.
 *
 * @example
 * const policy = ucb1(new Rng(0));
 * policy.reset(10);
 * const arm = policy.act();
 * policy.update(arm, 1);
 */
import { z } from "zod";
import { parseConfig } from "../../core/config.js";
import type { Rng } from "../../core/rng.js";

export interface BanditPolicy {
  readonly name: string;
  /** Forgets everything and starts over on `k` arms. */
  reset(k: number): void;
  /** The arm to pull next. */
  act(): number;
  /** Learns from the reward of pulling `arm`. */
  update(arm: number, reward: number): void;
}

/** The index of the largest of the first `n` values; ties broken uniformly at random (reservoir sampling). */
export function argmaxRandomTie(values: ArrayLike<number>, rng: Rng, n = values.length): number {
  let best = 0;
  let ties = 1;
  for (let i = 1; i < n; i++) {
    if (values[i] > values[best]) {
      best = i;
      ties = 1;
    } else if (values[i] === values[best] && rng.int(++ties) === 0) {
      best = i;
    }
  }
  return best;
}

/** Per-arm pull counts and reward sums, grown only when k grows. */
class ArmStats {
  n = new Float64Array(0);
  sum = new Float64Array(0);
  score = new Float64Array(0);
  k = 0;
  t = 0;
  reset(k: number): void {
    if (!Number.isInteger(k) || k < 1) throw new RangeError(`reset(k): expected a positive integer, got ${k}`);
    if (this.n.length < k) [this.n, this.sum, this.score] = [new Float64Array(k), new Float64Array(k), new Float64Array(k)];
    this.n.fill(0);
    this.sum.fill(0);
    this.k = k;
    this.t = 0;
  }
  update(arm: number, reward: number): void {
    this.n[arm]++;
    this.sum[arm] += reward;
    this.t++;
  }
}

// ── UCB1 ─────────────────────────────────────────────────────────────────────

export const Ucb1Options = z.strictObject({
  scale: z.number().positive().default(1).describe("c: the exploration bonus is c·√(2 ln t / n_a); 1 for rewards in [0, 1], σ for σ-sub-Gaussian rewards"),
});

/**
 * UCB1 (Auer, Cesa-Bianchi & Fischer 2002, Fig. 1): pull each arm once, then
 * the arm maximising x̄_a + c·√(2 ln t / n_a). For rewards in [0, 1] (c = 1)
 * its expected regret after T pulls is at most
 * Σ_{Δ_a>0} 8 ln T / Δ_a + (1 + π²/3) Σ_a Δ_a (their Theorem 1).
 */
export function ucb1(rng: Rng, options: z.input<typeof Ucb1Options> = {}): BanditPolicy {
  const { scale } = parseConfig(Ucb1Options, options, "ucb1");
  const s = new ArmStats();
  return {
    name: "ucb1",
    reset: (k) => s.reset(k),
    act() {
      const logT = Math.log(s.t);
      for (let a = 0; a < s.k; a++) {
        // An unpulled arm has an infinite index, so every arm is pulled once first.
        s.score[a] = s.n[a] === 0 ? Infinity : s.sum[a] / s.n[a] + scale * Math.sqrt((2 * logT) / s.n[a]);
      }
      return argmaxRandomTie(s.score, rng, s.k);
    },
    update: (arm, reward) => s.update(arm, reward),
  };
}

// ── THOMPSON SAMPLING ────────────────────────────────────────────────────────

export const ThompsonBetaOptions = z.strictObject({
  alpha0: z.number().positive().default(1).describe("α₀ of each arm's Beta prior"),
  beta0: z.number().positive().default(1).describe("β₀ of each arm's Beta prior"),
});

/**
 * Thompson sampling for Bernoulli arms (Thompson 1933; Agrawal & Goyal 2012):
 * draw θ_a ~ Beta(α₀ + S_a, β₀ + F_a) and pull the largest. A reward r ∈ [0, 1]
 * counts as r successes and 1 − r failures.
 */
export function thompsonBeta(rng: Rng, options: z.input<typeof ThompsonBetaOptions> = {}): BanditPolicy {
  const { alpha0, beta0 } = parseConfig(ThompsonBetaOptions, options, "thompsonBeta");
  const s = new ArmStats();
  return {
    name: "thompson-beta",
    reset: (k) => s.reset(k),
    act() {
      // S_a = sum_a, F_a = n_a − sum_a
      for (let a = 0; a < s.k; a++) s.score[a] = rng.beta(alpha0 + s.sum[a], beta0 + s.n[a] - s.sum[a]);
      return argmaxRandomTie(s.score, rng, s.k);
    },
    update: (arm, reward) => s.update(arm, Math.min(1, Math.max(0, reward))),
  };
}

export const ThompsonGaussianOptions = z.strictObject({
  priorMean: z.number().default(0).describe("μ₀ of each arm's Gaussian prior on its mean"),
  priorStd: z.number().positive().default(1).describe("σ₀ of each arm's Gaussian prior on its mean"),
  noiseStd: z.number().positive().default(1).describe("σ: the (assumed known) standard deviation of rewards"),
});

/**
 * Thompson sampling for Gaussian arms with known noise σ and a N(μ₀, σ₀²)
 * prior: the posterior of μ_a is N(m_a, 1/τ_a) with τ_a = 1/σ₀² + n_a/σ² and
 * m_a = (μ₀/σ₀² + Σr/σ²) / τ_a; draw from each and pull the largest.
 */
export function thompsonGaussian(rng: Rng, options: z.input<typeof ThompsonGaussianOptions> = {}): BanditPolicy {
  const { priorMean, priorStd, noiseStd } = parseConfig(ThompsonGaussianOptions, options, "thompsonGaussian");
  const priorPrecision = 1 / (priorStd * priorStd);
  const noisePrecision = 1 / (noiseStd * noiseStd);
  const s = new ArmStats();
  return {
    name: "thompson-gaussian",
    reset: (k) => s.reset(k),
    act() {
      for (let a = 0; a < s.k; a++) {
        const tau = priorPrecision + s.n[a] * noisePrecision;
        const m = (priorMean * priorPrecision + s.sum[a] * noisePrecision) / tau;
        s.score[a] = rng.normal(m, 1 / Math.sqrt(tau));
      }
      return argmaxRandomTie(s.score, rng, s.k);
    },
    update: (arm, reward) => s.update(arm, reward),
  };
}

// ── ε-GREEDY AND RANDOM ──────────────────────────────────────────────────────

export const EpsilonGreedyOptions = z.strictObject({
  epsilon: z.number().min(0).max(1).default(0.1).describe("ε: the probability of pulling a uniformly random arm"),
});

/** ε-greedy on sample means; an unpulled arm counts as best, so each is tried once when greedy. */
export function epsilonGreedy(rng: Rng, options: z.input<typeof EpsilonGreedyOptions> = {}): BanditPolicy {
  const { epsilon } = parseConfig(EpsilonGreedyOptions, options, "epsilonGreedy");
  const s = new ArmStats();
  return {
    name: "epsilon-greedy",
    reset: (k) => s.reset(k),
    act() {
      if (rng.float() < epsilon) return rng.int(s.k);
      for (let a = 0; a < s.k; a++) s.score[a] = s.n[a] === 0 ? Infinity : s.sum[a] / s.n[a];
      return argmaxRandomTie(s.score, rng, s.k);
    },
    update: (arm, reward) => s.update(arm, reward),
  };
}

/** Pulls a uniformly random arm every time: the linear-regret reference. */
export function uniformRandom(rng: Rng): BanditPolicy {
  let k = 0;
  return {
    name: "uniform-random",
    reset(n) {
      if (!Number.isInteger(n) || n < 1) throw new RangeError(`reset(k): expected a positive integer, got ${n}`);
      k = n;
    },
    act: () => rng.int(k),
    update() {},
  };
}
