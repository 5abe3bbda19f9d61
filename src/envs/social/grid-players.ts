/**
 * What the competitive gridworld games share: agents on a grid of
 * `width` × `height` cells with obstacles, one agent per cell, moving at once
 * (stay, north, east, south, west) in a random order so that a cell taken
 * first blocks the others, and a look at the 8 cells around.
 */
import { MultiAgentCore } from "../multi/core.js";

export const [STAY, NORTH, EAST, SOUTH, WEST] = [0, 1, 2, 3, 4];
export const DX = [0, 0, 1, 0, -1];
export const DY = [0, -1, 0, 1, 0];
/** The 8 cells around an agent, row by row. */
const AROUND: readonly [number, number][] = [[-1, -1], [0, -1], [1, -1], [-1, 0], [1, 0], [-1, 1], [0, 1], [1, 1]];

export interface GridOptions {
  width: number;
  height: number;
  /** Obstacle cells, as [x, y] pairs inside the grid. */
  obstacles: readonly (readonly [number, number])[];
}

export abstract class GridPlayers extends MultiAgentCore {
  readonly x: Int32Array;
  readonly y: Int32Array;
  /** Per cell (y·width + x): 1 for an obstacle. */
  readonly blocked: Uint8Array;
  /** Per cell: the agent on it, or −1. */
  readonly claimed: Int32Array;
  private readonly order: Int32Array;
  override readonly board: { width: number; height: number };

  constructor(
    players: number,
    readonly grid: GridOptions,
  ) {
    super(players);
    this.board = { width: grid.width, height: grid.height };
    this.x = new Int32Array(players);
    this.y = new Int32Array(players);
    this.blocked = new Uint8Array(grid.width * grid.height);
    for (const [ox, oy] of grid.obstacles) this.blocked[oy * grid.width + ox] = 1;
    this.claimed = new Int32Array(grid.width * grid.height).fill(-1);
    this.order = new Int32Array(players);
  }

  override cellOf(j: number): number {
    return this.y[j] * this.grid.width + this.x[j];
  }

  /** Whether (x, y) is off the grid or an obstacle. */
  wall(x: number, y: number): boolean {
    const { width, height } = this.grid;
    return x < 0 || y < 0 || x >= width || y >= height || this.blocked[y * width + x] === 1;
  }

  /** Grid distance |dx| + |dy| between agents j and k. */
  distance(j: number, k: number): number {
    return Math.abs(this.x[j] - this.x[k]) + Math.abs(this.y[j] - this.y[k]);
  }

  /** Moves agent j to (x, y) (free, not a wall), releasing its old cell. */
  moveTo(j: number, x: number, y: number): void {
    const w = this.grid.width;
    if (this.claimed[this.y[j] * w + this.x[j]] === j) this.claimed[this.y[j] * w + this.x[j]] = -1;
    this.x[j] = x;
    this.y[j] = y;
    this.claimed[y * w + x] = j;
  }

  /** Puts agent j on a random free cell with x in [fromX, toX). */
  place(j: number, fromX = 0, toX = this.grid.width): void {
    const { width, height } = this.grid;
    for (;;) {
      const x = fromX + this.rng.int(toX - fromX);
      const y = this.rng.int(height);
      if (this.wall(x, y) || this.claimed[y * width + x] >= 0) continue;
      this.moveTo(j, x, y);
      return;
    }
  }

  /** Forgets every agent's cell (before placing them anew). */
  protected clearCells(): void {
    this.claimed.fill(-1);
  }

  /** Every agent's move at once, in a random order; raises `bump` (its bit) on failed moves. */
  protected moveAll(actions: ArrayLike<number>, offset: number, bump: number): void {
    const N = this.numAgents;
    const { width } = this.grid;
    const { order, claimed } = this;
    for (let j = 0; j < N; j++) order[j] = j;
    this.rng.shuffle(order);
    for (const j of order) {
      const a = actions[offset + j];
      if (a === STAY || !this.canMove(j)) continue;
      const nx = this.x[j] + DX[a];
      const ny = this.y[j] + DY[a];
      if (this.wall(nx, ny) || claimed[ny * width + nx] >= 0) {
        this.eventMasks[j] |= bump;
        continue;
      }
      this.moveTo(j, nx, ny);
    }
  }

  /** Whether agent j may move this step (all may, unless a game says otherwise). */
  protected canMove(_j: number): boolean {
    return true;
  }

  /** The grid as text, one character per cell from `cell(x, y, who)` (who: the agent there, or −1), then `footer`. */
  protected renderCells(cell: (x: number, y: number, who: number) => string, footer: string): string {
    const { width, height } = this.grid;
    const lines: string[] = [];
    for (let y = 0; y < height; y++) {
      let line = "";
      for (let x = 0; x < width; x++) line += cell(x, y, this.claimed[y * width + x]);
      lines.push(line);
    }
    lines.push(footer);
    return lines.join("\n");
  }

  /** Writes the 8 cells around agent j (1: wall or obstacle) at obs[o…o+8); returns o + 8. */
  protected observeAround(j: number, obs: Float32Array, o: number): number {
    for (const [dx, dy] of AROUND) obs[o++] = this.wall(this.x[j] + dx, this.y[j] + dy) ? 1 : 0;
    return o;
  }
}
