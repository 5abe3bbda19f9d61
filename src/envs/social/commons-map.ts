/**
 * The commons-harvest map: an ASCII picture parsed once into flat arrays over
 * a grid padded with walls, so every look around a cell (the view, the beam,
 * the regrowth neighbourhood) is one add and one load with no bounds checks.
 *
 * Legend: `W` wall, `A` an apple's cell (it starts with an apple and only
 * there can one regrow), `P` a spawn point, `R` river (open ground that
 * pollution covers, in the clean-up game), a space or `.` open ground.
 */
import { UserError } from "../../core/errors.js";

/**
 * Four diamond patches of 13 apples (too far apart to reseed each other), a
 * pillar in the middle, eight spawn points; 20 × 14 cells with the border.
 */
export const DEFAULT_MAP: readonly string[] = [
  "WWWWWWWWWWWWWWWWWWWW",
  "W   A    P     A   W",
  "W  AAA        AAA  W",
  "W AAAAA      AAAAA W",
  "W  AAA        AAA  W",
  "W   A          A   W",
  "W P  P   WW   P  P W",
  "W   P    WW    P   W",
  "W   A          A   W",
  "W  AAA        AAA  W",
  "W AAAAA      AAAAA W",
  "W  AAA        AAA  W",
  "W   A     P    A   W",
  "WWWWWWWWWWWWWWWWWWWW",
];

/** Squared radius of the regrowth neighbourhood: the cells within Euclidean distance 2 (12 besides the centre). */
const RADIUS2 = 4;

export class CommonsMap {
  readonly width: number;
  readonly height: number;
  /** Wall cells added on every side (the view reaches this far). */
  readonly pad: number;
  /** Row length of the padded grid: cell (x, y) of the map is index (y + pad)·stride + x + pad. */
  readonly stride: number;
  readonly cells: number;
  /** 1 on walls, the padding included. */
  readonly wall: Uint8Array;
  /** Indices of the apple cells, in reading order. */
  readonly appleCells: Int32Array;
  /** Indices of the spawn points, in reading order. */
  readonly spawnCells: Int32Array;
  /** Indices of the river cells, in reading order. */
  readonly riverCells: Int32Array;
  /** Index offsets of the regrowth neighbourhood (the cells within distance 2, the centre left out). */
  readonly near: Int32Array;
  /**
   * Per cell, the patch of its apple cell (−1 elsewhere). A patch is a set of
   * apple cells linked through neighbourhoods: once a patch has no apple, no
   * cell of it can ever regrow.
   */
  readonly patchOf: Int16Array;
  readonly patches: number;

  constructor(rows: readonly string[], pad: number, path = "env.kwargs.map") {
    if (rows.length === 0) throw new UserError(path, "expected at least one row");
    this.width = rows[0].length;
    this.height = rows.length;
    rows.forEach((row, y) => {
      if (row.length !== this.width) throw new UserError(`${path}[${y}]`, `expected ${this.width} characters like the first row, got ${row.length}`);
      const bad = [...row].find((ch) => !"WAPR .".includes(ch));
      if (bad !== undefined) throw new UserError(`${path}[${y}]`, `unknown cell ${JSON.stringify(bad)}; the legend is W wall, A apple, P spawn point, R river, space or . ground`);
    });
    this.pad = Math.max(pad, 2);
    this.stride = this.width + 2 * this.pad;
    this.cells = this.stride * (this.height + 2 * this.pad);
    this.wall = new Uint8Array(this.cells).fill(1);
    const apples: number[] = [];
    const spawns: number[] = [];
    const river: number[] = [];
    for (let y = 0; y < this.height; y++) {
      for (let x = 0; x < this.width; x++) {
        const i = this.index(x, y);
        const ch = rows[y][x];
        if (ch !== "W") this.wall[i] = 0;
        if (ch === "A") apples.push(i);
        if (ch === "P") spawns.push(i);
        if (ch === "R") river.push(i);
      }
    }
    if (apples.length === 0) throw new UserError(path, "expected at least one apple cell (A)");
    if (spawns.length === 0) throw new UserError(path, "expected at least one spawn point (P)");
    this.appleCells = Int32Array.from(apples);
    this.spawnCells = Int32Array.from(spawns);
    this.riverCells = Int32Array.from(river);
    const near: number[] = [];
    for (let dy = -2; dy <= 2; dy++) for (let dx = -2; dx <= 2; dx++) if ((dx || dy) && dx * dx + dy * dy <= RADIUS2) near.push(dy * this.stride + dx);
    this.near = Int32Array.from(near);
    this.patchOf = new Int16Array(this.cells).fill(-1);
    let patches = 0;
    for (const start of apples) {
      if (this.patchOf[start] >= 0) continue;
      const stack = [start];
      this.patchOf[start] = patches;
      while (stack.length > 0) {
        const i = stack.pop()!;
        for (const d of near) {
          const k = i + d;
          if (this.patchOf[k] < 0 && apples.includes(k)) {
            this.patchOf[k] = patches;
            stack.push(k);
          }
        }
      }
      patches++;
    }
    this.patches = patches;
  }

  index(x: number, y: number): number {
    return (y + this.pad) * this.stride + x + this.pad;
  }

  x(i: number): number {
    return (i % this.stride) - this.pad;
  }

  y(i: number): number {
    return Math.floor(i / this.stride) - this.pad;
  }
}
