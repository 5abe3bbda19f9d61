/**
 * Repeated social dilemmas between m players with two actions each:
 * cooperate (0) or defect (1). One episode is `rounds` rounds of the same
 * one-shot game; each player sees what everyone did in the last `history`
 * rounds. The two-player games follow the usual payoff tables (Rapoport &
 * Chammah 1965; Skyrms 2004); the public goods game is the N-player linear
 * one (Isaac & Walker 1988).
 *
 * ## Action Space
 * Discrete(2): 0 cooperate (the Stag Hunt's stag, Chicken's swerve, a
 * contribution), 1 defect (hare, going straight, keeping the endowment).
 *
 * ## Observation
 * Box(3·history + 1), per player, newest round first: for each of the last
 * `history` rounds, [I cooperated, I defected, fraction of the others who
 * cooperated] (zeros before the first round), then the fraction of the
 * episode's rounds played.
 *
 * ## Rewards
 * A player's payoff depends on its own action and on how many others
 * cooperated. Two players, payoffs of the row player for (me, other):
 *
 * | game | (C, C) | (C, D) | (D, C) | (D, D) |
 * |---|---|---|---|---|
 * | PrisonersDilemma | 3 (R) | 0 (S) | 5 (T) | 1 (P) |
 * | StagHunt | 4 | 0 | 3 | 3 |
 * | Chicken | 3 | 1 | 4 | 0 |
 *
 * PublicGoods-N: each player holds 1; a cooperator puts it in the pot, the
 * pot is multiplied by `multiplier` (1 < r < N) and shared equally:
 * payoff = (1 − c) + r·Σc / N.
 *
 * ## Events (per player)
 * `cooperate`, `defect`; `mutual:cooperate` and `mutual:defect` (everyone
 * did the same); `sucker` (I cooperated, someone defected); `temptation`
 * (I defected, someone cooperated).
 *
 * ## Episode end
 * Truncated after `rounds` rounds (every player at once).
 */
import { z } from "zod";
import { Box, Discrete } from "../../core/spaces.js";
import { defineParallelEnv, type ParallelEnvSpec } from "../multi/spec.js";
import { agentArrays, agentFeature, INEQUITY_SMOOTHING, MultiAgentCore, SOCIAL_FEATURES, type AgentArrays, type AgentFeature } from "../multi/core.js";
import { ParallelVectorEnv } from "../multi/vector.js";

export const COOPERATE = 0;
export const DEFECT = 1;

const EVENTS = ["cooperate", "defect", "mutual:cooperate", "mutual:defect", "sucker", "temptation"] as const;
const bit = (name: (typeof EVENTS)[number]) => 1 << EVENTS.indexOf(name);
// Event bits, looked up once.
const B_COOPERATE = bit("cooperate");
const B_DEFECT = bit("defect");
const B_MUTUAL_COOPERATE = bit("mutual:cooperate");
const B_MUTUAL_DEFECT = bit("mutual:defect");
const B_SUCKER = bit("sucker");
const B_TEMPTATION = bit("temptation");

/** A player's payoff from its own action and the number of others who cooperated. */
export type Payoff = (own: number, othersCooperating: number) => number;

export interface DilemmaOptions {
  players: number;
  rounds: number;
  history: number;
  payoff: Payoff;
}

/** Where a dilemma's state lives when a batched vector owns it (views into the vector's rows). */
export interface DilemmaStorage {
  agents: AgentArrays;
  past: Int8Array;
  coop: Int32Array;
}

export class RepeatedDilemma extends MultiAgentCore {
  readonly agentNames: readonly string[];
  readonly observationSpace: Box;
  readonly actionSpace = new Discrete(2);
  readonly events: readonly string[] = EVENTS;
  readonly maxSteps: number;
  readonly features: readonly AgentFeature<any>[] = [
    agentFeature<RepeatedDilemma>("own.cooperated", "1 if the player cooperated in the last round (0 before the first)", (c, j) => (c.stepCount > 0 && c.past[j] === COOPERATE ? 1 : 0)),
    agentFeature<RepeatedDilemma>("others.cooperation", "fraction of the other players who cooperated in the last round", (c, j) => c.othersCooperating(0, j) / (c.numAgents - 1)),
    agentFeature<RepeatedDilemma>("group.cooperation", "fraction of all players who cooperated in the last round", (c) => c.cooperators(0) / c.numAgents),
    agentFeature<RepeatedDilemma>("round", "rounds played so far", (c) => c.stepCount),
    ...SOCIAL_FEATURES,
  ];
  /** The last `history` rounds' actions, newest first: past[h·m + j] (−1 before the first round). */
  readonly past: Int8Array;
  /** Cooperators in each of those rounds, newest first. */
  readonly coop: Int32Array;
  /** A player's payoff and event mask at [own·m + others cooperating]. */
  readonly payoffs: Float64Array;
  readonly masks: Uint32Array;

  constructor(
    readonly options: DilemmaOptions,
    storage?: DilemmaStorage,
  ) {
    super(options.players, storage?.agents);
    this.agentNames = Array.from({ length: options.players }, (_, j) => `player_${j}`);
    this.observationSpace = new Box(0, 1, [3 * options.history + 1]);
    this.maxSteps = options.rounds;
    this.past = storage?.past ?? new Int8Array(options.history * options.players);
    this.coop = storage?.coop ?? new Int32Array(options.history);
    // Payoffs and event masks by (own action, others cooperating), looked up on every step.
    const m = options.players;
    this.payoffs = new Float64Array(2 * m);
    this.masks = new Uint32Array(2 * m);
    for (const own of [COOPERATE, DEFECT])
      for (let others = 0; others < m; others++) {
        const total = others + (own === COOPERATE ? 1 : 0);
        let mask = own === COOPERATE ? B_COOPERATE : B_DEFECT;
        if (total === m) mask |= B_MUTUAL_COOPERATE;
        if (total === 0) mask |= B_MUTUAL_DEFECT;
        if (own === COOPERATE && others < m - 1) mask |= B_SUCKER;
        if (own === DEFECT && others > 0) mask |= B_TEMPTATION;
        this.payoffs[own * m + others] = options.payoff(own, others);
        this.masks[own * m + others] = mask;
      }
  }

  /** Cooperators in round h back (0: the last one). */
  cooperators(h: number): number {
    return this.coop[h];
  }

  othersCooperating(h: number, agent: number): number {
    return this.coop[h] - (this.past[h * this.numAgents + agent] === COOPERATE ? 1 : 0);
  }

  protected start(): void {
    this.past.fill(-1);
    this.coop.fill(0);
  }

  protected act(actions: ArrayLike<number>, offset: number): void {
    const m = this.numAgents;
    const { past, coop, rewards, eventMasks, payoffs, masks } = this;
    // Shift the history back one round (plain loops: copyWithin's call costs more than a few elements).
    for (let k = past.length - 1; k >= m; k--) past[k] = past[k - m];
    for (let h = coop.length - 1; h > 0; h--) coop[h] = coop[h - 1];
    let total = 0;
    for (let j = 0; j < m; j++) {
      past[j] = actions[offset + j];
      if (past[j] === COOPERATE) total++;
    }
    coop[0] = total;
    for (let j = 0; j < m; j++) {
      const own = past[j];
      const k = own * m + total - (own === COOPERATE ? 1 : 0);
      rewards[j] = payoffs[k];
      eventMasks[j] = masks[k];
    }
  }

  protected observe(agent: number, obs: Float32Array, offset: number): void {
    const { history } = this.options;
    const m = this.numAgents;
    for (let h = 0; h < history; h++) {
      const own = this.past[h * m + agent];
      const o = offset + 3 * h;
      obs[o] = own === COOPERATE ? 1 : 0;
      obs[o + 1] = own === DEFECT ? 1 : 0;
      obs[o + 2] = own < 0 ? 0 : this.othersCooperating(h, agent) / (m - 1);
    }
    obs[offset + 3 * history] = this.stepCount / this.maxSteps;
  }
}

/**
 * n repeated dilemmas stepped in one flat loop over typed arrays: the
 * throughput a population of simple learners needs. Each environment is
 * still a `RepeatedDilemma` (features, events and `onEpisodeEnd` read it),
 * but its state lives in views into this vector's arrays, and `step` updates
 * every environment at once instead of calling each. Every agent acts on
 * every step and all leave together when the rounds are up, so no agent is
 * ever inactive. Steps exactly as the generic vector of the same cores (test).
 */
export class MatrixGameVector extends ParallelVectorEnv {
  /** Environment i's `past` (history × m) and `coop` (history), back to back. */
  private readonly past: Int8Array;
  private readonly coop: Int32Array;
  /** Every environment's per-agent state, row r = i·m + j (the cores hold views). */
  private readonly state: AgentArrays;
  private readonly history: number;
  /**
   * A round's three observation values by what the agent saw: [0, 0, 0]
   * before the first round, then at 3·(1 + own·m + others cooperating).
   */
  private readonly roundObs: Float32Array;
  /**
   * Each agent's view of each remembered round as its offset into
   * `roundObs`, laid out as `past` and moved back with it: writing an
   * observation is then a copy (recomputing it from `past` and `coop` cost
   * 40% of a step).
   */
  private readonly seen: Int32Array;
  private readonly payoffs: Float64Array;
  private readonly masks: Uint32Array;

  constructor(id: string, options: DilemmaOptions, n: number) {
    const { players: m, history } = options;
    const state = agentArrays(n * m);
    const past = new Int8Array(n * history * m);
    const coop = new Int32Array(n * history);
    const cores = Array.from(
      { length: n },
      (_, i) => new RepeatedDilemma(options, { agents: agentArrays(m, { rows: state, env: i }), past: past.subarray(i * history * m, (i + 1) * history * m), coop: coop.subarray(i * history, (i + 1) * history) }),
    );
    super(id, cores, state);
    this.state = state;
    this.past = past;
    this.coop = coop;
    this.history = history;
    this.seen = new Int32Array(n * history * m);
    this.roundObs = new Float32Array(3 * (1 + 2 * m));
    for (const own of [COOPERATE, DEFECT]) for (let others = 0; others < m; others++) this.roundObs.set([own === COOPERATE ? 1 : 0, own === DEFECT ? 1 : 0, others / (m - 1)], 3 * (1 + own * m + others));
    this.payoffs = cores[0].payoffs;
    this.masks = cores[0].masks;
  }

  override reset(seed?: number | readonly number[]): Float32Array {
    this.seen.fill(0);
    return super.reset(seed);
  }

  /** `RepeatedDilemma.step` for every environment, then the vector's row copy and autoreset, fused. */
  override step(actions: ArrayLike<number>): void {
    this.checkStep(actions);
    const { n, m, obsSize, history: H, maxSteps, past, coop, seen, payoffs, masks, roundObs, obs, rewards, truncated, events, runningReturn, runningLength, episodeEnded } = this;
    // The cores' own arrays (`terminated` and `active` are the vector's too, and never change: nobody leaves early).
    const { rewards: ownRewards, eventMasks, truncated: ownTruncated, smoothed } = this.state;
    const cores = this.cores as readonly RepeatedDilemma[];
    const span = H * m;
    for (let i = 0, first = 0; i < n; i++, first += m) {
      const core = cores[i];
      const steps = ++core.stepCount;
      const timeUp = steps >= maxSteps ? 1 : 0;
      const p = i * span;
      const c = i * H;
      // The history moves back one round; this round's actions go in front.
      for (let k = p + span - 1; k >= p + m; k--) {
        past[k] = past[k - m];
        seen[k] = seen[k - m];
      }
      for (let h = c + H - 1; h > c; h--) coop[h] = coop[h - 1];
      let total = 0;
      for (let j = 0; j < m; j++) {
        const a = actions[first + j];
        past[p + j] = a;
        if (a === COOPERATE) total++;
      }
      coop[c] = total;
      const time = steps / maxSteps;
      for (let j = 0, r = first; j < m; j++, r++) {
        const own = past[p + j];
        const k = own * m + total - (own === COOPERATE ? 1 : 0);
        const reward = payoffs[k];
        ownRewards[r] = reward;
        rewards[r] = reward;
        eventMasks[r] = masks[k];
        events[r] = masks[k];
        truncated[r] = timeUp;
        smoothed[r] = INEQUITY_SMOOTHING * smoothed[r] + reward;
        runningReturn[r] += reward;
        // The observation, newest round first, as `RepeatedDilemma.observe` writes it.
        seen[p + j] = 3 * (1 + k);
        let o = r * obsSize;
        for (let h = 0, q = p + j; h < H; h++, o += 3, q += m) {
          const t = seen[q];
          obs[o] = roundObs[t];
          obs[o + 1] = roundObs[t + 1];
          obs[o + 2] = roundObs[t + 2];
        }
        obs[o] = time;
      }
      core.done = timeUp === 1;
      episodeEnded[i] = timeUp;
      if (!timeUp) continue;
      // Every agent acted on every step of the episode.
      for (let r = first; r < first + m; r++) {
        runningLength[r] = steps;
        ownTruncated[r] = 1;
      }
      this.endEpisode(i);
      seen.fill(0, p, p + span);
    }
  }
}

const Common = {
  rounds: z.number().int().min(1).max(100_000).default(20).describe("rounds per episode"),
  history: z.number().int().min(1).max(64).default(3).describe("past rounds each player sees"),
};

/** Payoffs of the row player for (C, C), (C, D), (D, C), (D, D). */
const Payoffs = z.tuple([z.number(), z.number(), z.number(), z.number()]).describe("the row player's payoffs for (C,C), (C,D), (D,C), (D,D)");
const TwoPlayerKwargs = z.object({ ...Common, payoffs: Payoffs }).strict();

function twoPlayer(id: string, summary: string, payoffs: [number, number, number, number]): ParallelEnvSpec {
  return defineParallelEnv({
    id,
    family: "social",
    summary,
    kwargs: TwoPlayerKwargs,
    preset: { payoffs },
    create: (k) => new RepeatedDilemma(twoPlayerOptions(k)),
    vector: (k, n) => new MatrixGameVector(id, twoPlayerOptions(k), n),
  });
}

function twoPlayerOptions(k: z.output<typeof TwoPlayerKwargs>): DilemmaOptions {
  const [cc, cd, dc, dd] = k.payoffs;
  return { players: 2, rounds: k.rounds, history: k.history, payoff: (own, others) => (own === COOPERATE ? (others ? cc : cd) : others ? dc : dd) };
}

const PublicGoodsKwargs = z
  .object({
    ...Common,
    players: z.number().int().min(2).max(64).default(4).describe("players"),
    multiplier: z.number().positive().default(1.6).describe("r: the pot is multiplied by r and shared (a dilemma when 1 < r < players)"),
  })
  .strict();

export const matrixGames: ParallelEnvSpec[] = [
  twoPlayer("PrisonersDilemma", "repeated Prisoner's Dilemma (R 3, S 0, T 5, P 1), observable history", [3, 0, 5, 1]),
  twoPlayer("StagHunt", "repeated Stag Hunt (stag 4 together, 0 alone; hare 3)", [4, 0, 3, 3]),
  twoPlayer("Chicken", "repeated Chicken (swerve 3/1, straight 4/0)", [3, 1, 4, 0]),
  defineParallelEnv({
    id: "PublicGoods",
    family: "social",
    summary: "repeated N-player public goods game (contribute 1, pot × r shared), observable history",
    kwargs: PublicGoodsKwargs,
    create: (k) => new RepeatedDilemma(publicGoodsOptions(k)),
    vector: (k, n) => new MatrixGameVector("PublicGoods", publicGoodsOptions(k), n),
  }),
];

function publicGoodsOptions(k: z.output<typeof PublicGoodsKwargs>): DilemmaOptions {
  return { players: k.players, rounds: k.rounds, history: k.history, payoff: (own, others) => (own === COOPERATE ? 0 : 1) + (k.multiplier * (others + (own === COOPERATE ? 1 : 0))) / k.players };
}
