/**
 * How a population fares, episode by episode, in the terms of Perolat et
 * al. 2017 ("A multi-agent reinforcement learning model of common-pool
 * resource appropriation") and Melting Pot (Leibo et al. 2021):
 *
 * - collective return Σ_i R_i and per-capita return Σ_i R_i / N;
 * - equality E = 1 − Σ_i Σ_j |R_i − R_j| / (2N·Σ_i R_i) (1 − Gini; only
 *   when Σ_i R_i > 0);
 * - sustainability S = (1/N) Σ_i E[t | r_t^i > 0] / T: when in the episode
 *   (as a fraction of its length) rewards were collected, late when a
 *   resource lasts (agents never rewarded are left out);
 * - peace P = 1 − (agent-steps spent frozen) / (N·T), where the
 *   environment has a `frozen` feature (a zap's time-out);
 * - cooperation rate: cooperate / (cooperate + defect) events, where the
 *   environment raises them.
 *
 * `SocialMeter` measures them over a vector of seats (n tables × m agents
 * as rows): call `before()` before each step and `after()` after it.
 */
import type { VectorEnv } from "../vector.js";
import type { AgentFeature, MultiAgentCore } from "./core.js";
import { AgentSeat } from "./seats.js";

export const SOCIAL_METRICS = ["collective", "perCapita", "equality", "sustainability", "peace", "cooperation"] as const;
export type SocialMetric = (typeof SOCIAL_METRICS)[number];
/** One table episode's metrics (NaN where a metric does not apply). */
export type SocialMetrics = Record<SocialMetric, number>;

/** 1 − Gini of the agents' returns: 1 when all are equal; NaN unless their sum is positive. */
export function equality(returns: ArrayLike<number>): number {
  const N = returns.length;
  let total = 0;
  let spread = 0;
  for (let i = 0; i < N; i++) {
    total += returns[i];
    for (let j = 0; j < N; j++) spread += Math.abs(returns[i] - returns[j]);
  }
  return total > 0 ? 1 - spread / (2 * N * total) : NaN;
}

/** Means of each metric over episodes, NaNs left out (NaN when no episode has the metric). */
export function meanMetrics(episodes: readonly SocialMetrics[]): SocialMetrics {
  const out = {} as SocialMetrics;
  for (const key of SOCIAL_METRICS) {
    const values = episodes.map((e) => e[key]).filter((v) => !Number.isNaN(v));
    out[key] = values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN;
  }
  return out;
}

/** Per table: the running sums of its current episode. */
interface TableSums {
  returns: Float64Array;
  /** Σ t and count over the steps where agent i's reward was positive. */
  rewardTime: Float64Array;
  rewardSteps: Float64Array;
  frozen: number;
  cooperate: number;
  defect: number;
  steps: number;
}

export class SocialMeter {
  /** Agents per table. */
  readonly m: number;
  readonly tables: readonly MultiAgentCore[];
  private readonly frozen: AgentFeature | undefined;
  private readonly cooperateMask: number;
  private readonly defectMask: number;
  private readonly sums: TableSums[];

  private constructor(
    readonly vec: VectorEnv,
    tables: MultiAgentCore[],
  ) {
    this.tables = tables;
    this.m = tables[0].numAgents;
    this.frozen = tables[0].features.find((f) => f.name === "frozen");
    const has = (e: string) => vec.eventNames.includes(e);
    this.cooperateMask = has("cooperate") ? vec.eventMask("cooperate") : 0;
    this.defectMask = has("defect") ? vec.eventMask("defect") : 0;
    this.sums = tables.map(() => ({ returns: new Float64Array(this.m), rewardTime: new Float64Array(this.m), rewardSteps: new Float64Array(this.m), frozen: 0, cooperate: 0, defect: 0, steps: 0 }));
  }

  /** A meter for a vector whose rows are seats of multi-agent tables; undefined for a single-agent vector. */
  static of(vec: VectorEnv): SocialMeter | undefined {
    if (!vec.cores.every((c) => c instanceof AgentSeat)) return undefined;
    const seats = vec.cores as readonly AgentSeat[];
    return new SocialMeter(vec, seats.filter((s) => s.agent === 0).map((s) => s.core));
  }

  /** Starts every table's episode afresh (after the vector's reset). */
  restart(): void {
    for (let k = 0; k < this.sums.length; k++) this.clear(k);
  }

  /** Before a step: counts the agents that will sit it out frozen. */
  before(): void {
    if (!this.frozen) return;
    this.tables.forEach((core, k) => {
      for (let j = 0; j < this.m; j++) this.sums[k].frozen += this.frozen!.read(core, j);
    });
  }

  /**
   * After a step: adds each row's reward and events; returns the metrics of
   * the tables whose episode ended on this step (table index, metrics).
   */
  after(): [table: number, metrics: SocialMetrics][] {
    const { vec, m } = this;
    const ended: [number, SocialMetrics][] = [];
    for (let k = 0; k < this.sums.length; k++) {
      const s = this.sums[k];
      s.steps++;
      for (let j = 0; j < m; j++) {
        const row = k * m + j;
        const r = vec.rewards[row];
        s.returns[j] += r;
        if (r > 0) {
          s.rewardTime[j] += s.steps;
          s.rewardSteps[j]++;
        }
        if (vec.events[row] & this.cooperateMask) s.cooperate++;
        if (vec.events[row] & this.defectMask) s.defect++;
      }
      if (vec.terminated[k * m] || vec.truncated[k * m]) {
        ended.push([k, this.metrics(s)]);
        this.clear(k);
      }
    }
    return ended;
  }

  private metrics(s: TableSums): SocialMetrics {
    const { m } = this;
    let collective = 0;
    for (let j = 0; j < m; j++) collective += s.returns[j];
    let when = 0;
    let rewarded = 0;
    for (let j = 0; j < m; j++) {
      if (s.rewardSteps[j] === 0) continue;
      when += s.rewardTime[j] / s.rewardSteps[j] / s.steps;
      rewarded++;
    }
    const plays = s.cooperate + s.defect;
    return {
      collective,
      perCapita: collective / m,
      equality: equality(s.returns),
      sustainability: rewarded ? when / rewarded : NaN,
      peace: this.frozen ? 1 - s.frozen / (m * s.steps) : NaN,
      cooperation: this.cooperateMask && plays > 0 ? s.cooperate / plays : NaN,
    };
  }

  private clear(k: number): void {
    const s = this.sums[k];
    s.returns.fill(0);
    s.rewardTime.fill(0);
    s.rewardSteps.fill(0);
    s.frozen = 0;
    s.cooperate = 0;
    s.defect = 0;
    s.steps = 0;
  }
}
