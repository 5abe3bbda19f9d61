/**
 * ## Description
 * The contextual linear bandit (Li et al. 2010, LinUCB's setting): every step
 * draws a context x ∈ R^d, x ~ N(0, I_d), and shows it as the observation;
 * arm a pays θ_a·x plus Gaussian noise. The weight vectors θ_a are given
 * (`thetas`) or drawn from N(0, I_d/d) once per seed (so θ_a·x has unit
 * variance) and kept for every later episode; `reset(seed)` draws them again.
 * The best arm changes with the context, so no single arm is optimal.
 * ## Action Space  Discrete(k): the arm to pull.
 * ## Observation  Box(d): the context x_t to act on.
 * ## Rewards  r_t = θ_{a_t}·x_t + ε, ε ~ N(0, σ²), σ = `std` (default 0.5).
 * Features `regret` and `pull.optimal` compare the pull with the best arm
 * for the context it was made in; `arm.bestMean` is max_a θ_a·x for the
 * current context.
 * ## Termination  never; truncated after `horizon` pulls.
 * ## Registered  Bandit-ContextualLinear-5
 */
import { z } from "zod";
import { Box } from "../../core/spaces.js";
import { defineEnv } from "../spec.js";
import { BanditCore } from "./bandit-core.js";
import { armCount, checkArmVectors, horizon, rewardStd } from "./kwargs.js";

export const ContextualLinearKwargs = z
  .strictObject({
    k: armCount(5),
    horizon,
    dim: z.number().int().min(1).max(1024).default(4).describe("d: the dimension of the context and of each θ_a"),
    thetas: z.array(z.array(z.number())).optional().describe("θ_a: each arm's weights (k lists of d numbers); drawn from N(0, I/d) once per seed when absent"),
    std: rewardStd(0.5),
  })
  .superRefine((v, ctx) => checkArmVectors(ctx, v.thetas, v.k, v.dim, "thetas", "weight vectors"));
export type ContextualLinearKwargs = z.output<typeof ContextualLinearKwargs>;

export class ContextualLinearBandit extends BanditCore {
  readonly dim: number;
  /** θ_a, row-major k × d. */
  readonly thetas: Float64Array;
  /** x_t, the current context. */
  readonly context: Float64Array;

  constructor(readonly kwargs: ContextualLinearKwargs) {
    super(kwargs.k, kwargs.horizon, new Box(-Infinity, Infinity, [kwargs.dim]));
    this.dim = kwargs.dim;
    this.thetas = new Float64Array(kwargs.k * kwargs.dim);
    this.context = new Float64Array(kwargs.dim);
    if (kwargs.thetas) kwargs.thetas.forEach((row, a) => this.thetas.set(row, a * kwargs.dim));
  }

  protected newEpisode(): void {
    if (!this.kwargs.thetas && this.seededAnew()) {
      // θ_a ~ N(0, I_d/d), once per seed.
      const std = 1 / Math.sqrt(this.dim);
      for (let i = 0; i < this.thetas.length; i++) this.thetas[i] = this.rng.normal(0, std);
      this.taskVersion++;
    }
    this.drawContext();
  }

  protected drawReward(arm: number): number {
    // means[arm] = θ_a·x_t for the context the pull was made in.
    return this.rng.normal(this.means[arm], this.kwargs.std);
  }

  protected override afterPull(): void {
    this.drawContext();
    this.updateBest();
  }

  /** x ~ N(0, I_d); μ_a = θ_a·x. */
  private drawContext(): void {
    const { k, dim, thetas, context, means, rng } = this;
    for (let j = 0; j < dim; j++) context[j] = rng.normal();
    for (let a = 0; a < k; a++) {
      let mu = 0;
      for (let j = 0; j < dim; j++) mu += thetas[a * dim + j] * context[j];
      means[a] = mu;
    }
  }

  override observe(obs: Float32Array, offset: number): void {
    for (let j = 0; j < this.dim; j++) obs[offset + j] = this.context[j];
  }

  override render(): string {
    return `x=[${Array.from(this.context, (v) => v.toFixed(2)).join(", ")}]\n` + super.render();
  }

  override info(): Record<string, unknown> {
    const { k, dim, thetas } = this;
    return { ...super.info(), thetas: Array.from({ length: k }, (_, a) => Array.from(thetas.subarray(a * dim, (a + 1) * dim))) };
  }
}

export const contextualEnvs = [
  defineEnv({
    id: "Bandit-ContextualLinear-5",
    family: "bandit",
    summary: "5 arms paying θ_a·x + N(0, 0.25) for a fresh context x ~ N(0, I₄) each step (the observation)",
    kwargs: ContextualLinearKwargs,
    preset: { k: 5 },
    create: (k) => new ContextualLinearBandit(k),
  }),
];
