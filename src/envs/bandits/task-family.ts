/**
 * ## Description
 * A family of bandit tasks for meta-RL: every episode draws new arm means
 * from a task distribution, so an agent must explore anew each episode and
 * can only carry over what the family has in common (RL², Duan et al. 2016;
 * Wang et al. 2016).
 *
 * | distribution   | μ_a each episode                                                        |
 * |----------------|-------------------------------------------------------------------------|
 * | `beta`         | μ_a ~ Beta(α_a, β_a), independent per arm (α = β = 1 is U[0, 1])         |
 * | `one-good-arm` | one arm, uniformly at random, has μ = `high`; every other arm `low`     |
 * | `linear`       | μ_a = θ·x_a with θ ~ N(0, I_d) per episode and fixed arm vectors x_a     |
 *
 * The arm vectors x_a of `linear` are given (`arms`) or drawn uniformly on
 * the unit sphere once per seed, so pulling one arm tells about all of them.
 * ## Action Space  Discrete(k): the arm to pull.
 * ## Observation  Box(k + 2): one-hot of the previous arm, the previous
 * reward, t/horizon; all zeros at reset.
 * ## Rewards  Bernoulli(μ_{a_t}) for `reward: "bernoulli"` (the default
 * except for `linear`), N(μ_{a_t}, σ²) for `reward: "gaussian"`.
 * ## Termination  never; truncated after `horizon` pulls.
 * ## Registered  Bandit-Beta-10, Bandit-OneGoodArm-10, Bandit-LinearFamily-10
 */
import { z } from "zod";
import { defineEnv } from "../spec.js";
import { BanditCore, previousPullSpace } from "./bandit-core.js";
import { armCount, checkArmVectors, checkPerArm, horizon, rewardStd } from "./kwargs.js";

const perArmPositive = (what: string) =>
  z.union([z.number().positive(), z.array(z.number().positive())]).default(1).describe(`beta: ${what} of each arm's Beta(α, β) (one number for every arm, or one per arm)`);

export const TaskFamilyKwargs = z
  .strictObject({
    k: armCount(10),
    horizon,
    distribution: z.enum(["beta", "one-good-arm", "linear"]).default("beta").describe("the task distribution each episode's arm means are drawn from"),
    alpha: perArmPositive("α"),
    beta: perArmPositive("β"),
    high: z.number().min(0).max(1).default(0.9).describe("one-good-arm: the good arm's mean"),
    low: z.number().min(0).max(1).default(0.1).describe("one-good-arm: every other arm's mean"),
    dim: z.number().int().min(1).max(1024).default(3).describe("linear: d, the dimension of θ and of the arm vectors"),
    arms: z.array(z.array(z.number())).optional().describe("linear: the arm vectors x_a (k lists of d numbers); drawn on the unit sphere once per seed when absent"),
    reward: z.enum(["bernoulli", "gaussian"]).optional().describe('how rewards are drawn from μ: "bernoulli" (default) or "gaussian" (default and required for linear)'),
    std: rewardStd(1),
  })
  .superRefine((v, ctx) => {
    if (Array.isArray(v.alpha)) checkPerArm(ctx, v.alpha, v.k, "alpha", "values of α");
    if (Array.isArray(v.beta)) checkPerArm(ctx, v.beta, v.k, "beta", "values of β");
    checkArmVectors(ctx, v.arms, v.k, v.dim, "arms", "arm vectors");
    if (v.distribution === "linear" && v.reward === "bernoulli") {
      ctx.addIssue({ code: "custom", path: ["reward"], input: v.reward, message: 'linear means θ·x are not probabilities; expected "gaussian"' });
    }
  });
export type TaskFamilyKwargs = z.output<typeof TaskFamilyKwargs>;

export class TaskFamilyBandit extends BanditCore {
  readonly rewardKind: "bernoulli" | "gaussian";
  /** linear: the arm vectors x_a, row-major k × d. */
  readonly arms: Float64Array;
  /** linear: this episode's θ. */
  readonly theta: Float64Array;
  private readonly alpha: Float64Array;
  private readonly beta: Float64Array;

  constructor(readonly kwargs: TaskFamilyKwargs) {
    const rewardKind = kwargs.reward ?? (kwargs.distribution === "linear" ? "gaussian" : "bernoulli");
    super(kwargs.k, kwargs.horizon, rewardKind === "bernoulli" ? previousPullSpace(kwargs.k, 0, 1) : previousPullSpace(kwargs.k, -Infinity, Infinity));
    this.rewardKind = rewardKind;
    const { k, dim } = kwargs;
    this.alpha = new Float64Array(k).fill(typeof kwargs.alpha === "number" ? kwargs.alpha : 0);
    this.beta = new Float64Array(k).fill(typeof kwargs.beta === "number" ? kwargs.beta : 0);
    if (Array.isArray(kwargs.alpha)) this.alpha.set(kwargs.alpha);
    if (Array.isArray(kwargs.beta)) this.beta.set(kwargs.beta);
    const linear = kwargs.distribution === "linear";
    this.arms = new Float64Array(linear ? k * dim : 0);
    this.theta = new Float64Array(linear ? dim : 0);
    if (kwargs.arms) kwargs.arms.forEach((x, a) => this.arms.set(x, a * dim));
  }

  protected newEpisode(): void {
    const { k, means, rng } = this;
    switch (this.kwargs.distribution) {
      case "beta":
        // μ_a ~ Beta(α_a, β_a)
        for (let a = 0; a < k; a++) means[a] = rng.beta(this.alpha[a], this.beta[a]);
        break;
      case "one-good-arm": {
        // One arm, uniformly at random, is the good one.
        means.fill(this.kwargs.low);
        means[rng.int(k)] = this.kwargs.high;
        break;
      }
      case "linear":
        this.newLinearTask();
        break;
    }
    this.taskVersion++;
  }

  private newLinearTask(): void {
    const { k, means, rng, arms, theta } = this;
    const d = this.kwargs.dim;
    if (!this.kwargs.arms && this.seededAnew()) {
      // x_a uniform on the unit sphere: a normalised standard normal vector, once per seed.
      for (let a = 0; a < k; a++) {
        let norm2 = 0;
        for (let j = 0; j < d; j++) norm2 += (arms[a * d + j] = rng.normal()) ** 2;
        const norm = Math.sqrt(norm2) || 1;
        for (let j = 0; j < d; j++) arms[a * d + j] /= norm;
      }
    }
    // θ ~ N(0, I_d) per episode; μ_a = θ·x_a.
    for (let j = 0; j < d; j++) theta[j] = rng.normal();
    for (let a = 0; a < k; a++) {
      let mu = 0;
      for (let j = 0; j < d; j++) mu += theta[j] * arms[a * d + j];
      means[a] = mu;
    }
  }

  protected drawReward(arm: number): number {
    const mu = this.means[arm];
    return this.rewardKind === "bernoulli" ? (this.rng.float() < mu ? 1 : 0) : this.rng.normal(mu, this.kwargs.std);
  }

  override info(): Record<string, unknown> {
    const info = super.info();
    if (this.kwargs.distribution === "linear") info.theta = Array.from(this.theta);
    return info;
  }
}

const family = (id: string, summary: string, preset: Record<string, unknown>) =>
  defineEnv({ id, family: "bandit", summary, kwargs: TaskFamilyKwargs, preset: { k: 10, ...preset }, create: (k) => new TaskFamilyBandit(k) });

export const taskFamilyEnvs = [
  family("Bandit-Beta-10", "10 Bernoulli arms with new means μ_a ~ Beta(α, β) every episode (meta-RL)", { distribution: "beta" }),
  family("Bandit-OneGoodArm-10", "10 Bernoulli arms, one random arm good (0.9) and the rest 0.1, redrawn every episode", { distribution: "one-good-arm" }),
  family("Bandit-LinearFamily-10", "10 Gaussian arms with means θ·x_a, θ ~ N(0, I₃) redrawn every episode, x_a fixed per seed", { distribution: "linear" }),
];
