/**
 * Clean-up: a public-goods dilemma on the commons gridworld, after Hughes et
 * al. 2018 ("Inequity aversion improves cooperation in intertemporal social
 * dilemmas") and Melting Pot's Clean Up. Apples grow in an orchard only
 * while the river is clean, pollution keeps covering the river, and
 * cleaning it pays nothing: whoever cleans lets the others eat.
 *
 * ## Rules (one step)
 * The commons harvest's (commons.ts): moves, turns, eating (+1), the zap
 * beam and its time-out; and
 * 1. **clean** (action 5): a beam of `beamLength` cells ahead, stopped by
 *    walls, removes the pollution from every river cell it crosses;
 * 2. every clean river cell becomes polluted with probability
 *    `pollutionRate`;
 * 3. every empty orchard cell grows an apple with probability
 *    `appleRespawn · clamp((depletion − f) / (depletion − restoration), 0, 1)`,
 *    f the polluted fraction of the river (Melting Pot's rule): none at all
 *    once f reaches `depletion` (0.4), the most when the river is clean.
 *
 * The orchard starts full and the river clean.
 *
 * ## Action Space
 * Discrete(6): stay, forward, turn left, turn right, zap, clean.
 *
 * ## Observation
 * Box(5·v² + 5), per agent: the commons harvest's (v × v cells ahead, channels
 * wall, apple, another agent; direction one-hot; frozen), then two more
 * channels over the same cells: polluted, river.
 *
 * ## Events (per agent)
 * The commons harvest's (`eat`, `zap`, `zap:hit`, `zapped`,
 * `patch:depleted`), and `clean` (its beam removed pollution).
 *
 * ## Episode end
 * Truncated after `maxSteps` (1000) steps, every agent at once.
 */
import { z } from "zod";
import { Box, Discrete } from "../../core/spaces.js";
import { agentFeature, type AgentFeature } from "../multi/core.js";
import { defineParallelEnv, type ParallelEnvSpec } from "../multi/spec.js";
import { COMMONS_EVENTS, COMMONS_FEATURES, CommonsHarvest, type CommonsOptions } from "./commons.js";

export const CLEAN = 5;
export const CLEANUP_ACTIONS = ["stay", "forward", "left", "right", "zap", "clean"] as const;
const CLEANED = 1 << COMMONS_EVENTS.length;

/** A river of 32 cells on the left, an orchard of 40 on the right, eight spawn points between; 20 × 10 with the border. */
export const CLEANUP_MAP: readonly string[] = [
  "WWWWWWWWWWWWWWWWWWWW",
  "WRRRR     P   AAAAAW",
  "WRRRR         AAAAAW",
  "WRRRR  P      AAAAAW",
  "WRRRR     P   AAAAAW",
  "WRRRR  P      AAAAAW",
  "WRRRR     P   AAAAAW",
  "WRRRR  P      AAAAAW",
  "WRRRR     P   AAAAAW",
  "WWWWWWWWWWWWWWWWWWWW",
];

export interface CleanupOptions extends Omit<CommonsOptions, "regrowth"> {
  pollutionRate: number;
  appleRespawn: number;
  depletion: number;
  restoration: number;
}

export class CleanUp extends CommonsHarvest {
  override readonly actionSpace = new Discrete(CLEANUP_ACTIONS.length);
  override readonly events: readonly string[] = [...COMMONS_EVENTS, "clean"];
  override readonly observationSpace: Box;
  override readonly features: readonly AgentFeature<any>[] = [
    ...COMMONS_FEATURES,
    agentFeature<CleanUp>("pollution", "the polluted fraction of the river", (c) => c.pollutedCount / c.map.riverCells.length),
  ];
  /** Per cell: 1 where the river is polluted. */
  readonly polluted: Uint8Array;
  /** Per cell: 1 on the river. */
  private readonly river: Uint8Array;
  /** Per agent: 1 when its clean beam fires this step (set before the commons' step runs). */
  private readonly cleaningNow: Uint8Array;
  pollutedCount = 0;

  constructor(readonly cleanup: CleanupOptions) {
    super({ ...cleanup, regrowth: [0, 0, 0] });
    const v = cleanup.viewSize;
    this.observationSpace = new Box(0, 1, [5 * v * v + 5]);
    this.polluted = new Uint8Array(this.map.cells);
    this.river = new Uint8Array(this.map.cells);
    for (const i of this.map.riverCells) this.river[i] = 1;
    this.cleaningNow = new Uint8Array(cleanup.players);
  }

  protected override start(): void {
    super.start();
    this.polluted.fill(0);
    this.pollutedCount = 0;
  }

  protected override act(actions: ArrayLike<number>, offset: number): void {
    // The commons' rules (its moves ignore action 5), then the clean beams from where the agents stand, then the river
    // and the orchard (the commons' `regrow`, overridden below, runs at the end of its step).
    for (let j = 0; j < this.numAgents; j++) this.cleaningNow[j] = this.frozenFor[j] === 0 && actions[offset + j] === CLEAN ? 1 : 0;
    super.act(actions, offset);
  }

  protected override regrow(): void {
    this.fireCleanBeams();
    this.pollute();
    const { map, contents, rng } = this;
    const { appleRespawn, depletion, restoration } = this.cleanup;
    const f = this.pollutedCount / map.riverCells.length;
    const p = appleRespawn * Math.min(Math.max((depletion - f) / (depletion - restoration), 0), 1);
    if (p <= 0) return;
    for (const i of map.appleCells) if ((contents[i] & 6) === 0 && rng.float() < p) this.addApple(i);
  }

  /** Clean beams fire from the agents' cells after the moves (an agent frozen by this step's zap still cleaned as it was hit). */
  private fireCleanBeams(): void {
    const { polluted, river, contents, pos, dir, eventMasks } = this;
    for (let j = 0; j < this.numAgents; j++) {
      if (!this.cleaningNow[j]) continue;
      let cell = pos[j];
      const step = this.dirStep[dir[j]];
      for (let s = 0; s < this.cleanup.beamLength; s++) {
        cell += step;
        if (contents[cell] & 1) break;
        if (river[cell] && polluted[cell]) {
          polluted[cell] = 0;
          this.pollutedCount--;
          eventMasks[j] |= CLEANED;
        }
      }
    }
  }

  private pollute(): void {
    const { polluted, rng } = this;
    const rate = this.cleanup.pollutionRate;
    for (const i of this.map.riverCells) {
      if (polluted[i] || rng.float() >= rate) continue;
      polluted[i] = 1;
      this.pollutedCount++;
    }
  }

  protected override observe(agent: number, obs: Float32Array, offset: number): void {
    super.observe(agent, obs, offset);
    const v = this.cleanup.viewSize;
    const n = v * v;
    const extra = offset + 3 * n + 5;
    if (this.frozenFor[agent] > 0) {
      obs.fill(0, extra, extra + 2 * n);
      return;
    }
    const at = this.pos[agent];
    const offsets = this.viewOffsets[this.dir[agent]];
    for (let k = 0; k < n; k++) {
      const cell = at + offsets[k];
      obs[extra + k] = this.polluted[cell];
      obs[extra + n + k] = this.river[cell];
    }
  }

  override render(): string {
    const lines = super.render().split("\n");
    const { map } = this;
    for (let y = 0; y < map.height; y++) {
      const row = [...lines[y]];
      for (let x = 0; x < map.width; x++) {
        const i = map.index(x, y);
        if (this.river[i] && this.occupant[i] < 0) [row[2 * x], row[2 * x + 1]] = this.polluted[i] ? ["~", "~"] : ["-", "-"];
      }
      lines[y] = row.join("");
    }
    lines[lines.length - 1] += `, pollution ${(this.pollutedCount / map.riverCells.length).toFixed(2)}`;
    return lines.join("\n");
  }
}

const probability = z.number().min(0).max(1);

const CleanupKwargs = z
  .object({
    players: z.number().int().min(2).max(36).default(4).describe("players (at most the map's spawn points)"),
    map: z.array(z.string()).min(1).default([...CLEANUP_MAP]).describe("rows of the map: W wall, A orchard cell, R river, P spawn point, space or . ground"),
    viewSize: z.number().int().min(3).max(15).refine((v) => v % 2 === 1, "expected an odd number").default(7).describe("side of the square each agent sees ahead of it (odd)"),
    beamLength: z.number().int().min(1).max(10).default(3).describe("cells the zap and clean beams reach ahead"),
    timeout: z.number().int().min(1).max(10_000).default(25).describe("steps an agent hit by a zap stays off the map"),
    zapCost: z.number().min(0).default(0).describe("reward a zapper pays per zap"),
    zap: z.boolean().default(true).describe("whether the zap action fires"),
    pollutionRate: probability.default(0.005).describe("probability that a clean river cell becomes polluted, per step"),
    appleRespawn: probability.default(0.05).describe("an empty orchard cell's regrowth probability while the river is clean"),
    depletion: z.number().gt(0).max(1).default(0.4).describe("polluted fraction of the river at which apples stop growing"),
    restoration: z.number().min(0).max(1).default(0).describe("polluted fraction at or below which they grow at the full rate"),
    maxSteps: z.number().int().min(1).max(100_000).default(1000).describe("steps per episode"),
  })
  .strict()
  .refine((k) => k.restoration < k.depletion, { path: ["restoration"], message: "expected below depletion" });

export const cleanupGames: ParallelEnvSpec[] = [
  defineParallelEnv({
    id: "CleanUp",
    family: "social",
    summary: "gridworld public good: apples grow only while the river is clean, and cleaning pays nothing (Hughes et al. 2018)",
    kwargs: CleanupKwargs,
    create: (k) => new CleanUp(k),
  }),
];
