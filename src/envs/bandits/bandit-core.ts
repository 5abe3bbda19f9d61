/**
 * The engine every bandit shares (MiniGrid's `MiniGridEnv` idea): one pull per
 * step, the expected regret of each pull, the features and events, and the
 * meta-RL observation. A bandit only says how its arm means are drawn
 * (`newEpisode`) and how a reward is drawn from an arm (`drawReward`).
 *
 * `means[a]` is always the expected reward of arm a in the current state
 * (for a contextual bandit, under the current context), so regret, features
 * and baselines work the same for every bandit.
 */
import { Box, Discrete, type Space } from "../../core/spaces.js";
import { EnvCore, feature, type Feature } from "../core.js";

/** The events a pull can raise; bit i of `eventMask` is `BANDIT_EVENTS[i]`. */
export const BANDIT_EVENTS = ["pull:optimal", "pull:suboptimal", "reward:positive"] as const;
export type BanditEvent = (typeof BANDIT_EVENTS)[number];
/** The bit of each event: `E["pull:optimal"]` is 1 << 0. */
export const E = Object.fromEntries(BANDIT_EVENTS.map((name, i) => [name, 1 << i])) as Record<BanditEvent, number>;

export const BANDIT_FEATURES: readonly Feature<BanditCore>[] = [
  feature<BanditCore>("arm.bestMean", "μ* = max_a μ_a: the best expected reward available now", (c) => c.bestMean),
  feature<BanditCore>("pull.mean", "μ_{a_t}: the expected reward of the last pulled arm (0 before the first pull)", (c) => c.lastMean),
  feature<BanditCore>("regret", "μ* − μ_{a_t}: the expected regret of the last pull (0 before the first pull)", (c) => c.lastRegret),
  feature<BanditCore>("pull.optimal", "1 if the last pull chose a best arm, else 0", (c) => c.lastOptimal),
  feature<BanditCore>("pull.arm", "the last pulled arm, −1 before the first pull", (c) => c.lastArm),
  feature<BanditCore>("t", "pulls so far this episode", (c) => c.stepCount),
];

/**
 * The observation of a non-contextual bandit, for recurrent meta-RL agents
 * (RL², Duan et al. 2016): one-hot of the previous arm (k), the previous
 * reward, and t/horizon. All zeros at reset.
 */
export function previousPullSpace(k: number, rewardLow: number, rewardHigh: number): Box {
  const low = new Float32Array(k + 2);
  const high = new Float32Array(k + 2).fill(1);
  low[k] = rewardLow;
  high[k] = rewardHigh;
  return new Box(low, high);
}

export abstract class BanditCore extends EnvCore {
  readonly observationSpace: Space;
  readonly actionSpace: Discrete;
  readonly features: readonly Feature<any>[] = BANDIT_FEATURES;
  readonly events: readonly string[] = BANDIT_EVENTS;
  readonly maxSteps: number;

  /** μ_a: the expected reward of each arm in the current state. */
  readonly means: Float64Array;
  /** μ* = max_a μ_a. */
  bestMean = 0;
  lastArm = -1;
  lastReward = 0;
  lastMean = 0;
  lastRegret = 0;
  lastOptimal = 0;
  /** Counts draws of a new task (new arm means); a policy that learns one task restarts when it changes. */
  taskVersion = 0;

  /** Set at construction and by every reseed: the next reset draws the means kept for later episodes. */
  private drawPending = true;

  constructor(
    /** The number of arms. */
    readonly k: number,
    /** Pulls per episode; the episode is truncated (never terminated) after them. */
    readonly horizon: number,
    observationSpace: Space,
  ) {
    super();
    this.actionSpace = new Discrete(k);
    this.maxSteps = horizon;
    this.observationSpace = observationSpace;
    this.means = new Float64Array(k);
  }

  /** Sets the means for a new episode: drawn again, kept, or (contextual) for the first context. */
  protected abstract newEpisode(): void;
  /** Draws the reward of pulling `arm` in the current state. */
  protected abstract drawReward(arm: number): number;
  /** Moves to the next state after a pull (a contextual bandit draws the next context). */
  protected afterPull(): void {}

  protected generate(): void {
    this.lastArm = -1;
    this.lastReward = 0;
    this.lastMean = 0;
    this.lastRegret = 0;
    this.lastOptimal = 0;
    this.newEpisode();
    this.updateBest();
  }

  protected transition(actions: ArrayLike<number>, offset: number): number {
    const arm = actions[offset];
    const mean = this.means[arm];
    // Pseudo-regret: μ* − μ_{a_t}, the expected loss of this pull against always pulling a best arm.
    this.lastRegret = this.bestMean - mean;
    this.lastOptimal = mean >= this.bestMean ? 1 : 0;
    this.lastMean = mean;
    const reward = this.drawReward(arm);
    this.lastArm = arm;
    this.lastReward = reward;
    this.eventMask = (this.lastOptimal ? E["pull:optimal"] : E["pull:suboptimal"]) | (reward > 0 ? E["reward:positive"] : 0);
    this.afterPull();
    return reward;
  }

  /** Writes the previous-pull observation (see `previousPullSpace`). */
  observe(obs: Float32Array, offset: number): void {
    const k = this.k;
    obs.fill(0, offset, offset + k);
    if (this.lastArm >= 0) obs[offset + this.lastArm] = 1;
    obs[offset + k] = this.lastReward;
    obs[offset + k + 1] = this.stepCount / this.horizon;
  }

  /**
   * True on the first reset and on the first reset after the stream was
   * reseeded (`reset(seed)`): the moment to draw arm means that are kept for
   * the episodes after it.
   */
  protected seededAnew(): boolean {
    const fresh = this.drawPending;
    this.drawPending = false;
    return fresh;
  }

  protected override onSeed(): void {
    this.drawPending = true;
  }

  /** Recomputes μ*; call after changing `means`. */
  protected updateBest(): void {
    let best = -Infinity;
    for (let a = 0; a < this.k; a++) if (this.means[a] > best) best = this.means[a];
    this.bestMean = best;
  }

  render(): string {
    const lines = [`t=${this.stepCount}/${this.horizon}` + (this.lastArm >= 0 ? `  last pull: arm ${this.lastArm} → ${fmt(this.lastReward)} (regret ${fmt(this.lastRegret)})` : "")];
    for (let a = 0; a < this.k; a++) {
      const mark = (this.means[a] >= this.bestMean ? "*" : " ") + (a === this.lastArm ? ">" : " ");
      lines.push(`${mark} arm ${String(a).padStart(2)}  μ=${fmt(this.means[a])}`);
    }
    return lines.join("\n");
  }

  override info(): Record<string, unknown> {
    return { means: Array.from(this.means) };
  }
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(3);
}
