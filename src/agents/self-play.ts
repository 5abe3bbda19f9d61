/**
 * Self-play against a pool of past policies (as in Open-Ended Learning and
 * OpenAI Five's opponent sampling): one PPO policy plays the `focal` agents
 * of every table and learns; the other agents are played by a frozen
 * earlier version of it, drawn from a pool at the start of each rollout:
 * the newest snapshot with probability `latest`, otherwise any snapshot,
 * uniformly. Every `snapshotEvery` updates the current policy joins the
 * pool (the oldest leaves beyond `poolSize`). The pool starts with the
 * initial policy.
 *
 * Meant for games whose sides see the world the same way (the observation
 * says which side an agent is on), such as Capture the Flag: the policy
 * learns to play either side by playing against what it was.
 * Evaluation (`act`) plays every seat with the current policy.
 */
import { z } from "zod";
import { UserError } from "../core/errors.js";
import { Rng } from "../core/rng.js";
import { actionBuffer } from "../core/spaces.js";
import { AgentSeat } from "../envs/multi/seats.js";
import type { RewardedVector } from "../rewards/rewarded.js";
import { defineLearner, type ActOptions, type Learner } from "./learner.js";
import { Ppo, PpoConfig, ppoLearner, type PpoState } from "./ppo.js";
import { SeatRows } from "./seat-rows.js";

export const SelfPlayConfig = PpoConfig.extend({
  focal: z.array(z.number().int().nonnegative()).min(1).optional().describe("agent indices the learning policy plays (default: the first half)"),
  snapshotEvery: z.number().int().positive().default(10).describe("updates between snapshots added to the pool"),
  poolSize: z.number().int().positive().default(10).describe("snapshots kept (the newest)"),
  latest: z.number().min(0).max(1).default(0.5).describe("probability of playing the newest snapshot; otherwise one drawn uniformly"),
});
export type SelfPlayConfig = z.output<typeof SelfPlayConfig>;

interface SelfPlayState {
  learner: PpoState;
  pool: number[][][];
  opponent: number;
  updates: number;
  rng: number[];
}

export class SelfPlay implements Learner {
  readonly algo = "self-play";
  /** The learning policy, on the focal agents' rows. */
  readonly learner: Ppo;
  /** The frozen opponent, on the other agents' rows (never trained). */
  readonly opponent: Ppo;
  /** Actor parameters of past policies, oldest first. */
  pool: number[][][] = [];
  /** Which snapshot the opponent plays this rollout. */
  opponentIndex = 0;
  private updates = 0;
  private rolloutStep = 0;
  private readonly rng: Rng;
  private readonly focalRows: SeatRows;
  private readonly otherRows: SeatRows;
  private readonly actionsOut: Int32Array | Float32Array;
  private readonly otherActions: Int32Array | Float32Array;
  private readonly settings: Pick<SelfPlayConfig, "snapshotEvery" | "poolSize" | "latest">;

  constructor(
    readonly env: RewardedVector,
    config: Partial<SelfPlayConfig> = {},
    seed = 0,
  ) {
    const seats = env.vec.cores;
    if (!seats.every((c) => c instanceof AgentSeat)) throw new UserError("learner.algo", `self-play needs a multi-agent environment; ${env.vec.id} has one agent`);
    const m = (seats[0] as AgentSeat).core.numAgents;
    const { focal: focalOption, snapshotEvery, poolSize, latest, ...ppo } = SelfPlayConfig.parse(config);
    const focal = focalOption ?? Array.from({ length: Math.max(1, Math.floor(m / 2)) }, (_, j) => j);
    if (focal.some((j) => j >= m) || new Set(focal).size !== focal.length || focal.length === m) {
      throw new UserError("learner.focal", `expected distinct agent indices from 0 to ${m - 1}, leaving at least one agent to the opponent, got ${JSON.stringify(focal)}`);
    }
    const others = Array.from({ length: m }, (_, j) => j).filter((j) => !focal.includes(j));
    this.settings = { snapshotEvery, poolSize, latest };
    this.rng = new Rng(seed);
    this.focalRows = new SeatRows(env, focal, m);
    this.otherRows = new SeatRows(env, others, m);
    // The views carry the fields PPO reads (see SeatRows), not a whole RewardedVector.
    this.learner = new Ppo(this.focalRows as unknown as RewardedVector, ppo, this.rng.int(2 ** 31));
    this.opponent = new Ppo(this.otherRows as unknown as RewardedVector, ppo, 0);
    this.pool.push(this.learner.actorLeaves());
    this.opponent.setActorLeaves(this.pool[0]);
    this.actionsOut = actionBuffer(env.vec.actionSpace, env.vec.n);
    this.otherActions = actionBuffer(env.vec.actionSpace, this.otherRows.vec.n);
  }

  get globalStep(): number {
    return this.learner.globalStep;
  }

  get batchSize(): number {
    return this.learner.batchSize;
  }

  /** The learner's steps: focal rows only (the opponent's steps are not learned from). */
  plan(totalSteps: number): number {
    return this.learner.plan(totalSteps);
  }

  start(): void {
    if (this.learner.iteration === 0 && this.learner.globalStep === 0) this.env.reset(this.rng.int(2 ** 31));
  }

  actions(): Int32Array | Float32Array {
    if (this.rolloutStep === 0) this.drawOpponent();
    const size = this.env.vec.actionSize;
    this.focalRows.gatherObs();
    this.focalRows.scatterActions(this.learner.actions(), this.actionsOut, size);
    this.otherRows.gatherObs();
    this.opponent.actInto(this.otherRows.vec.obs, this.otherRows.vec.n, this.rng, this.otherActions);
    this.otherRows.scatterActions(this.otherActions, this.actionsOut, size);
    return this.actionsOut;
  }

  observe(): boolean {
    this.focalRows.gatherStep();
    const complete = this.learner.observe();
    this.rolloutStep = complete ? 0 : this.rolloutStep + 1;
    return complete;
  }

  update(): Record<string, number> {
    const metrics = this.learner.update();
    this.updates++;
    if (this.updates % this.settings.snapshotEvery === 0) {
      this.pool.push(this.learner.actorLeaves());
      if (this.pool.length > this.settings.poolSize) this.pool.shift();
    }
    return { ...metrics, "selfplay/pool": this.pool.length, "selfplay/opponent_age": this.pool.length - 1 - this.opponentIndex };
  }

  /** The opponent for the next rollout: the newest snapshot with probability `latest`, else one drawn uniformly. */
  private drawOpponent(): void {
    const n = this.pool.length;
    this.opponentIndex = this.rng.float() < this.settings.latest ? n - 1 : this.rng.int(n);
    this.opponent.setActorLeaves(this.pool[this.opponentIndex]);
  }

  act(obs: Float32Array, rng?: Rng, options: ActOptions = {}): Int32Array | Float32Array {
    return this.learner.act(obs, rng, options);
  }

  state(): SelfPlayState {
    return { learner: this.learner.state(), pool: this.pool.map((p) => p.map((l) => [...l])), opponent: this.opponentIndex, updates: this.updates, rng: this.rng.getState() };
  }

  load(state: unknown): void {
    const s = state as SelfPlayState;
    this.learner.load(s.learner);
    this.pool = s.pool.map((p) => p.map((l) => [...l]));
    this.opponentIndex = s.opponent;
    this.updates = s.updates;
    this.rng.setState(s.rng);
    this.rolloutStep = 0;
    this.opponent.setActorLeaves(this.pool[this.opponentIndex]);
  }
}

export const selfPlayLearner = defineLearner({
  algo: "self-play",
  schema: SelfPlayConfig.extend({ algo: z.literal("self-play") }).strict(),
  description: "self-play: one PPO policy plays the focal agents against a pool of its own past versions on the other seats",
  create: (env, { algo: _algo, ...config }, seed) => new SelfPlay(env, config, seed),
  rollout: (config, shape) => ppoLearner.rollout!({ ...config, algo: "ppo" } as never, shape),
});
