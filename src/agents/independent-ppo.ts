/**
 * Independent PPO (IPPO; de Witt et al. 2020): on a multi-agent
 * environment seen as seats, each agent index j gets its own PPO learner,
 * networks and optimizer, trained on the rows of that agent in every table
 * (rows j, m + j, 2m + j, …). Nothing is shared but the environments: each
 * agent learns from its own experience, as Perolat et al.'s and Dasgupta &
 * Musolesi's independent learners do. (A single `ppo` learner on the same
 * rows trains one policy shared by every agent instead.)
 *
 * Each agent's PPO sees a view of the vector holding only its rows, filled
 * before it acts and before it observes; the views never step or reset the
 * environments themselves.
 */
import { z } from "zod";
import { UserError } from "../core/errors.js";
import { Rng } from "../core/rng.js";
import { actionBuffer, type Space } from "../core/spaces.js";
import { AgentSeat } from "../envs/multi/seats.js";
import type { RewardedVector } from "../rewards/rewarded.js";
import { defineLearner, type ActOptions, type Learner } from "./learner.js";
import { Ppo, PpoConfig, ppoLearner, type PpoState } from "./ppo.js";

/** The part of a rewarded vector a PPO learner reads: one agent's rows of every table. */
class AgentRows {
  readonly vec: { n: number; obs: Float32Array; finalObs: Float32Array; terminated: Uint8Array; truncated: Uint8Array; observationSpace: Space; actionSpace: Space };
  readonly rewards: Float32Array;

  constructor(
    readonly parent: RewardedVector,
    readonly agent: number,
    readonly m: number,
  ) {
    const { vec } = parent;
    const tables = vec.n / m;
    const size = vec.obsSize;
    this.vec = {
      n: tables,
      obs: new Float32Array(tables * size),
      finalObs: new Float32Array(tables * size),
      terminated: new Uint8Array(tables),
      truncated: new Uint8Array(tables),
      observationSpace: vec.observationSpace,
      actionSpace: vec.actionSpace,
    };
    this.rewards = new Float32Array(tables);
  }

  /** The parent resets the environments; an agent's learner asking to does nothing. */
  reset(): void {}

  /** Copies this agent's observations (before it acts). */
  gatherObs(): void {
    gather(this.parent.vec.obs, this.vec.obs, this.agent, this.m, this.parent.vec.obsSize);
  }

  /** Copies this agent's step results (before it observes). */
  gatherStep(): void {
    const { parent, agent, m, vec } = this;
    const size = parent.vec.obsSize;
    gather(parent.vec.obs, vec.obs, agent, m, size);
    gather(parent.vec.finalObs, vec.finalObs, agent, m, size);
    for (let i = 0; i < vec.n; i++) {
      const r = i * m + agent;
      this.rewards[i] = parent.rewards[r];
      vec.terminated[i] = parent.vec.terminated[r];
      vec.truncated[i] = parent.vec.truncated[r];
    }
  }
}

/** Rows j, m + j, … of `from` (rows of `size`) into consecutive rows of `into`. */
function gather(from: Float32Array, into: Float32Array, j: number, m: number, size: number): void {
  const tables = into.length / size;
  for (let i = 0; i < tables; i++) into.set(from.subarray((i * m + j) * size, (i * m + j + 1) * size), i * size);
}

export class IndependentPpo implements Learner {
  readonly algo = "ippo";
  readonly agents: Ppo[];
  private readonly views: AgentRows[];
  private readonly m: number;
  private readonly rng: Rng;
  private readonly actionsOut: Int32Array | Float32Array;

  constructor(
    readonly env: RewardedVector,
    config: Partial<PpoConfig> = {},
    seed = 0,
  ) {
    const seats = env.vec.cores;
    if (!seats.every((c) => c instanceof AgentSeat)) throw new UserError("learner.algo", `ippo trains one learner per agent of a multi-agent environment; ${env.vec.id} has one agent`);
    this.m = (seats[0] as AgentSeat).core.numAgents;
    this.rng = new Rng(seed);
    const agentSeeds = Array.from({ length: this.m }, () => this.rng.int(2 ** 31));
    this.views = agentSeeds.map((_, j) => new AgentRows(env, j, this.m));
    // Each agent's PPO runs on a view with the fields it reads (see AgentRows), not on a whole RewardedVector.
    this.agents = this.views.map((view, j) => new Ppo(view as unknown as RewardedVector, config, agentSeeds[j]));
    this.actionsOut = actionBuffer(env.vec.actionSpace, env.vec.n);
  }

  get globalStep(): number {
    return this.agents.reduce((s, a) => s + a.globalStep, 0);
  }

  plan(totalSteps: number): number {
    return this.agents.reduce((s, a) => s + a.plan(Math.floor(totalSteps / this.m)), 0);
  }

  start(): void {
    if (this.agents[0].iteration === 0 && this.globalStep === 0) this.env.reset(this.rng.int(2 ** 31));
    for (const a of this.agents) a.start();
  }

  actions(): Int32Array | Float32Array {
    const { m, actionsOut } = this;
    const size = this.env.vec.actionSize;
    this.agents.forEach((agent, j) => {
      this.views[j].gatherObs();
      const own = agent.actions();
      for (let i = 0; i < own.length / size; i++) for (let d = 0; d < size; d++) actionsOut[(i * m + j) * size + d] = own[i * size + d];
    });
    return actionsOut;
  }

  observe(): boolean {
    let complete = false;
    this.agents.forEach((agent, j) => {
      this.views[j].gatherStep();
      complete = agent.observe();
    });
    return complete;
  }

  /** Each agent's update; the metrics are their means over agents. */
  update(): Record<string, number> {
    const all = this.agents.map((a) => a.update());
    const out: Record<string, number> = {};
    for (const key of Object.keys(all[0])) out[key] = all.reduce((s, x) => s + x[key], 0) / all.length;
    return out;
  }

  act(obs: Float32Array, rng?: Rng, options: ActOptions = {}): Int32Array | Float32Array {
    const { m } = this;
    const size = this.env.vec.obsSize;
    const actionSize = this.env.vec.actionSize;
    const rows = obs.length / size;
    if (rows % m !== 0) throw new Error(`IndependentPpo.act: expected whole tables of ${m} rows, got ${rows}`);
    const out = actionBuffer(this.env.vec.actionSpace, rows);
    const part = new Float32Array((rows / m) * size);
    this.agents.forEach((agent, j) => {
      gather(obs, part, j, m, size);
      const own = agent.act(part, rng, options);
      for (let i = 0; i < rows / m; i++) out.set(own.subarray(i * actionSize, (i + 1) * actionSize), (i * m + j) * actionSize);
    });
    return out;
  }

  state(): { agents: PpoState[]; rng: number[] } {
    return { agents: this.agents.map((a) => a.state()), rng: this.rng.getState() };
  }

  load(state: unknown): void {
    const s = state as ReturnType<IndependentPpo["state"]>;
    this.agents.forEach((a, j) => a.load(s.agents[j]));
    this.rng.setState(s.rng);
  }
}

export const ippoLearner = defineLearner({
  algo: "ippo",
  schema: PpoConfig.extend({ algo: z.literal("ippo") }).strict(),
  description: "independent PPO: one PPO learner per agent of a multi-agent environment, nothing shared",
  create: (env, { algo: _algo, ...config }, seed) => new IndependentPpo(env, config, seed),
  // The same rows as one PPO over every seat, split between the agents.
  rollout: (config, shape) => ppoLearner.rollout!({ ...config, algo: "ppo" } as never, shape),
});
