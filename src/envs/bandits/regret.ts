/**
 * Runs a bandit policy for T pulls and records its cumulative pseudo-regret
 * R(t) = Σ_{s≤t} (μ*_s − μ_{a_s}): the expected loss against always pulling a
 * best arm, free of reward noise (Bubeck & Cesa-Bianchi 2012, §1).
 *
 * Episodes restart at the horizon. The policy keeps what it learned when the
 * arm means are kept (plain bandits) and starts over when they are redrawn
 * (a task family), as `taskVersion` tells.
 *
 * @example
 * const curve = regretCurve(make("Bandit-Bernoulli-10", { kwargs: { horizon: 1000 } }), ucb1(new Rng(1)), 1000, 0);
 * curve[999]; // R(1000)
 */
import { UserError } from "../../core/errors.js";
import type { EnvCore } from "../core.js";
import { Env } from "../env.js";
import { BanditCore } from "./bandit-core.js";
import type { BanditPolicy } from "./baselines.js";

/**
 * R(1), …, R(T) for `policy` on `bandit` (an `Env` from `make` or a bandit core).
 * With `seed`, the environment's stream is reseeded first (new arm means).
 * It drives the core directly: call `env.reset()` before stepping an `Env` again.
 */
export function regretCurve(bandit: Env | EnvCore, policy: BanditPolicy, pulls: number, seed?: number): Float64Array {
  const core = bandit instanceof Env ? bandit.core : bandit;
  if (!(core instanceof BanditCore)) throw new UserError("bandit", `expected a bandit environment, got ${core.constructor.name}`);
  if (!Number.isInteger(pulls) || pulls < 1) throw new UserError("pulls", `expected a positive integer, got ${pulls}`);
  if (seed !== undefined) core.rng.reseed(seed);
  const obs = new Float32Array(core.observationSpace.size);
  const action = new Float64Array(1);
  const curve = new Float64Array(pulls);

  core.reset(obs, 0);
  policy.reset(core.k);
  let task = core.taskVersion;
  let regret = 0;
  for (let t = 0; t < pulls; t++) {
    const arm = policy.act();
    if (!(arm >= 0 && arm < core.k) || (arm | 0) !== arm) throw new UserError(`${policy.name}.act`, `expected an arm in [0, ${core.k - 1}], got ${arm}`);
    action[0] = arm;
    const reward = core.step(action, 0, obs, 0);
    regret += core.lastRegret;
    curve[t] = regret;
    policy.update(arm, reward);
    if (core.terminated || core.truncated) {
      core.reset(obs, 0);
      if (core.taskVersion !== task) {
        task = core.taskVersion;
        policy.reset(core.k);
      }
    }
  }
  return curve;
}

/**
 * Σ_{Δ_a>0} 8 ln T / Δ_a + (1 + π²/3) Σ_a Δ_a: UCB1's bound on expected
 * regret after T pulls for rewards in [0, 1] (Auer et al. 2002, Theorem 1).
 */
export function ucb1RegretBound(means: ArrayLike<number>, pulls: number): number {
  let best = -Infinity;
  for (let a = 0; a < means.length; a++) best = Math.max(best, means[a]);
  let bound = 0;
  for (let a = 0; a < means.length; a++) {
    const gap = best - means[a];
    if (gap > 0) bound += (8 * Math.log(pulls)) / gap + (1 + Math.PI ** 2 / 3) * gap;
  }
  return bound;
}
