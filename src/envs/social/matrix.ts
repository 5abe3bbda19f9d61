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
import { agentFeature, MultiAgentCore, SOCIAL_FEATURES, type AgentFeature } from "../multi/core.js";

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
  private readonly payoffs: Float64Array;
  private readonly masks: Uint32Array;

  constructor(readonly options: DilemmaOptions) {
    super(options.players);
    this.agentNames = Array.from({ length: options.players }, (_, j) => `player_${j}`);
    this.observationSpace = new Box(0, 1, [3 * options.history + 1]);
    this.maxSteps = options.rounds;
    this.past = new Int8Array(options.history * options.players);
    this.coop = new Int32Array(options.history);
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
    create: (k) => {
      const [cc, cd, dc, dd] = k.payoffs;
      return new RepeatedDilemma({ players: 2, rounds: k.rounds, history: k.history, payoff: (own, others) => (own === COOPERATE ? (others ? cc : cd) : others ? dc : dd) });
    },
  });
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
    create: (k) => new RepeatedDilemma({ players: k.players, rounds: k.rounds, history: k.history, payoff: (own, others) => (own === COOPERATE ? 0 : 1) + (k.multiplier * (others + (own === COOPERATE ? 1 : 0))) / k.players }),
  }),
];
