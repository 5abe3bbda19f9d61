/** Test helpers for the room tasks (not part of the public API). */
import type { GridEnv } from "../engine.js";
import { DIR_X, DIR_Y, EMPTY } from "../objects.js";

/** Every cell (x, y) whose packed value satisfies `match`, row by row. */
export function cellsWhere(core: GridEnv, match: (c: number) => boolean): [number, number][] {
  const out: [number, number][] = [];
  for (let y = 0; y < core.grid.height; y++) for (let x = 0; x < core.grid.width; x++) if (match(core.grid.get(x, y))) out.push([x, y]);
  return out;
}

/** Puts the agent on an empty cell next to (x, y), facing it. */
export function faceCell(core: GridEnv, x: number, y: number): void {
  for (let d = 0; d < 4; d++) {
    const [ax, ay] = [x - DIR_X[d], y - DIR_Y[d]];
    if (core.grid.inside(ax, ay) && core.grid.get(ax, ay) === EMPTY) {
      core.setAgent(ax, ay, d);
      return;
    }
  }
  throw new Error(`no empty cell next to (${x}, ${y})`);
}
