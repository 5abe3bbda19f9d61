/**
 * The gridworld engine: MiniGrid's semantics over typed arrays. A task only
 * lays out its grid (`generateGrid`) and, where it differs from "reach the
 * goal", says when it succeeds (`afterStep`).
 *
 * Semantics follow MiniGrid (Chevalier-Boisvert et al., 2023):
 * - actions left, right, forward, pickup, drop, toggle, done; the agent acts on
 *   the cell in front of it; it carries at most one object;
 * - stepping onto the goal terminates with reward 1 − 0.9·t/T; onto lava
 *   terminates with reward 0; episodes are truncated at T = maxSteps;
 * - locked doors open with a key of the same color; toggling a box replaces it
 *   by its contents;
 * - the observation is the egocentric view (7×7 by default) with the agent at
 *   the bottom centre facing up, each cell (type, color, state), cells hidden
 *   behind walls and closed doors encoded (0, 0, 0), the carried object shown
 *   in the agent's cell; or, with `fullObs`, the whole grid with the agent
 *   encoded (10, 0, direction) (MiniGrid's FullyObsWrapper).
 * Differences from MiniGrid: observations are float32 (same values); the
 * direction and the mission text are not part of the observation, except
 * that tasks whose goal varies per episode append a small mission code.
 */
import { z } from "zod";
import { Box, Discrete } from "../../core/spaces.js";
import { EnvCore, type Feature } from "../core.js";
import { E, GRID_EVENTS } from "./events.js";
import { Grid } from "./grid.js";
import { A, canOverlap, canPickup, DIR_X, DIR_Y, EMPTY, S, T, cell, colorOf, stateOf, typeOf } from "./objects.js";
import { renderGrid } from "./render.js";
import { EgocentricView, writeFullGrid } from "./view.js";

/** Keyword arguments every gridworld takes. */
export const GridKwargs = z.object({
  viewSize: z.number().int().min(3).max(15).refine((v) => v % 2 === 1, "expected an odd view size").default(7).describe("side of the egocentric view (odd)"),
  fullObs: z.boolean().default(false).describe("observe the whole grid instead of the egocentric view"),
  seeThroughWalls: z.boolean().default(false).describe("skip occlusion in the egocentric view"),
  maxSteps: z.number().int().positive().optional().describe("steps before truncation (task default if absent)"),
});
export type GridKwargs = z.output<typeof GridKwargs>;

/** Thrown when rejection sampling cannot place an object (a generator retries). */
export class PlacementError extends Error {}

export abstract class GridEnv extends EnvCore {
  readonly grid: Grid;
  readonly observationSpace: Box;
  readonly actionSpace: Discrete;
  readonly events = GRID_EVENTS;
  abstract override readonly features: readonly Feature<any>[];
  readonly maxSteps: number;

  agentIndex = 0;
  agentDir = 0;
  /** The carried object as a packed cell, 0 when empty-handed. */
  carrying = 0;
  /** The carried box's contents. */
  carryingContents = 0;
  /** MiniGrid's mission text. */
  mission = "";
  /** Index of the (first) goal cell, −1 if none; found once per episode since goals never move. */
  goalIndex = -1;

  readonly viewSize: number;
  readonly fullObs: boolean;
  readonly seeThroughWalls: boolean;
  /** Floats of mission code appended to the observation (0 for most tasks). */
  readonly missionSize: number;

  private readonly view: EgocentricView;
  /** Direction → index offset of the cell in front. */
  readonly dirOffset: Int32Array;

  constructor(width: number, height: number, defaultMaxSteps: number, kwargs: GridKwargs, options: { numActions?: number; missionSize?: number } = {}) {
    super();
    this.viewSize = kwargs.viewSize;
    this.fullObs = kwargs.fullObs;
    this.seeThroughWalls = kwargs.seeThroughWalls;
    this.maxSteps = kwargs.maxSteps ?? defaultMaxSteps;
    this.missionSize = options.missionSize ?? 0;
    this.grid = new Grid(width, height, Math.max(1, this.viewSize - 1));
    this.actionSpace = new Discrete(options.numActions ?? 7);
    const image = this.fullObs ? [width, height, 3] : [this.viewSize, this.viewSize, 3];
    const shape = this.missionSize > 0 ? [image[0] * image[1] * 3 + this.missionSize] : image;
    this.observationSpace = new Box(0, 255, shape);
    const stride = this.grid.stride;
    this.dirOffset = Int32Array.from([0, 1, 2, 3], (d) => DIR_X[d] + DIR_Y[d] * stride);
    this.view = new EgocentricView(this.viewSize, stride, this.seeThroughWalls);
  }

  // ── positions ────────────────────────────────────────────────────────────
  get agentX(): number {
    return this.grid.xOf(this.agentIndex);
  }
  get agentY(): number {
    return this.grid.yOf(this.agentIndex);
  }
  setAgent(x: number, y: number, dir = this.agentDir): void {
    this.agentIndex = this.grid.index(x, y);
    this.agentDir = dir;
  }
  /** Index of the cell in front of the agent. */
  get frontIndex(): number {
    return this.agentIndex + this.dirOffset[this.agentDir];
  }

  // ── generation helpers (MiniGrid's _rand_int, place_obj, place_agent) ────
  protected randInt(lo: number, hi: number): number {
    return this.rng.intRange(lo, hi);
  }

  /** Lays out a new episode: the task fills `grid` and places the agent. */
  protected abstract generateGrid(): void;

  protected generate(): void {
    this.carrying = 0;
    this.carryingContents = 0;
    for (let attempt = 0; ; attempt++) {
      this.grid.clear();
      this.agentIndex = -1;
      try {
        this.generateGrid();
        this.goalIndex = this.grid.cells.findIndex((c) => (c & 0xff) === T.goal);
        return;
      } catch (e) {
        if (!(e instanceof PlacementError) || attempt >= 100) throw e;
      }
    }
  }

  /**
   * Places `c` on a random empty cell of the rectangle at `top` of `size`
   * (clipped to the grid), not on the agent, not where `reject` says no.
   */
  placeObj(c: number, top: [number, number] = [0, 0], size: [number, number] = [this.grid.width, this.grid.height], reject?: (x: number, y: number) => boolean, maxTries = 100_000, contents = 0): [number, number] {
    const x0 = Math.max(top[0], 0);
    const y0 = Math.max(top[1], 0);
    const x1 = Math.min(x0 + size[0], this.grid.width);
    const y1 = Math.min(y0 + size[1], this.grid.height);
    for (let tries = 0; tries < maxTries; tries++) {
      const x = this.randInt(x0, x1);
      const y = this.randInt(y0, y1);
      const i = this.grid.index(x, y);
      if (this.grid.cells[i] !== EMPTY || i === this.agentIndex) continue;
      if (reject && reject(x, y)) continue;
      if (c !== EMPTY) this.grid.set(x, y, c, contents);
      return [x, y];
    }
    throw new PlacementError("rejection sampling failed to place an object");
  }

  /** Places the agent on a random empty cell of the rectangle, facing a random direction. */
  placeAgent(top: [number, number] = [0, 0], size: [number, number] = [this.grid.width, this.grid.height], randDir = true, maxTries = 100_000): [number, number] {
    this.agentIndex = -1;
    const [x, y] = this.placeObj(EMPTY, top, size, undefined, maxTries);
    this.setAgent(x, y, randDir ? this.randInt(0, 4) : this.agentDir);
    return [x, y];
  }

  // ── dynamics ─────────────────────────────────────────────────────────────
  /** MiniGrid's success reward: 1 − 0.9·t/T. */
  protected successReward(): number {
    return 1 - (0.9 * this.stepCount) / this.maxSteps;
  }
  protected succeed(): number {
    this.terminated = true;
    this.eventMask |= E.success;
    return this.successReward();
  }
  protected fail(): number {
    this.terminated = true;
    this.eventMask |= E.failure;
    return 0;
  }

  protected transition(actions: ArrayLike<number>, offset: number): number {
    const action = actions[offset];
    const reward = this.act(action);
    return this.afterStep(action, reward);
  }

  /** The shared mechanics of one action; returns the reward of reaching the goal. */
  protected act(action: number): number {
    const cells = this.grid.cells;
    const front = this.agentIndex + this.dirOffset[this.agentDir];
    const fc = cells[front];
    switch (action) {
      case A.left:
        this.agentDir = (this.agentDir + 3) & 3;
        return 0;
      case A.right:
        this.agentDir = (this.agentDir + 1) & 3;
        return 0;
      case A.forward: {
        if (!canOverlap(fc)) {
          this.eventMask |= E.bump;
          return 0;
        }
        this.agentIndex = front;
        const t = fc & 0xff;
        if (t === T.goal) {
          this.eventMask |= E["reach:goal"];
          return this.succeed();
        }
        if (t === T.lava) {
          this.eventMask |= E["enter:lava"];
          this.fail();
        }
        return 0;
      }
      case A.pickup:
        if (this.carrying === 0 && canPickup(fc)) {
          this.carrying = fc;
          this.carryingContents = this.grid.contents[front];
          cells[front] = EMPTY;
          this.grid.contents[front] = 0;
          const t = fc & 0xff;
          this.eventMask |= t === T.key ? E["pickup:key"] : t === T.ball ? E["pickup:ball"] : t === T.box ? E["pickup:box"] : E["pickup:shape"];
        }
        return 0;
      case A.drop:
        if (this.carrying !== 0 && fc === EMPTY) {
          cells[front] = this.carrying;
          this.grid.contents[front] = this.carryingContents;
          const t = this.carrying & 0xff;
          this.eventMask |= t === T.key ? E["drop:key"] : t === T.ball ? E["drop:ball"] : t === T.box ? E["drop:box"] : E["drop:shape"];
          this.carrying = 0;
          this.carryingContents = 0;
        }
        return 0;
      case A.toggle:
        this.toggle(front, fc);
        return 0;
      case A.done:
        this.eventMask |= E.done;
        return 0;
      default:
        return 0;
    }
  }

  private toggle(front: number, fc: number): void {
    const t = typeOf(fc);
    if (t === T.door) {
      const state = stateOf(fc);
      if (state === S.locked) {
        if (typeOf(this.carrying) === T.key && this.carrying !== 0 && colorOf(this.carrying) === colorOf(fc)) {
          this.grid.cells[front] = cell(T.door, colorOf(fc), S.open);
          this.eventMask |= E["unlock:door"] | E["open:door"];
        }
      } else if (state === S.open) {
        this.grid.cells[front] = cell(T.door, colorOf(fc), S.closed);
        this.eventMask |= E["close:door"];
      } else {
        this.grid.cells[front] = cell(T.door, colorOf(fc), S.open);
        this.eventMask |= E["open:door"];
      }
    } else if (t === T.box) {
      const inside = this.grid.contents[front];
      this.grid.cells[front] = inside === 0 ? EMPTY : inside;
      this.grid.contents[front] = 0;
      this.eventMask |= E["open:box"];
    }
  }

  /** True if stepping onto cell `index` wins the episode (the goal; tasks may add cells). Planners use it. */
  winsOnEnter(index: number): boolean {
    return (this.grid.cells[index] & 0xff) === T.goal;
  }

  /** True if stepping onto cell `index` loses the episode (lava; tasks may add cells). Planners avoid it. */
  losesOnEnter(index: number): boolean {
    return (this.grid.cells[index] & 0xff) === T.lava;
  }

  /** True if the `done` action can win this task (GoTo tasks). Planners only try it then. */
  get doneMatters(): boolean {
    return false;
  }

  /** A task's own reward and termination on top of the shared mechanics. */
  protected afterStep(_action: number, reward: number): number {
    return reward;
  }

  // ── observation ──────────────────────────────────────────────────────────
  observe(obs: Float32Array, offset: number): void {
    if (this.fullObs) this.observeFull(obs, offset);
    else this.observeView(obs, offset);
    if (this.missionSize > 0) this.writeMission(obs, offset + this.observationSpace.size - this.missionSize);
  }

  /** Writes the task's mission code (tasks with `missionSize` > 0). */
  protected writeMission(_obs: Float32Array, _offset: number): void {}

  private observeView(obs: Float32Array, offset: number): void {
    this.view.write(this.grid, this.agentIndex, this.agentDir, this.carrying, obs, offset);
  }

  private observeFull(obs: Float32Array, offset: number): void {
    writeFullGrid(this.grid, this.agentIndex, this.agentDir, obs, offset);
  }

  render(): string {
    return renderGrid(this);
  }

  override info(): Record<string, unknown> {
    return { mission: this.mission };
  }

  // ── snapshots (for planners and tabular models) ───────────────────────────
  snapshot(): GridSnapshot {
    return {
      cells: this.grid.cells.slice(),
      contents: this.grid.contents.slice(),
      agentIndex: this.agentIndex,
      agentDir: this.agentDir,
      carrying: this.carrying,
      carryingContents: this.carryingContents,
      stepCount: this.stepCount,
      terminated: this.terminated,
      truncated: this.truncated,
      rng: this.rng.getState(),
    };
  }

  restore(s: GridSnapshot): void {
    this.grid.cells.set(s.cells);
    this.grid.contents.set(s.contents);
    this.agentIndex = s.agentIndex;
    this.agentDir = s.agentDir;
    this.carrying = s.carrying;
    this.carryingContents = s.carryingContents;
    this.stepCount = s.stepCount;
    this.terminated = s.terminated;
    this.truncated = s.truncated;
    this.rng.setState(s.rng);
  }

  /** A key that identifies the Markov state (grid, agent, carried object), not the time. */
  stateKey(): string {
    const { width, height } = this.grid;
    const parts: number[] = [this.agentIndex, this.agentDir, this.carrying, this.carryingContents];
    for (let y = 0; y < height; y++) {
      const row = this.grid.index(0, y);
      for (let x = 0; x < width; x++) parts.push(this.grid.cells[row + x], this.grid.contents[row + x]);
    }
    return parts.join(",");
  }
}

export interface GridSnapshot {
  cells: Uint32Array;
  contents: Uint32Array;
  agentIndex: number;
  agentDir: number;
  carrying: number;
  carryingContents: number;
  stepCount: number;
  terminated: boolean;
  truncated: boolean;
  rng: [number, number, number, number];
}
