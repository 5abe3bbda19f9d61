/**
 * A society of N agents playing the Prisoner's Dilemma in pairs, round after
 * round, with the mechanisms studied by Dasgupta & Musolesi (2023,
 * "Investigating the Impact of Direct Punishment on the Emergence of
 * Cooperation in Multi-Agent Reinforcement Learning Systems"), each
 * switchable: direct punishment, third-party punishment, partner selection
 * and public reputation.
 *
 * ## Rounds and phases
 * A round has up to three phases, one environment step each:
 * - **select** (with partner selection): every agent names the partner it
 *   wants. Mutual choices pair first; then, in a random order, an agent gets
 *   its choice if that agent is free and is not waiting for someone else
 *   who is free; the rest pair at random. Without selection, pairs are
 *   drawn at random. With N odd, one agent sits the round out.
 * - **play**: paired agents cooperate or defect (the Prisoner's Dilemma's
 *   payoffs, R 3, S 0, T 5, P 1 by default). Every agent also watches one
 *   other pair, drawn at random.
 * - **punish** (with either punishment): an agent may fine its partner
 *   (direct punishment) and the defectors of the pair it watched
 *   (third-party punishment); each fine costs the punisher `punishCost` and
 *   the punished `fine`.
 *
 * ## Action Space
 * Discrete(max(N, 4)) with punishment, else Discrete(max(N, 2)), read by
 * phase: select: a < N − 1 names the a-th other agent (the others in index
 * order, skipping oneself), anything higher no preference; play:
 * 0 cooperate, anything else defect; punish: bit 0 fines the partner, bit 1
 * fines the watched pair's defectors (each bit only when its mechanism is on).
 *
 * ## Observation
 * Box(9 + 6·(N − 1)): the phase (one-hot select, play, punish), the
 * fraction of rounds played, my last play (cooperated, defected), my
 * partner's play this round (in the punish phase), the number of defectors
 * in the pair I watched this round (0, ½, 1); then for each other agent, in
 * the order of the action's names: is my partner, is in the pair I watch,
 * its last play against me (cooperated, defected; private memory), its
 * public reputation (with reputation on, else 0), whether it fined me last
 * round.
 *
 * Reputation is public: an exponential average of each agent's plays
 * (1 cooperate, 0 defect; rate `reputationRate`, ½ before any play), seen by
 * everyone.
 *
 * ## Events (per agent)
 * `cooperate`, `defect`, `mutual:cooperate`, `mutual:defect`, `sucker`,
 * `temptation`, `alone` (sat out), `chosen` (paired by someone's choice of
 * me), `punish` (fined the partner), `punish:third-party`, `punished`.
 *
 * ## Episode end
 * Truncated after `rounds` rounds (every agent at once).
 */
import { z } from "zod";
import { Box, Discrete } from "../../core/spaces.js";
import { agentFeature, MultiAgentCore, SOCIAL_FEATURES, type AgentFeature } from "../multi/core.js";
import { defineParallelEnv, type ParallelEnvSpec } from "../multi/spec.js";

const EVENTS = ["cooperate", "defect", "mutual:cooperate", "mutual:defect", "sucker", "temptation", "alone", "chosen", "punish", "punish:third-party", "punished"] as const;
const bit = (name: (typeof EVENTS)[number]) => 1 << EVENTS.indexOf(name);
// Event bits, looked up once.
const B_ALONE = bit("alone");
const B_CHOSEN = bit("chosen");
const B_COOPERATE = bit("cooperate");
const B_DEFECT = bit("defect");
const B_MUTUAL_COOPERATE = bit("mutual:cooperate");
const B_MUTUAL_DEFECT = bit("mutual:defect");
const B_PUNISH = bit("punish");
const B_PUNISH_THIRD_PARTY = bit("punish:third-party");
const B_PUNISHED = bit("punished");
const B_SUCKER = bit("sucker");
const B_TEMPTATION = bit("temptation");

export const SELECT = 0;
export const PLAY = 1;
export const PUNISH = 2;
const COOPERATE = 0;
const DEFECT = 1;
const NONE = -1;

export interface SocietyOptions {
  players: number;
  rounds: number;
  directPunishment: boolean;
  thirdPartyPunishment: boolean;
  partnerSelection: boolean;
  reputation: boolean;
  /** The row player's payoffs for (C,C), (C,D), (D,C), (D,D). */
  payoffs: readonly [number, number, number, number];
  punishCost: number;
  fine: number;
  reputationRate: number;
}

export class SocietyDilemma extends MultiAgentCore {
  readonly agentNames: readonly string[];
  readonly observationSpace: Box;
  readonly actionSpace: Discrete;
  readonly events: readonly string[] = EVENTS;
  readonly maxSteps: number;
  readonly features: readonly AgentFeature<any>[] = [
    agentFeature<SocietyDilemma>("reputation", "this agent's public reputation: an exponential average of its plays (1 cooperate)", (c, j) => c.reputation[j]),
    agentFeature<SocietyDilemma>("partner.reputation", "the current partner's reputation (0 when alone)", (c, j) => (c.partner[j] === NONE ? 0 : c.reputation[c.partner[j]])),
    agentFeature<SocietyDilemma>("population.cooperation", "fraction of the plays of the last round that were cooperation", (c) => c.lastCooperation),
    agentFeature<SocietyDilemma>("round", "rounds played so far", (c) => c.round),
    ...SOCIAL_FEATURES,
  ];
  /** The phases a round goes through, in order. */
  readonly phases: readonly number[];
  /** Per agent: partner this round (−1 alone), the pair it watches (its first member, −1 none), its play this round and last. */
  readonly partner: Int32Array;
  readonly watched: Int32Array;
  readonly play: Int8Array;
  readonly lastPlay: Int8Array;
  /** choice[i]: whom i named in the select phase (−1 none). */
  readonly choice: Int32Array;
  readonly reputation: Float64Array;
  /** memory[i·N + j]: j's last play against i (−1 never); finedMe[i·N + j]: j fined i last round. */
  readonly memory: Int8Array;
  readonly finedMe: Uint8Array;
  /** 1 when the agent was paired because someone chose it. */
  private readonly chosenFlag: Uint8Array;
  private readonly order: Int32Array;
  round = 0;
  phase = 0;
  lastCooperation = 0;

  constructor(readonly options: SocietyOptions) {
    super(options.players);
    const N = options.players;
    this.agentNames = Array.from({ length: N }, (_, j) => `player_${j}`);
    this.phases = [...(options.partnerSelection ? [SELECT] : []), PLAY, ...(options.directPunishment || options.thirdPartyPunishment ? [PUNISH] : [])];
    this.maxSteps = options.rounds * this.phases.length;
    // Enough actions to name every other agent and, with punishment, to set both fine bits.
    this.actionSpace = new Discrete(Math.max(N, this.phases.includes(PUNISH) ? 4 : 2));
    this.observationSpace = new Box(0, 1, [9 + 6 * (N - 1)]);
    this.partner = new Int32Array(N);
    this.watched = new Int32Array(N);
    this.play = new Int8Array(N);
    this.lastPlay = new Int8Array(N);
    this.choice = new Int32Array(N);
    this.reputation = new Float64Array(N);
    this.memory = new Int8Array(N * N);
    this.finedMe = new Uint8Array(N * N);
    this.chosenFlag = new Uint8Array(N);
    this.order = new Int32Array(N);
  }

  /** The phase of the step about to be taken. */
  get currentPhase(): number {
    return this.phases[this.phase];
  }

  /** The agent named by action a of agent i in the select phase (−1: no preference). */
  named(i: number, a: number): number {
    if (a < 0 || a >= this.numAgents - 1) return NONE;
    return a < i ? a : a + 1;
  }

  protected start(): void {
    this.round = 0;
    this.phase = 0;
    this.lastCooperation = 0;
    this.reputation.fill(0.5);
    this.memory.fill(NONE);
    this.finedMe.fill(0);
    this.lastPlay.fill(NONE);
    this.play.fill(NONE);
    this.choice.fill(NONE);
    this.partner.fill(NONE);
    this.watched.fill(NONE);
    // Without a select phase the first round's pairs are drawn now, so the first observation shows them.
    if (this.phases[0] === PLAY) this.pair();
  }

  protected act(actions: ArrayLike<number>, offset: number): void {
    const phase = this.currentPhase;
    if (phase === SELECT) {
      for (let i = 0; i < this.numAgents; i++) this.choice[i] = this.named(i, actions[offset + i]);
      this.pair();
    } else if (phase === PLAY) this.playRound(actions, offset);
    else this.punish(actions, offset);
    this.phase++;
    if (this.phase === this.phases.length) {
      this.phase = 0;
      this.round++;
      if (this.phases[0] === PLAY && this.round < this.options.rounds) this.pair();
    }
  }

  /** Pairs the agents for this round (by their choices when selecting) and draws the pair each one watches. */
  private pair(): void {
    const N = this.numAgents;
    const { partner, choice, order, rng, chosenFlag } = this;
    partner.fill(NONE);
    chosenFlag.fill(0);
    for (let i = 0; i < N; i++) order[i] = i;
    rng.shuffle(order);
    if (this.options.partnerSelection) {
      // Mutual choices first.
      for (const i of order) {
        const j = choice[i];
        if (j !== NONE && partner[i] === NONE && partner[j] === NONE && choice[j] === i) this.join(i, j, true);
      }
      // Then a choice of someone free who is not waiting for another free agent.
      for (const i of order) {
        const j = choice[i];
        if (j === NONE || partner[i] !== NONE || partner[j] !== NONE) continue;
        const wanted = choice[j];
        if (wanted === NONE || wanted === i || partner[wanted] !== NONE) this.join(i, j, true);
      }
    }
    // The rest at random (order is already shuffled), one left over when N is odd.
    let waiting = NONE;
    for (const i of order) {
      if (partner[i] !== NONE) continue;
      if (waiting === NONE) waiting = i;
      else {
        this.join(waiting, i, false);
        waiting = NONE;
      }
    }
    // Each agent watches the pair of a random other paired agent (not its own pair).
    for (let i = 0; i < N; i++) {
      this.watched[i] = NONE;
      let candidates = 0;
      for (let j = 0; j < N; j++) if (j !== i && j !== partner[i] && partner[j] !== NONE) candidates++;
      if (candidates === 0) continue;
      let k = rng.int(candidates);
      for (let j = 0; j < N; j++) {
        if (j === i || j === partner[i] || partner[j] === NONE) continue;
        if (k-- === 0) {
          this.watched[i] = Math.min(j, partner[j]);
          break;
        }
      }
    }
  }

  private join(i: number, j: number, chosen: boolean): void {
    this.partner[i] = j;
    this.partner[j] = i;
    if (chosen) {
      // The agent whose choice was honoured chose; the other was chosen (both, when mutual).
      this.chosenFlag[j] = 1;
      if (this.choice[j] === i) this.chosenFlag[i] = 1;
    }
  }

  private playRound(actions: ArrayLike<number>, offset: number): void {
    const N = this.numAgents;
    const { partner, play, rewards, eventMasks, memory, reputation, options } = this;
    const [cc, cd, dc, dd] = options.payoffs;
    let cooperators = 0;
    let players = 0;
    for (let i = 0; i < N; i++) {
      play[i] = partner[i] === NONE ? NONE : actions[offset + i] === 0 ? COOPERATE : DEFECT;
      if (play[i] !== NONE) {
        players++;
        if (play[i] === COOPERATE) cooperators++;
      }
    }
    for (let i = 0; i < N; i++) {
      const j = partner[i];
      if (j === NONE) {
        eventMasks[i] |= B_ALONE;
        continue;
      }
      const [me, other] = [play[i], play[j]];
      rewards[i] += me === COOPERATE ? (other === COOPERATE ? cc : cd) : other === COOPERATE ? dc : dd;
      let mask = me === COOPERATE ? B_COOPERATE : B_DEFECT;
      if (me === other) mask |= me === COOPERATE ? B_MUTUAL_COOPERATE : B_MUTUAL_DEFECT;
      else mask |= me === COOPERATE ? B_SUCKER : B_TEMPTATION;
      if (this.chosenFlag[i]) mask |= B_CHOSEN;
      eventMasks[i] |= mask;
      memory[i * N + j] = other;
    }
    const rate = options.reputationRate;
    for (let i = 0; i < N; i++) {
      if (play[i] === NONE) continue;
      reputation[i] = (1 - rate) * reputation[i] + rate * (play[i] === COOPERATE ? 1 : 0);
      this.lastPlay[i] = play[i];
    }
    this.lastCooperation = players === 0 ? 0 : cooperators / players;
    // Without a punish phase, last round's fines are forgotten here.
    if (this.phases[this.phases.length - 1] === PLAY) this.finedMe.fill(0);
  }

  private punish(actions: ArrayLike<number>, offset: number): void {
    const N = this.numAgents;
    const { partner, play, watched, rewards, eventMasks, finedMe, options } = this;
    finedMe.fill(0);
    const fineOne = (by: number, target: number) => {
      rewards[by] -= options.punishCost;
      rewards[target] -= options.fine;
      eventMasks[target] |= B_PUNISHED;
      finedMe[target * N + by] = 1;
    };
    for (let i = 0; i < N; i++) {
      const a = actions[offset + i];
      if (options.directPunishment && a & 1 && partner[i] !== NONE) {
        fineOne(i, partner[i]);
        eventMasks[i] |= B_PUNISH;
      }
      const w = watched[i];
      if (options.thirdPartyPunishment && a & 2 && w !== NONE) {
        let fined = false;
        for (const target of [w, partner[w]]) {
          if (play[target] !== DEFECT) continue;
          fineOne(i, target);
          fined = true;
        }
        if (fined) eventMasks[i] |= B_PUNISH_THIRD_PARTY;
      }
    }
  }

  protected observe(i: number, obs: Float32Array, offset: number): void {
    const N = this.numAgents;
    const phase = this.currentPhase;
    obs.fill(0, offset, offset + this.observationSpace.size);
    obs[offset + phase] = 1;
    obs[offset + 3] = this.round / this.options.rounds;
    if (this.lastPlay[i] !== NONE) obs[offset + 4 + this.lastPlay[i]] = 1;
    const j = this.partner[i];
    const w = this.watched[i];
    if (phase === PUNISH) {
      if (j !== NONE) obs[offset + 6 + this.play[j]] = 1;
      if (w !== NONE) obs[offset + 8] = ((this.play[w] === DEFECT ? 1 : 0) + (this.play[this.partner[w]] === DEFECT ? 1 : 0)) / 2;
    }
    let o = offset + 9;
    for (let k = 0; k < N; k++) {
      if (k === i) continue;
      obs[o] = k === j ? 1 : 0;
      obs[o + 1] = w !== NONE && (k === w || k === this.partner[w]) ? 1 : 0;
      const m = this.memory[i * N + k];
      if (m !== NONE) obs[o + 2 + m] = 1;
      obs[o + 4] = this.options.reputation ? this.reputation[k] : 0;
      obs[o + 5] = this.finedMe[i * N + k];
      o += 6;
    }
  }
}

const SocietyKwargs = z
  .object({
    players: z.number().int().min(2).max(64).default(8).describe("agents in the society"),
    rounds: z.number().int().min(1).max(100_000).default(30).describe("rounds per episode"),
    directPunishment: z.boolean().default(false).describe("an agent may fine its partner after playing"),
    thirdPartyPunishment: z.boolean().default(false).describe("an agent may fine the defectors of the pair it watched"),
    partnerSelection: z.boolean().default(false).describe("agents name the partner they want before playing"),
    reputation: z.boolean().default(false).describe("everyone sees everyone's public reputation (an average of their plays)"),
    payoffs: z.tuple([z.number(), z.number(), z.number(), z.number()]).default([3, 0, 5, 1]).describe("the row player's payoffs for (C,C), (C,D), (D,C), (D,D)"),
    punishCost: z.number().min(0).default(1).describe("what a fine costs the punisher"),
    fine: z.number().min(0).default(3).describe("what a fine costs the punished"),
    reputationRate: z.number().gt(0).max(1).default(0.2).describe("weight of the newest play in a reputation"),
  })
  .strict();

function society(id: string, summary: string, preset: Partial<Record<"directPunishment" | "thirdPartyPunishment" | "partnerSelection" | "reputation", boolean>>): ParallelEnvSpec {
  return defineParallelEnv({ id, family: "social", summary, kwargs: SocietyKwargs, preset, create: (k) => new SocietyDilemma(k) });
}

/** The society game alone and with the mechanisms added one by one, as the paper compares them. */
export const societyGames: ParallelEnvSpec[] = [
  society("Society", "N agents play the Prisoner's Dilemma in random pairs each round; punishment, partner selection and reputation switch on by kwargs", {}),
  society("Society-DP", "society game with direct punishment (fine your partner after playing)", { directPunishment: true }),
  society("Society-DP-TP", "society game with direct and third-party punishment (fine the defectors of a pair you watched)", { directPunishment: true, thirdPartyPunishment: true }),
  society("Society-DP-TP-PS", "society game with direct and third-party punishment and partner selection", { directPunishment: true, thirdPartyPunishment: true, partnerSelection: true }),
  society("Society-DP-TP-PS-Rep", "society game with every mechanism: punishment, partner selection and public reputation", { directPunishment: true, thirdPartyPunishment: true, partnerSelection: true, reputation: true }),
];
