/**
 * The Donor Game (indirect reciprocity), as Vallinder & Hughes 2024
 * ("Cultural Evolution of Cooperation among LLM Agents") play it after
 * Nowak & Sigmund 1998: every round each agent is a donor to one agent and a
 * recipient of another; a donor sees what its recipient gave in its last
 * donations and gives it a fraction of its resources, which the recipient
 * receives multiplied. Optionally a donor may instead punish: it pays
 * `punishCost` per unit and the recipient loses `punishFactor` times that.
 *
 * ## Rounds
 * One step is one round: donors are matched to recipients by a random
 * derangement (nobody gives to itself; everyone gives once and receives
 * once). Resources start at `endowment` (10).
 *
 * ## Action Space
 * Discrete(levels + 1) with punishment, else Discrete(levels): action a <
 * levels gives a/(levels − 1) of the donor's resources (0 … all); with
 * punishment, action `levels` punishes with one unit.
 *
 * ## Observation
 * Box(6 + memory): the donor's own resources / endowment, its recipient's
 * resources / endowment, the recipient's image score (its average fraction
 * given over its last `memory` donations, ½ before any), the round
 * fraction, whether the recipient punished in its last donation, the
 * recipient's standing (1 good, 0 bad); then the recipient's last `memory`
 * fractions given, newest first (−1 where none).
 *
 * ## Image and standing
 * Two reputations, the two classic rules of indirect reciprocity. The
 * image score (Nowak & Sigmund 1998) is first-order: it counts what an
 * agent gave, whoever received it. Standing (Sugden 1986; Leimar &
 * Hammerstein 2001) is second-order: everyone starts good; helping (giving
 * at least half) makes a donor good; refusing or punishing a good
 * recipient makes it bad; refusing or punishing a bad one leaves it as it
 * was (a justified refusal).
 *
 * ## Rewards
 * The change in the agent's resources this round: −given + multiplier ×
 * received − punishment paid − punishment suffered. An agent's resources
 * never fall below 0 (a punishment takes what is left).
 *
 * ## Events (per agent)
 * `give` (gave something), `keep` (gave nothing), `punish`, `punished`,
 * `generous` (gave at least half).
 *
 * ## Episode end
 * Truncated after `rounds` rounds (every agent at once).
 */
import { z } from "zod";
import { Box, Discrete } from "../../core/spaces.js";
import { agentFeature, MultiAgentCore, SOCIAL_FEATURES, type AgentFeature } from "../multi/core.js";
import { defineParallelEnv, type ParallelEnvSpec } from "../multi/spec.js";

const EVENTS = ["give", "keep", "punish", "punished", "generous"] as const;
const [GIVE, KEEP, PUNISH, PUNISHED, GENEROUS] = [1, 2, 4, 8, 16];

export interface DonorOptions {
  players: number;
  rounds: number;
  endowment: number;
  multiplier: number;
  levels: number;
  memory: number;
  punishment: boolean;
  punishCost: number;
  punishFactor: number;
}

export class DonorGame extends MultiAgentCore {
  readonly agentNames: readonly string[];
  readonly observationSpace: Box;
  readonly actionSpace: Discrete;
  readonly events: readonly string[] = EVENTS;
  readonly maxSteps: number;
  readonly features: readonly AgentFeature<any>[] = [
    agentFeature<DonorGame>("resources", "the agent's resources", (c, j) => c.resources[j]),
    agentFeature<DonorGame>("image", "the agent's image score: its average fraction given over its last donations", (c, j) => c.image(j)),
    agentFeature<DonorGame>("standing", "the agent's standing: 1 good, 0 bad", (c, j) => c.standing[j]),
    agentFeature<DonorGame>("given", "the fraction of its resources the agent gave this round", (c, j) => Math.max(c.history[j * c.options.memory], 0)),
    agentFeature<DonorGame>("population.resources", "mean resources of all agents", (c) => c.resources.reduce((a, b) => a + b, 0) / c.numAgents),
    ...SOCIAL_FEATURES,
  ];
  readonly resources: Float64Array;
  /** recipient[i]: whom agent i gives to this round. */
  readonly recipient: Int32Array;
  /** history[j·memory + h]: fraction agent j gave h donations ago (−1 none). */
  readonly history: Float64Array;
  /** Whether agent j's last donation was a punishment. */
  readonly punishedLast: Uint8Array;
  /** Agent j's standing: 1 good, 0 bad. */
  readonly standing: Uint8Array;
  private readonly standingBefore: Uint8Array;
  round = 0;
  private readonly perm: Int32Array;
  /** Per agent, this round: resources before, given, received, fined, paid for punishing. */
  private readonly scratch: Float64Array[];

  constructor(readonly options: DonorOptions) {
    super(options.players);
    const N = options.players;
    this.agentNames = Array.from({ length: N }, (_, j) => `player_${j}`);
    this.actionSpace = new Discrete(options.levels + (options.punishment ? 1 : 0));
    this.observationSpace = new Box(-1, Infinity, [6 + options.memory]);
    this.maxSteps = options.rounds;
    this.resources = new Float64Array(N);
    this.recipient = new Int32Array(N);
    this.history = new Float64Array(N * options.memory);
    this.punishedLast = new Uint8Array(N);
    this.standing = new Uint8Array(N);
    this.standingBefore = new Uint8Array(N);
    this.perm = new Int32Array(N);
    this.scratch = Array.from({ length: 5 }, () => new Float64Array(N));
  }

  /** Agent j's image score: its average fraction given over the donations remembered (½ before any). */
  image(j: number): number {
    const { memory } = this.options;
    let sum = 0;
    let count = 0;
    for (let h = 0; h < memory; h++) {
      const f = this.history[j * memory + h];
      if (f < 0) break;
      sum += f;
      count++;
    }
    return count ? sum / count : 0.5;
  }

  protected start(): void {
    this.round = 0;
    this.resources.fill(this.options.endowment);
    this.history.fill(-1);
    this.punishedLast.fill(0);
    this.standing.fill(1);
    this.match();
  }

  /** A random derangement: a shuffled cycle, so nobody is its own recipient. */
  private match(): void {
    const N = this.numAgents;
    for (let i = 0; i < N; i++) this.perm[i] = i;
    this.rng.shuffle(this.perm);
    for (let k = 0; k < N; k++) this.recipient[this.perm[k]] = this.perm[(k + 1) % N];
  }

  protected act(actions: ArrayLike<number>, offset: number): void {
    const N = this.numAgents;
    const { resources, recipient, rewards, eventMasks, options } = this;
    const { levels, multiplier, punishCost, punishFactor } = options;
    const [before, given, received, fined, paid] = this.scratch;
    before.set(resources);
    for (let k = 1; k < this.scratch.length; k++) this.scratch[k].fill(0);
    const standing = this.standing;
    this.standingBefore.set(standing);
    for (let i = 0; i < N; i++) {
      const a = actions[offset + i];
      const r = recipient[i];
      if (a === levels) {
        // Punishment: one unit paid (what is left, if less), punishFactor times it taken from the recipient.
        paid[i] = Math.min(punishCost, before[i]);
        fined[r] += punishFactor * paid[i];
        eventMasks[i] |= PUNISH;
        eventMasks[r] |= PUNISHED;
        this.record(i, 0, true);
        if (this.standingBefore[r]) standing[i] = 0;
        continue;
      }
      const fraction = levels === 1 ? 0 : a / (levels - 1);
      given[i] = fraction * before[i];
      received[r] += multiplier * given[i];
      eventMasks[i] |= fraction > 0 ? GIVE : KEEP;
      if (fraction >= 0.5) eventMasks[i] |= GENEROUS;
      this.record(i, fraction, false);
      if (fraction >= 0.5) standing[i] = 1;
      else if (this.standingBefore[r]) standing[i] = 0;
    }
    for (let i = 0; i < N; i++) {
      resources[i] = Math.max(before[i] - given[i] - paid[i] + received[i] - fined[i], 0);
      rewards[i] = resources[i] - before[i];
    }
    this.round++;
    this.match();
  }

  /** Pushes a donation into agent i's history. */
  private record(i: number, fraction: number, punished: boolean): void {
    const { memory } = this.options;
    const h = this.history.subarray(i * memory, (i + 1) * memory);
    h.copyWithin(1, 0, memory - 1);
    h[0] = fraction;
    this.punishedLast[i] = punished ? 1 : 0;
  }

  protected observe(i: number, obs: Float32Array, offset: number): void {
    const { endowment, memory, rounds } = this.options;
    const r = this.recipient[i];
    obs[offset] = this.resources[i] / endowment;
    obs[offset + 1] = this.resources[r] / endowment;
    obs[offset + 2] = this.image(r);
    obs[offset + 3] = this.round / rounds;
    obs[offset + 4] = this.punishedLast[r];
    obs[offset + 5] = this.standing[r];
    for (let h = 0; h < memory; h++) obs[offset + 6 + h] = this.history[r * memory + h];
  }
}

const DonorKwargs = z
  .object({
    players: z.number().int().min(2).max(64).default(12).describe("agents"),
    rounds: z.number().int().min(1).max(10_000).default(12).describe("rounds per episode (one donation each)"),
    endowment: z.number().positive().default(10).describe("resources each agent starts with"),
    multiplier: z.number().min(0).default(2).describe("what a recipient gets per unit given"),
    levels: z.number().int().min(2).max(11).default(5).describe("fractions a donor can give: 0, 1/(levels−1), …, 1"),
    memory: z.number().int().min(1).max(32).default(3).describe("past donations of the recipient a donor sees"),
    punishment: z.boolean().default(false).describe("a donor may punish instead of giving"),
    punishCost: z.number().positive().default(1).describe("what one punishment costs the donor"),
    punishFactor: z.number().min(0).default(2).describe("what the recipient loses per unit the donor pays"),
  })
  .strict();

export const donorGames: ParallelEnvSpec[] = [
  defineParallelEnv({
    id: "DonorGame",
    family: "social",
    summary: "indirect reciprocity: donors see a recipient's recent giving and give a fraction of their resources, received doubled (Vallinder & Hughes 2024)",
    kwargs: DonorKwargs,
    create: (k) => new DonorGame(k),
  }),
  defineParallelEnv({
    id: "DonorGame-Punish",
    family: "social",
    summary: "the Donor Game where a donor may instead pay 1 to take 2 from its recipient (costly punishment)",
    kwargs: DonorKwargs,
    preset: { punishment: true },
    create: (k) => new DonorGame(k),
  }),
];
