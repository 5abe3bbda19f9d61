/**
 * Commons harvest: m agents gather apples on a shared gridworld whose apples
 * regrow only near other apples (Perolat et al. 2017, "A multi-agent
 * reinforcement learning model of common-pool resource appropriation";
 * Melting Pot's Commons Harvest). Eating a patch bare ends its supply for
 * good, so the group does best by leaving apples standing: a
 * common-pool resource dilemma. A zap beam lets an agent push others out of
 * the field for a while.
 *
 * ## Action Space
 * Discrete(5): 0 stay, 1 forward, 2 turn left, 3 turn right, 4 zap.
 *
 * ## Observation
 * Box(3·v² + 5), per agent, v = `viewSize` (7): the v × v cells ahead of the
 * agent, rotated so it faces up from the bottom centre (MiniGrid's view, no
 * occlusion), [x][y][channel] flattened with channels [wall, apple, another
 * agent]; then its direction one-hot (east, south, west, north); then 1 while
 * it is frozen (its view and direction are zeros then).
 *
 * ## Rules (one step)
 * 1. The agents that are not frozen act in a random order: a move forward
 *    into a wall or another agent's cell does nothing; stepping on an apple
 *    eats it (+1).
 * 2. Zaps fire at once from where the agents then stand: a straight beam of
 *    `beamLength` (3) cells ahead, stopped by walls, hits every agent on it
 *    (a zapper may be hit too). The zapper pays `zapCost` (0). An agent hit
 *    leaves the map for `timeout` (25) steps: frozen, it takes no action and
 *    earns nothing, then comes back at a free spawn point (it waits while
 *    none is free). It stays in the episode (`active` 1) all along: seats
 *    need every agent to leave together. With `zap: false` the zap action
 *    does nothing (a commons without sanctions).
 * 3. Every empty apple cell (no apple, no agent) regrows with a probability
 *    set by the apples within Euclidean distance 2 of it (12 cells): none
 *    → 0, 1–2 → 0.01, 3–4 → 0.05, 5 or more → 0.1 (Perolat et al.'s values;
 *    `regrowth`). Draws use counts from before this step's regrowth.
 *
 * ## Events (per agent)
 * `eat`; `zap` (it fired); `zap:hit` (its beam hit someone); `zapped` (it
 * was hit); `patch:depleted` (it ate the last apple of a patch: the patch
 * will never regrow).
 *
 * ## Episode end
 * Truncated after `maxSteps` (1000) steps, every agent at once.
 */
import { z } from "zod";
import { UserError } from "../../core/errors.js";
import { Box, Discrete } from "../../core/spaces.js";
import { DIR_X, DIR_Y } from "../grid/objects.js";
import { agentFeature, MultiAgentCore, SOCIAL_FEATURES, type AgentFeature } from "../multi/core.js";
import { defineParallelEnv, type ParallelEnvSpec } from "../multi/spec.js";
import { CommonsMap, DEFAULT_MAP } from "./commons-map.js";

export const STAY = 0;
export const FORWARD = 1;
export const LEFT = 2;
export const RIGHT = 3;
export const ZAP = 4;
export const COMMONS_ACTIONS = ["stay", "forward", "left", "right", "zap"] as const;

export const COMMONS_EVENTS = ["eat", "zap", "zap:hit", "zapped", "patch:depleted"] as const;
const EVENTS = COMMONS_EVENTS;
const bit = (name: (typeof EVENTS)[number]) => 1 << EVENTS.indexOf(name);
const EAT = bit("eat");
const FIRED = bit("zap");
const HIT = bit("zap:hit");
const ZAPPED = bit("zapped");
const DEPLETED = bit("patch:depleted");

/** Bits of a cell's contents: what the view's three channels show. */
const WALL = 1;
const APPLE = 2;
const AGENT = 4;

export interface CommonsOptions {
  players: number;
  map: readonly string[];
  viewSize: number;
  beamLength: number;
  timeout: number;
  zapCost: number;
  /** Whether the zap action fires (false: it does nothing). */
  zap: boolean;
  /** Regrowth probabilities with 1–2, 3–4 and 5 or more apples nearby. */
  regrowth: readonly [number, number, number];
  maxSteps: number;
}

/** Per-agent features of the commons harvest (and of games built on it). */
export const COMMONS_FEATURES: readonly AgentFeature<any>[] = [
  agentFeature<CommonsHarvest>("agent.x", "the agent's column on the map (where it was hit, while frozen)", (c, j) => c.map.x(c.pos[j])),
  agentFeature<CommonsHarvest>("agent.y", "the agent's row on the map (where it was hit, while frozen)", (c, j) => c.map.y(c.pos[j])),
  agentFeature<CommonsHarvest>("apples.total", "apples on the map", (c) => c.appleCount),
  agentFeature<CommonsHarvest>("apples.near", "apples within distance 2 of the agent (0 while frozen)", (c, j) => (c.frozenFor[j] > 0 ? 0 : c.nearby[c.pos[j]])),
  agentFeature<CommonsHarvest>("frozen", "1 while the agent is off the map after a zap", (c, j) => (c.frozenFor[j] > 0 ? 1 : 0)),
  ...SOCIAL_FEATURES,
];

export class CommonsHarvest extends MultiAgentCore {
  readonly agentNames: readonly string[];
  readonly observationSpace: Box;
  readonly actionSpace = new Discrete(COMMONS_ACTIONS.length);
  readonly events: readonly string[] = COMMONS_EVENTS;
  readonly maxSteps: number;
  readonly features: readonly AgentFeature<any>[] = COMMONS_FEATURES;

  readonly map: CommonsMap;
  override readonly board: { width: number; height: number };
  /** Per cell: WALL | APPLE | AGENT bits, so the view reads one byte a cell. */
  readonly contents: Uint8Array;
  /** Per cell: apples within distance 2 (the cell itself left out). */
  readonly nearby: Uint8Array;
  /** Per cell: the agent standing there, or −1. */
  readonly occupant: Int8Array;
  /** Apples left per patch. */
  readonly patchApples: Int32Array;
  appleCount = 0;
  /** Per agent: its cell (kept while frozen: where it was hit), direction (0 east, 1 south, 2 west, 3 north). */
  readonly pos: Int32Array;
  readonly dir: Int8Array;
  /** Per agent: steps left off the map (0: on it). */
  readonly frozenFor: Int32Array;

  protected readonly viewOffsets: Int32Array[];
  protected readonly dirStep: Int32Array;
  private readonly order: Int32Array;
  private readonly fired: Uint8Array;
  private readonly hit: Uint8Array;
  private readonly wasFrozen: Uint8Array;
  private readonly growing: Int32Array;
  private readonly spawnOrder: Int32Array;

  constructor(readonly options: CommonsOptions) {
    super(options.players);
    const m = options.players;
    const v = options.viewSize;
    this.map = new CommonsMap(options.map, Math.max(v - 1, options.beamLength));
    this.board = { width: this.map.width, height: this.map.height };
    if (this.map.spawnCells.length < m) throw new UserError("env.kwargs.players", `the map has ${this.map.spawnCells.length} spawn points (P) for ${m} players`);
    this.agentNames = Array.from({ length: m }, (_, j) => `player_${j}`);
    this.observationSpace = new Box(0, 1, [3 * v * v + 5]);
    this.maxSteps = options.maxSteps;
    const cells = this.map.cells;
    this.contents = new Uint8Array(cells);
    this.nearby = new Uint8Array(cells);
    this.occupant = new Int8Array(cells).fill(-1);
    this.patchApples = new Int32Array(this.map.patches);
    this.pos = new Int32Array(m);
    this.dir = new Int8Array(m);
    this.frozenFor = new Int32Array(m);
    this.order = new Int32Array(m);
    this.fired = new Uint8Array(m);
    this.hit = new Uint8Array(m);
    this.wasFrozen = new Uint8Array(m);
    this.growing = new Int32Array(this.map.appleCells.length);
    this.spawnOrder = new Int32Array(this.map.spawnCells.length);
    const stride = this.map.stride;
    this.dirStep = Int32Array.from([0, 1, 2, 3], (d) => DIR_X[d] + DIR_Y[d] * stride);
    // View cell (vx, vy) sees the cell a = v − 1 − vy ahead and b = vx − ⌊v/2⌋ to the right (MiniGrid's layout).
    this.viewOffsets = [0, 1, 2, 3].map((d) => {
      const offsets = new Int32Array(v * v);
      for (let vx = 0; vx < v; vx++) {
        for (let vy = 0; vy < v; vy++) {
          const a = v - 1 - vy;
          const b = vx - (v >> 1);
          offsets[vx * v + vy] = a * DIR_X[d] - b * DIR_Y[d] + (a * DIR_Y[d] + b * DIR_X[d]) * stride;
        }
      }
      return offsets;
    });
  }

  /** Agent j's map cell, or −1 while it is frozen off the map by a zap. */
  override cellOf(j: number): number {
    if (this.frozenFor[j] > 0) return -1;
    const { stride, pad, width } = this.map;
    const p = this.pos[j];
    return (Math.floor(p / stride) - pad) * width + (p % stride) - pad;
  }

  protected start(): void {
    const { map, contents, nearby, occupant, patchApples } = this;
    contents.set(map.wall);
    nearby.fill(0);
    occupant.fill(-1);
    patchApples.fill(0);
    this.appleCount = 0;
    for (let k = 0; k < map.appleCells.length; k++) this.addApple(map.appleCells[k]);
    this.frozenFor.fill(0);
    // Distinct spawn points: a partial Fisher–Yates shuffle; then a direction each.
    const spawns = this.spawnOrder;
    for (let k = 0; k < spawns.length; k++) spawns[k] = map.spawnCells[k];
    for (let j = 0; j < this.numAgents; j++) {
      const k = j + this.rng.int(spawns.length - j);
      const cell = spawns[k];
      spawns[k] = spawns[j];
      spawns[j] = cell;
      this.pos[j] = cell;
      occupant[cell] = j;
      contents[cell] |= AGENT;
      this.dir[j] = this.rng.int(4);
    }
  }

  protected act(actions: ArrayLike<number>, offset: number): void {
    const m = this.numAgents;
    const { order, fired, hit, wasFrozen, frozenFor, pos, dir, occupant, contents, rewards, eventMasks } = this;
    for (let j = 0; j < m; j++) {
      order[j] = j;
      wasFrozen[j] = frozenFor[j] > 0 ? 1 : 0;
      fired[j] = 0;
      hit[j] = 0;
    }
    for (let k = m - 1; k > 0; k--) {
      const r = this.rng.int(k + 1);
      const t = order[k];
      order[k] = order[r];
      order[r] = t;
    }
    // 1. Moves and turns, in random order.
    for (let k = 0; k < m; k++) {
      const j = order[k];
      if (wasFrozen[j]) continue;
      const action = actions[offset + j];
      if (action === FORWARD) {
        const to = pos[j] + this.dirStep[dir[j]];
        if (contents[to] & (WALL | AGENT)) continue;
        occupant[pos[j]] = -1;
        contents[pos[j]] &= ~AGENT;
        occupant[to] = j;
        contents[to] |= AGENT;
        pos[j] = to;
        if (contents[to] & APPLE) {
          rewards[j] += 1;
          eventMasks[j] |= this.removeApple(to) ? EAT | DEPLETED : EAT;
        }
      } else if (action === LEFT) dir[j] = (dir[j] + 3) & 3;
      else if (action === RIGHT) dir[j] = (dir[j] + 1) & 3;
      else if (action === ZAP && this.options.zap) fired[j] = 1;
    }
    // 2. Zaps, all at once from the positions after the moves.
    for (let j = 0; j < m; j++) {
      if (!fired[j]) continue;
      rewards[j] -= this.options.zapCost;
      eventMasks[j] |= FIRED;
      const step = this.dirStep[dir[j]];
      let cell = pos[j];
      for (let s = 0; s < this.options.beamLength; s++) {
        cell += step;
        if (contents[cell] & WALL) break;
        const other = occupant[cell];
        if (other >= 0) {
          hit[other] = 1;
          eventMasks[j] |= HIT;
        }
      }
    }
    for (let j = 0; j < m; j++) {
      if (!hit[j]) continue;
      occupant[pos[j]] = -1;
      contents[pos[j]] &= ~AGENT;
      frozenFor[j] = this.options.timeout;
      eventMasks[j] |= ZAPPED;
    }
    // 3. The agents frozen before this step count down; one whose time is up comes back at a free spawn point.
    for (let j = 0; j < m; j++) {
      if (!wasFrozen[j] || --frozenFor[j] > 0) continue;
      if (!this.respawn(j)) frozenFor[j] = 1;
    }
    this.regrow();
  }

  /** Moves agent j to map cell (x, y) facing `dir` (0 east … 3 north), with no rules applied: to set up a scene. */
  put(j: number, x: number, y: number, dir: number): void {
    const { occupant, contents, pos } = this;
    occupant[pos[j]] = -1;
    contents[pos[j]] &= ~AGENT;
    pos[j] = this.map.index(x, y);
    occupant[pos[j]] = j;
    contents[pos[j]] |= AGENT;
    this.dir[j] = dir;
  }

  /** Whether map cell (x, y) holds an apple. */
  appleAt(x: number, y: number): boolean {
    return (this.contents[this.map.index(x, y)] & APPLE) !== 0;
  }

  /** Puts agent j at a free spawn point, drawn at random; false if none is free. */
  private respawn(j: number): boolean {
    const spawns = this.map.spawnCells;
    const first = this.rng.int(spawns.length);
    for (let k = 0; k < spawns.length; k++) {
      const cell = spawns[(first + k) % spawns.length];
      if (this.occupant[cell] >= 0) continue;
      this.occupant[cell] = j;
      this.contents[cell] |= AGENT;
      this.pos[j] = cell;
      this.dir[j] = this.rng.int(4);
      return true;
    }
    return false;
  }

  /** Perolat et al.'s rule: each empty apple cell regrows with a probability set by the apples near it. */
  protected regrow(): void {
    const { contents, nearby, growing } = this;
    const cells = this.map.appleCells;
    const regrowth = this.options.regrowth;
    const few = regrowth[0];
    const some = regrowth[1];
    const many = regrowth[2];
    let count = 0;
    for (let k = 0; k < cells.length; k++) {
      const i = cells[k];
      if (contents[i] & (APPLE | AGENT)) continue;
      const n = nearby[i];
      if (n === 0) continue;
      const p = n <= 2 ? few : n <= 4 ? some : many;
      if (this.rng.float() < p) growing[count++] = i;
    }
    for (let k = 0; k < count; k++) this.addApple(growing[k]);
  }

  protected addApple(i: number): void {
    this.contents[i] |= APPLE;
    this.appleCount++;
    this.patchApples[this.map.patchOf[i]]++;
    const near = this.map.near;
    for (let k = 0; k < near.length; k++) this.nearby[i + near[k]]++;
  }

  /** Takes the apple at i; true if it was its patch's last. */
  private removeApple(i: number): boolean {
    this.contents[i] &= ~APPLE;
    this.appleCount--;
    const near = this.map.near;
    for (let k = 0; k < near.length; k++) this.nearby[i + near[k]]--;
    return --this.patchApples[this.map.patchOf[i]] === 0;
  }

  protected observe(agent: number, obs: Float32Array, offset: number): void {
    const v = this.options.viewSize;
    const n = v * v;
    const tail = offset + 3 * n;
    if (this.frozenFor[agent] > 0) {
      obs.fill(0, offset, tail + 4);
      obs[tail + 4] = 1;
      return;
    }
    const { contents } = this;
    const at = this.pos[agent];
    const offsets = this.viewOffsets[this.dir[agent]];
    for (let k = 0, o = offset; k < n; k++, o += 3) {
      const c = contents[at + offsets[k]];
      obs[o] = c & WALL;
      obs[o + 1] = (c & APPLE) >> 1;
      obs[o + 2] = c >> 2;
    }
    // The agent's own cell (view x ⌊v/2⌋, y v − 1) shows no other agent.
    obs[offset + 3 * ((v >> 1) * v + v - 1) + 2] = 0;
    for (let d = 0; d < 4; d++) obs[tail + d] = d === this.dir[agent] ? 1 : 0;
    obs[tail + 4] = 0;
  }

  /**
   * The map as text, two characters a cell: `WW` wall, `()` apple, an agent
   * as its number and an arrow (`0>` player_0 facing east); then the frozen
   * agents and the apples left.
   */
  render(): string {
    const { map } = this;
    const arrows = [">", "v", "<", "^"];
    const lines: string[] = [];
    for (let y = 0; y < map.height; y++) {
      let line = "";
      for (let x = 0; x < map.width; x++) {
        const i = map.index(x, y);
        const who = this.occupant[i];
        line += who >= 0 ? `${who.toString(36)}${arrows[this.dir[who]]}` : map.wall[i] ? "WW" : this.contents[i] & APPLE ? "()" : "  ";
      }
      lines.push(line);
    }
    const frozen = this.agentNames.filter((_, j) => this.frozenFor[j] > 0).map((name) => `${name} (${this.frozenFor[this.agentNames.indexOf(name)]})`);
    lines.push(`step ${this.stepCount}, apples ${this.appleCount}${frozen.length ? `, frozen: ${frozen.join(", ")}` : ""}`);
    return lines.join("\n");
  }
}

const probability = z.number().min(0).max(1);

const CommonsKwargs = z
  .object({
    players: z.number().int().min(2).max(36).default(4).describe("players (at most the map's spawn points)"),
    map: z.array(z.string()).min(1).default([...DEFAULT_MAP]).describe("rows of the map: W wall, A apple cell, P spawn point, space or . ground"),
    viewSize: z.number().int().min(3).max(15).refine((v) => v % 2 === 1, "expected an odd number").default(7).describe("side of the square each agent sees ahead of it (odd)"),
    beamLength: z.number().int().min(1).max(10).default(3).describe("cells the zap beam reaches ahead"),
    timeout: z.number().int().min(1).max(10_000).default(25).describe("steps an agent hit by a zap stays off the map"),
    zapCost: z.number().min(0).default(0).describe("reward a zapper pays per zap"),
    zap: z.boolean().default(true).describe("whether the zap action fires (false: a commons without sanctions)"),
    regrowth: z.tuple([probability, probability, probability]).default([0.01, 0.05, 0.1]).describe("regrowth probability of an empty apple cell with 1–2, 3–4, 5+ apples within distance 2 (0 with none)"),
    maxSteps: z.number().int().min(1).max(100_000).default(1000).describe("steps per episode"),
  })
  .strict();

export const commonsGames: ParallelEnvSpec[] = [
  defineParallelEnv({
    id: "CommonsHarvest",
    family: "social",
    summary: "gridworld commons: apples regrow only near apples, a zap beam freezes others (Perolat et al. 2017)",
    kwargs: CommonsKwargs,
    create: (k) => new CommonsHarvest(k),
  }),
];
