/**
 * `MultiAgentCore`: one multi-agent environment instance's logic, written
 * once and driven by both APIs: `ParallelEnv` (PettingZoo's parallel API,
 * dictionaries keyed by agent name) and `ParallelVectorEnv` (n environments
 * × m agents as rows of typed arrays, nothing allocated per step).
 *
 * Every agent has the same observation and action space; roles that differ
 * (a seeker and a hider) are told apart in the observation. So the rows of
 * many environments and agents stack into one batch, and a single-agent
 * learner can train a shared policy over them.
 *
 * A step takes every active agent's action at once and reports, per agent, a
 * reward, whether it terminated or was truncated, and the events it raised.
 * An agent that is done leaves (PettingZoo: it leaves `agents`); the episode
 * is over when every agent has left.
 */
import { Rng } from "../../core/rng.js";
import type { Space } from "../../core/spaces.js";

/** A named number read off the current state for one agent (`own.cooperated`, `others.cooperation`). */
export interface AgentFeature<C = MultiAgentCore> {
  readonly name: string;
  readonly description: string;
  read(core: C, agent: number): number;
}

/** Declares a per-agent feature; `read` is only called when a reward asks for it. */
export function agentFeature<C>(name: string, description: string, read: (core: C, agent: number) => number): AgentFeature<C> {
  return { name, description, read };
}

/** γλ of the temporally smoothed rewards behind the inequity features (Hughes et al. 2018). */
export const INEQUITY_SMOOTHING = 0.975;

/**
 * Features every multi-agent environment has, read off the last step's
 * rewards: what social reward terms need (a team's reward, inequity
 * aversion). Append them to an environment's own features.
 */
export const SOCIAL_FEATURES: readonly AgentFeature[] = [
  agentFeature("team.reward", "sum of every agent's reward on the last step", (c) => sum(c.rewards)),
  agentFeature("others.reward", "mean reward of the other agents on the last step", (c, j) => (sum(c.rewards) - c.rewards[j]) / (c.numAgents - 1)),
  agentFeature("inequity.disadvantage", "(1/(N−1)) Σ_j max(e_j − e_i, 0) over rewards smoothed with γλ = 0.975 (Hughes et al. 2018): how far the others are ahead", (c, j) => c.inequity(j, -1)),
  agentFeature("inequity.advantage", "(1/(N−1)) Σ_j max(e_i − e_j, 0) over the same smoothed rewards: how far this agent is ahead", (c, j) => c.inequity(j, 1)),
];

function sum(xs: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < xs.length; k++) s += xs[k];
  return s;
}

/** The per-agent state arrays of one environment (m values each). */
export interface AgentArrays {
  rewards: Float64Array;
  terminated: Uint8Array;
  truncated: Uint8Array;
  eventMasks: Uint32Array;
  active: Uint8Array;
  smoothed: Float64Array;
}

/** Fresh per-agent arrays for m agents; `views` cuts environment i's out of arrays of n·m rows instead. */
export function agentArrays(m: number, views?: { rows: AgentArrays; env: number }): AgentArrays {
  if (!views) return { rewards: new Float64Array(m), terminated: new Uint8Array(m), truncated: new Uint8Array(m), eventMasks: new Uint32Array(m), active: new Uint8Array(m), smoothed: new Float64Array(m) };
  const { rows, env } = views;
  const [from, to] = [env * m, (env + 1) * m];
  return {
    rewards: rows.rewards.subarray(from, to),
    terminated: rows.terminated.subarray(from, to),
    truncated: rows.truncated.subarray(from, to),
    eventMasks: rows.eventMasks.subarray(from, to),
    active: rows.active.subarray(from, to),
    smoothed: rows.smoothed.subarray(from, to),
  };
}

export abstract class MultiAgentCore {
  /** Every agent that can take part (PettingZoo's `possible_agents`), in row order. */
  abstract readonly agentNames: readonly string[];
  /** One agent's observation space (the same for every agent). */
  abstract readonly observationSpace: Space;
  /** One agent's action space (the same for every agent). */
  abstract readonly actionSpace: Space;
  abstract readonly features: readonly AgentFeature<any>[];
  /** Named flags an agent's step can raise; bit i of an agent's event mask is `events[i]`. */
  abstract readonly events: readonly string[];
  /** Every agent still in the episode is truncated after this many steps. */
  abstract readonly maxSteps: number;

  /**
   * Games on a board: its size, for reports of where each agent goes
   * (with `cellOf`). Undefined for games without places (matrix games).
   */
  readonly board?: { width: number; height: number };

  /** Agent j's cell on the board (y·width + x), or −1 while it is off it. */
  cellOf(_j: number): number {
    return -1;
  }

  /** This instance's random stream; the front ends reseed it. */
  rng = new Rng(0);
  stepCount = 0;
  /** Per agent, for the last step: reward, whether it terminated or was truncated, its events. */
  readonly rewards: Float64Array;
  readonly terminated: Uint8Array;
  readonly truncated: Uint8Array;
  readonly eventMasks: Uint32Array;
  /** Per agent: 1 while it takes part in the episode (it acted in the last step, or the episode just began). */
  readonly active: Uint8Array;
  /** Per agent: e_t = γλ·e_{t−1} + r_t over the episode, for the inequity features. */
  readonly smoothed: Float64Array;

  /** `arrays`: where the per-agent state lives (a batched vector passes views into its own rows); fresh arrays by default. */
  constructor(
    readonly numAgents: number,
    arrays: AgentArrays = agentArrays(numAgents),
  ) {
    this.rewards = arrays.rewards;
    this.terminated = arrays.terminated;
    this.truncated = arrays.truncated;
    this.eventMasks = arrays.eventMasks;
    this.active = arrays.active;
    this.smoothed = arrays.smoothed;
  }

  /** (1/(N−1)) Σ_j max(sign·(e_agent − e_j), 0): sign 1 for advantage, −1 for disadvantage. */
  inequity(agent: number, sign: 1 | -1): number {
    let total = 0;
    for (let j = 0; j < this.numAgents; j++) if (j !== agent) total += Math.max(sign * (this.smoothed[agent] - this.smoothed[j]), 0);
    return total / (this.numAgents - 1);
  }

  /** Restarts the random stream from `seed`; the next `reset` uses it. */
  seed(seed: number): void {
    this.rng.reseed(seed);
  }

  /** Whether every agent has left: the episode is over (set by `step`, cleared by `reset`). */
  done = false;

  /** Starts an episode from the current random stream and writes every agent's first observation (m rows from `offset`). */
  reset(obs: Float32Array, offset: number): void {
    this.stepCount = 0;
    this.done = false;
    this.active.fill(1);
    this.rewards.fill(0);
    this.terminated.fill(0);
    this.truncated.fill(0);
    this.eventMasks.fill(0);
    this.smoothed.fill(0);
    this.start();
    this.writeObservations(obs, offset);
  }

  /**
   * One step of every active agent: `actions` holds m × actionSize values
   * from `actionOffset` (an agent that left is not asked for one). Writes the
   * next observations (m rows from `offset`; zeros for an agent that left).
   */
  step(actions: ArrayLike<number>, actionOffset: number, obs: Float32Array, offset: number): void {
    const { numAgents: m, active, rewards, eventMasks, terminated, truncated, smoothed } = this;
    // Agents done at the last step have left; one loop clears the step's outputs (cheaper than four fills for a few agents).
    for (let j = 0; j < m; j++) {
      if (terminated[j] || truncated[j]) active[j] = 0;
      rewards[j] = 0;
      eventMasks[j] = 0;
      terminated[j] = 0;
      truncated[j] = 0;
    }
    this.stepCount++;
    this.act(actions, actionOffset);
    const timeUp = this.stepCount >= this.maxSteps;
    let done = true;
    for (let j = 0; j < m; j++) {
      smoothed[j] = INEQUITY_SMOOTHING * smoothed[j] + rewards[j];
      if (timeUp && active[j] && !terminated[j]) truncated[j] = 1;
      if (active[j] && !terminated[j] && !truncated[j]) done = false;
    }
    this.done = done;
    this.writeObservations(obs, offset);
  }

  private writeObservations(obs: Float32Array, offset: number): void {
    const size = this.observationSpace.size;
    for (let j = 0; j < this.numAgents; j++) {
      const o = offset + j * size;
      if (this.active[j]) this.observe(j, obs, o);
      else obs.fill(0, o, o + size);
    }
  }

  /** Draws a new episode's state from `rng`. */
  protected abstract start(): void;
  /** Applies the active agents' actions: sets `rewards`, `eventMasks` and `terminated` of the agents that acted. */
  protected abstract act(actions: ArrayLike<number>, offset: number): void;
  /** Writes agent `agent`'s observation at `obs[offset…]`. */
  protected abstract observe(agent: number, obs: Float32Array, offset: number): void;
}
