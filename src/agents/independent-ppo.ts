/**
 * Independent PPO (IPPO; de Witt et al. 2020): on a multi-agent
 * environment seen as seats, each agent index j gets its own PPO learner,
 * networks and optimizer, trained on the rows of that agent in every table
 * (rows j, m + j, 2m + j, …). Nothing is shared but the environments: each
 * agent learns from its own experience, as Perolat et al.'s and Dasgupta &
 * Musolesi's independent learners do. (A single `ppo` learner on the same
 * rows trains one policy shared by every agent instead.)
 *
 * Each agent's PPO sees a view of the vector holding only its rows
 * (seat-rows.ts), filled before it acts and before it observes.
 */
import { z } from "zod";
import { UserError } from "../core/errors.js";
import { Rng } from "../core/rng.js";
import { actionBuffer } from "../core/spaces.js";
import { AgentSeat } from "../envs/multi/seats.js";
import type { RewardedVector } from "../rewards/rewarded.js";
import { defineLearner, type ActOptions, type Learner } from "./learner.js";
import { Ppo, PpoConfig, ppoLearner, type PpoState } from "./ppo.js";
import { gatherSeats, SeatRows } from "./seat-rows.js";

export class IndependentPpo implements Learner {
  readonly algo = "ippo";
  readonly agents: Ppo[];
  private readonly views: SeatRows[];
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
    this.views = agentSeeds.map((_, j) => new SeatRows(env, [j], this.m));
    // Each agent's PPO runs on a view with the fields it reads (see SeatRows), not on a whole RewardedVector.
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
      gatherSeats(obs, part, [j], m, size);
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
