/**
 * ## Description
 * The k-armed Gaussian bandit (Sutton & Barto's 10-armed testbed): arm a pays
 * N(μ_a, σ²). The means are given (`means`) or drawn from N(0, 1) on the
 * first reset and kept for every later episode of the environment;
 * `reset(seed)` draws them again from the new stream.
 * ## Action Space  Discrete(k): the arm to pull.
 * ## Observation  Box(k + 2): one-hot of the previous arm, the previous
 * reward, t/horizon; all zeros at reset.
 * ## Rewards  r_t ~ N(μ_{a_t}, σ²), σ = `std` (default 1).
 * ## Termination  never; truncated after `horizon` pulls.
 * ## Registered  Bandit-Gaussian-10
 */
import { z } from "zod";
import { defineEnv } from "../spec.js";
import { BanditCore, previousPullSpace } from "./bandit-core.js";
import { armCount, checkPerArm, horizon, rewardStd } from "./kwargs.js";

export const GaussianBanditKwargs = z
  .strictObject({
    k: armCount(10),
    horizon,
    means: z.array(z.number()).optional().describe("μ_a: each arm's expected reward; drawn from N(0, 1) once per seed when absent"),
    std: rewardStd(1),
  })
  .superRefine((v, ctx) => checkPerArm(ctx, v.means, v.k, "means", "means"));
export type GaussianBanditKwargs = z.output<typeof GaussianBanditKwargs>;

export class GaussianBandit extends BanditCore {
  constructor(readonly kwargs: GaussianBanditKwargs) {
    super(kwargs.k, kwargs.horizon, previousPullSpace(kwargs.k, -Infinity, Infinity));
    if (kwargs.means) this.means.set(kwargs.means);
  }

  protected newEpisode(): void {
    if (this.kwargs.means || !this.seededAnew()) return;
    // μ_a ~ N(0, 1), drawn once per seed.
    for (let a = 0; a < this.k; a++) this.means[a] = this.rng.normal();
    this.taskVersion++;
  }

  protected drawReward(arm: number): number {
    return this.rng.normal(this.means[arm], this.kwargs.std);
  }
}

export const gaussianEnvs = [
  defineEnv({
    id: "Bandit-Gaussian-10",
    family: "bandit",
    summary: "10 arms paying N(μ_a, 1) with μ_a ~ N(0, 1) (kept across episodes, redrawn per seed)",
    kwargs: GaussianBanditKwargs,
    preset: { k: 10 },
    create: (k) => new GaussianBandit(k),
  }),
];
