/**
 * `ParallelEnv`: one multi-agent environment with PettingZoo's parallel API
 * and semantics.
 *
 * - `possibleAgents` names every agent; `agents` the ones still in the
 *   episode (all of them after `reset`, none once the episode is over).
 * - `reset(seed?)` returns `{ observations, infos }`, keyed by agent; a seed
 *   restarts the random stream, no seed continues it.
 * - `step(actions)` takes an action for every agent in `agents` and returns
 *   `{ observations, rewards, terminations, truncations, infos }` for those
 *   agents; an agent terminated or truncated there leaves `agents`.
 * - `infos[agent].events` lists the events the agent's step raised.
 *
 * Each call returns fresh objects. For speed, step many at once with
 * `ParallelVectorEnv`.
 *
 * @example
 * const env = makeParallel("PrisonersDilemma");
 * let { observations } = env.reset(0);
 * const { rewards } = env.step({ player_0: 0, player_1: 1 }); // cooperate, defect
 */
import { UserError } from "../../core/errors.js";
import type { Space } from "../../core/spaces.js";
import { writeAction, type Action } from "../env.js";
import type { MultiAgentCore } from "./core.js";

export type PerAgent<T> = Record<string, T>;

export interface ParallelStep {
  observations: PerAgent<Float32Array>;
  rewards: PerAgent<number>;
  terminations: PerAgent<boolean>;
  truncations: PerAgent<boolean>;
  infos: PerAgent<{ events: string[] }>;
}

export class ParallelEnv {
  readonly possibleAgents: readonly string[];
  private readonly obs: Float32Array;
  private readonly actions: Float64Array;
  private needsReset = true;

  constructor(
    readonly id: string,
    readonly core: MultiAgentCore,
  ) {
    this.possibleAgents = core.agentNames;
    this.obs = new Float32Array(core.numAgents * core.observationSpace.size);
    this.actions = new Float64Array(core.numAgents * core.actionSpace.size);
  }

  /** The agents still in the episode. */
  get agents(): string[] {
    if (this.needsReset) return [];
    return this.possibleAgents.filter((_, j) => this.core.active[j] && !this.core.terminated[j] && !this.core.truncated[j]);
  }

  observationSpace(agent: string): Space {
    this.indexOf(agent, "agent");
    return this.core.observationSpace;
  }

  actionSpace(agent: string): Space {
    this.indexOf(agent, "agent");
    return this.core.actionSpace;
  }

  reset(seed?: number): { observations: PerAgent<Float32Array>; infos: PerAgent<{ events: string[] }> } {
    if (seed !== undefined) {
      if (!Number.isSafeInteger(seed)) throw new UserError("seed", `expected an integer, got ${seed}`);
      this.core.seed(seed);
    }
    this.core.reset(this.obs, 0);
    this.needsReset = false;
    const agents = [...this.possibleAgents];
    return { observations: this.observations(agents), infos: Object.fromEntries(agents.map((a) => [a, { events: [] }])) };
  }

  step(actions: PerAgent<Action>): ParallelStep {
    if (this.needsReset) throw new UserError("env.step", "the episode has ended or not begun; call reset() first");
    const live = this.agents;
    for (const name of Object.keys(actions)) if (!live.includes(name)) throw new UserError(`actions.${name}`, `not an agent in the episode; the agents are ${live.join(", ") || "none"}`);
    const size = this.core.actionSpace.size;
    const one = new Float64Array(size);
    for (const name of live) {
      if (!(name in actions)) throw new UserError(`actions.${name}`, "missing: every agent in the episode acts at each step");
      writeAction(this.core.actionSpace, actions[name], one);
      this.actions.set(one, this.possibleAgents.indexOf(name) * size);
    }
    this.core.step(this.actions, 0, this.obs, 0);
    const { rewards, terminated, truncated, eventMasks, events } = this.core;
    const at = (name: string) => this.possibleAgents.indexOf(name);
    const result: ParallelStep = {
      observations: this.observations(live),
      rewards: Object.fromEntries(live.map((a) => [a, rewards[at(a)]])),
      terminations: Object.fromEntries(live.map((a) => [a, terminated[at(a)] === 1])),
      truncations: Object.fromEntries(live.map((a) => [a, truncated[at(a)] === 1])),
      infos: Object.fromEntries(live.map((a) => [a, { events: events.filter((_, bit) => eventMasks[at(a)] & (1 << bit)) }])),
    };
    if (this.core.done) this.needsReset = true;
    return result;
  }

  /** The named per-agent features of the current state, for one agent. */
  readFeatures(agent: string, names: readonly string[] = this.core.features.map((f) => f.name)): Record<string, number> {
    const j = this.indexOf(agent, "agent");
    const out: Record<string, number> = {};
    for (const name of names) {
      const f = this.core.features.find((x) => x.name === name);
      if (!f) throw new UserError(name, `unknown feature; this environment has: ${this.core.features.map((x) => x.name).join(", ")}`);
      out[name] = f.read(this.core, j);
    }
    return out;
  }

  private observations(agents: readonly string[]): PerAgent<Float32Array> {
    const size = this.core.observationSpace.size;
    return Object.fromEntries(agents.map((a) => [a, this.obs.slice(this.possibleAgents.indexOf(a) * size, (this.possibleAgents.indexOf(a) + 1) * size)]));
  }

  private indexOf(agent: string, path: string): number {
    const j = this.possibleAgents.indexOf(agent);
    if (j < 0) throw new UserError(path, `unknown agent ${JSON.stringify(agent)}; the agents are ${this.possibleAgents.join(", ")}`);
    return j;
  }
}
