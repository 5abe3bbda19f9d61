/**
 * Seats: a multi-agent environment seen as m single-agent environments, one
 * per agent, so the single-agent machinery runs on it unchanged. A
 * `VectorEnv` of the seats of n tables has n·m rows (row i·m + j is agent j
 * of table i); reward specs apply per agent (their features and events are
 * the agent's), and a learner that batches over rows trains one policy
 * shared by every agent (parameter sharing, as IPPO with shared weights).
 *
 * Seat 0 drives the table: its `step` reads the actions of all m seats (they
 * are contiguous in the vector's action buffer) and steps the table once;
 * the other seats read their agent's part. `VectorEnv` steps every row
 * before it resets any, so all seats report the step before seat 0 resets
 * the table for the next episode. Seat 0's seed seeds the table. Every agent
 * must leave the episode at the same step (true of the social dilemmas):
 * an agent alone in limbo has no single-agent meaning.
 *
 * With `agentIds`, each seat's observation ends with its agent's index
 * one-hot (m more values): a shared policy can then act differently per
 * agent (parameter sharing with an agent-id input).
 */
import { UserError } from "../../core/errors.js";
import { Box } from "../../core/spaces.js";
import { EnvCore, feature, type Feature } from "../core.js";
import type { MultiAgentCore } from "./core.js";

/** What the seats of one table share: the table and its observation rows. */
class Table {
  readonly obs: Float32Array;
  constructor(
    readonly core: MultiAgentCore,
    readonly agentIds: boolean,
  ) {
    this.obs = new Float32Array(core.numAgents * core.observationSpace.size);
  }
}

/** The table's observation space with m one-hot values appended (agent ids). */
function withIds(space: MultiAgentCore["observationSpace"], m: number): Box {
  if (space.kind !== "box") throw new UserError("env.kwargs.agentIds", `needs a Box observation space, got ${space.kind}`);
  const low = new Float32Array(space.size + m);
  const high = new Float32Array(space.size + m).fill(1);
  low.set(space.low);
  high.set(space.high);
  return new Box(low, high, [space.size + m]);
}

export class AgentSeat extends EnvCore {
  readonly observationSpace;
  readonly actionSpace;
  readonly features: readonly Feature<AgentSeat>[];
  readonly events: readonly string[];
  readonly maxSteps: number;

  private constructor(
    private readonly table: Table,
    readonly agent: number,
  ) {
    super();
    const core = table.core;
    this.observationSpace = table.agentIds ? withIds(core.observationSpace, core.numAgents) : core.observationSpace;
    this.actionSpace = core.actionSpace;
    this.features = core.features.map((f) => feature<AgentSeat>(f.name, f.description, (seat) => f.read(seat.table.core, seat.agent)));
    this.events = core.events;
    this.maxSteps = core.maxSteps;
  }

  /** The m seats of one table; `agentIds` appends each agent's index, one-hot, to its observation. */
  static around(core: MultiAgentCore, options: { agentIds?: boolean } = {}): AgentSeat[] {
    const table = new Table(core, options.agentIds ?? false);
    return core.agentNames.map((_, j) => new AgentSeat(table, j));
  }

  /** The table this seat is at (read-only use: its agents, their features). */
  get core(): MultiAgentCore {
    return this.table.core;
  }

  override fixLayouts(): void {
    throw new UserError("env.layouts", `${this.table.core.constructor.name} is a multi-agent environment: it has no fixed layouts`);
  }

  override seed(seed: number): void {
    if (this.agent === 0) this.table.core.seed(seed);
  }

  override reset(obs: Float32Array, offset: number): void {
    if (this.agent === 0) this.table.core.reset(this.table.obs, 0);
    this.stepCount = 0;
    this.terminated = false;
    this.truncated = false;
    this.eventMask = 0;
    this.copyObservation(obs, offset);
  }

  override step(actions: ArrayLike<number>, actionOffset: number, obs: Float32Array, offset: number): number {
    const { core } = this.table;
    if (this.agent === 0) {
      core.step(actions, actionOffset, this.table.obs, 0);
      const first = core.terminated[0] | core.truncated[0];
      let together = true;
      for (let j = 1; j < core.numAgents; j++) if ((core.terminated[j] | core.truncated[j]) !== first) together = false;
      if (!together) throw new UserError("env", `agents of ${core.agentNames.join(", ")} left the episode at different steps: seats need every agent to leave together`);
    }
    this.stepCount = core.stepCount;
    this.terminated = core.terminated[this.agent] === 1;
    this.truncated = core.truncated[this.agent] === 1;
    this.eventMask = core.eventMasks[this.agent];
    this.copyObservation(obs, offset);
    return core.rewards[this.agent];
  }

  private copyObservation(obs: Float32Array, offset: number): void {
    const { core, agentIds } = this.table;
    const size = core.observationSpace.size;
    obs.set(this.table.obs.subarray(this.agent * size, (this.agent + 1) * size), offset);
    if (!agentIds) return;
    const m = core.numAgents;
    for (let j = 0; j < m; j++) obs[offset + size + j] = j === this.agent ? 1 : 0;
  }

  protected generate(): void {}
  protected transition(): number {
    return 0;
  }
  observe(obs: Float32Array, offset: number): void {
    this.copyObservation(obs, offset);
  }
  render(): string {
    return `${this.table.core.agentNames[this.agent]} at a ${this.table.core.constructor.name}, step ${this.table.core.stepCount}`;
  }
}
