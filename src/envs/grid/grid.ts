/**
 * The grid: packed cells (see objects.ts) in one Uint32Array, surrounded by
 * a border of walls `pad` cells wide. The border makes every cell of the
 * agent's view readable with one add and no bounds check, and reads as walls
 * exactly as MiniGrid shows out-of-grid cells.
 */
import { EMPTY, WALL } from "./objects.js";

export class Grid {
  readonly stride: number;
  readonly cells: Uint32Array;
  /** What a box holds (a packed cell; 0 for nothing), at the box's index. */
  readonly contents: Uint32Array;

  constructor(
    readonly width: number,
    readonly height: number,
    readonly pad: number,
  ) {
    this.stride = width + 2 * pad;
    this.cells = new Uint32Array(this.stride * (height + 2 * pad));
    this.contents = new Uint32Array(this.cells.length);
    this.clear();
  }

  /** Empties the grid: walls in the border, empty cells inside. */
  clear(): void {
    this.cells.fill(WALL);
    this.contents.fill(0);
    for (let y = 0; y < this.height; y++) this.cells.fill(EMPTY, this.index(0, y), this.index(this.width, y));
  }

  index(x: number, y: number): number {
    return (y + this.pad) * this.stride + x + this.pad;
  }
  xOf(index: number): number {
    return (index % this.stride) - this.pad;
  }
  yOf(index: number): number {
    return Math.floor(index / this.stride) - this.pad;
  }
  inside(x: number, y: number): boolean {
    return x >= 0 && y >= 0 && x < this.width && y < this.height;
  }

  get(x: number, y: number): number {
    return this.cells[this.index(x, y)];
  }
  set(x: number, y: number, c: number, contents = 0): void {
    const i = this.index(x, y);
    this.cells[i] = c;
    this.contents[i] = contents;
  }

  /** A horizontal run of `c` from (x, y), `length` long (to the right edge by default). */
  horzWall(x: number, y: number, length = this.width - x, c = WALL): void {
    for (let i = 0; i < length; i++) this.set(x + i, y, c);
  }
  /** A vertical run of `c` from (x, y), `length` long (to the bottom edge by default). */
  vertWall(x: number, y: number, length = this.height - y, c = WALL): void {
    for (let j = 0; j < length; j++) this.set(x, y + j, c);
  }
  /** The outline of a w × h rectangle with its top-left corner at (x, y). */
  wallRect(x: number, y: number, w: number, h: number): void {
    this.horzWall(x, y, w);
    this.horzWall(x, y + h - 1, w);
    this.vertWall(x, y, h);
    this.vertWall(x + w - 1, y, h);
  }
}
