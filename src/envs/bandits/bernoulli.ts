/**
 * ## Description
 * The k-armed Bernoulli bandit: arm a pays 1 with probability μ_a, else 0.
 * The means are given (`means`) or drawn from U[0, 1] on the first reset
 * and kept for every later episode of the environment; `reset(seed)` draws
 * them again from the new stream. Use it for exploration studies (regret of
 * UCB1, Thompson sampling) and, across seeds, as a meta-RL task set.
 * ## Action Space  Discrete(k): the arm to pull.
 * ## Observation  Box(k + 2): one-hot of the previous arm, the previous
 * reward, t/horizon; all zeros at reset.
 * ## Rewards  r_t ~ Bernoulli(μ_{a_t}) ∈ {0, 1}.
 * ## Termination  never; truncated after `horizon` pulls.
 * ## Registered  Bandit-Bernoulli-10
 */
import { z } from "zod";
import { defineEnv } from "../spec.js";
import { BanditCore, previousPullSpace } from "./bandit-core.js";
import { armCount, checkPerArm, horizon } from "./kwargs.js";

export const BernoulliBanditKwargs = z
  .strictObject({
    k: armCount(10),
    horizon,
    means: z.array(z.number().min(0).max(1)).optional().describe("μ_a: each arm's success probability; drawn from U[0, 1] once per seed when absent"),
  })
  .superRefine((v, ctx) => checkPerArm(ctx, v.means, v.k, "means", "means"));
export type BernoulliBanditKwargs = z.output<typeof BernoulliBanditKwargs>;

export class BernoulliBandit extends BanditCore {
  constructor(readonly kwargs: BernoulliBanditKwargs) {
    super(kwargs.k, kwargs.horizon, previousPullSpace(kwargs.k, 0, 1));
    if (kwargs.means) this.means.set(kwargs.means);
  }

  protected newEpisode(): void {
    if (this.kwargs.means || !this.seededAnew()) return;
    // μ_a ~ U[0, 1], drawn once per seed.
    for (let a = 0; a < this.k; a++) this.means[a] = this.rng.float();
    this.taskVersion++;
  }

  protected drawReward(arm: number): number {
    return this.rng.float() < this.means[arm] ? 1 : 0;
  }
}

export const bernoulliEnvs = [
  defineEnv({
    id: "Bandit-Bernoulli-10",
    family: "bandit",
    summary: "10 arms paying 1 with probability μ_a ~ U[0, 1] (kept across episodes, redrawn per seed)",
    kwargs: BernoulliBanditKwargs,
    preset: { k: 10 },
    create: (k) => new BernoulliBandit(k),
  }),
];
