/**
 * The agent's egocentric view, as MiniGrid computes it: the viewSize ×
 * viewSize square ahead of the agent, rotated so the agent sits at the
 * bottom centre facing up, cells hidden behind walls and closed doors
 * blanked by MiniGrid's occlusion sweep, the carried object shown in the
 * agent's cell; and the fully observable alternative.
 *
 * Each direction's view cells are read through a precomputed table of grid
 * index offsets: one add and one load per cell, no bounds checks (the grid's
 * wall border is as wide as the view reaches).
 */
import { DIR_X, DIR_Y, EMPTY, S, T, cell } from "./objects.js";
import type { Grid } from "./grid.js";

export class EgocentricView {
  /** Grid index offsets of the view's cells, per direction: view cell k = vx·viewSize + vy. */
  private readonly offsets: Int32Array[];
  private readonly cells: Uint32Array;
  private readonly visible: Uint8Array;

  constructor(
    readonly viewSize: number,
    stride: number,
    readonly seeThroughWalls: boolean,
  ) {
    const vs = viewSize;
    const hs = vs >> 1;
    // View cell (vx, vy) sees the world cell a steps ahead and b to the
    // right: a = vs − 1 − vy, b = vx − hs (MiniGrid's get_view_coords, inverted).
    this.offsets = [0, 1, 2, 3].map((d) => {
      const fx = DIR_X[d];
      const fy = DIR_Y[d];
      const rx = -fy;
      const ry = fx;
      const offsets = new Int32Array(vs * vs);
      for (let vy = 0; vy < vs; vy++) {
        for (let vx = 0; vx < vs; vx++) {
          const a = vs - 1 - vy;
          const b = vx - hs;
          offsets[vx * vs + vy] = a * fx + b * rx + (a * fy + b * ry) * stride;
        }
      }
      return offsets;
    });
    this.cells = new Uint32Array(vs * vs);
    this.visible = new Uint8Array(vs * vs);
    // Offset tables and scratch: nothing a checkpoint needs.
    Object.freeze(this);
  }

  /** Writes the view (MiniGrid's image, [x][y][channel] flattened) at `obs[offset …]`. */
  write(grid: Grid, agentIndex: number, agentDir: number, carrying: number, obs: Float32Array, offset: number): void {
    const vs = this.viewSize;
    const n = vs * vs;
    const cells = grid.cells;
    const view = this.cells;
    const vis = this.visible;
    const offsets = this.offsets[agentDir];
    for (let k = 0; k < n; k++) view[k] = cells[agentIndex + offsets[k]];
    const agentK = (vs >> 1) * vs + vs - 1;
    if (this.seeThroughWalls) vis.fill(1);
    else {
      // MiniGrid's process_vis: sweep rows from the agent's outwards, light
      // spreading sideways and one row further through cells one can see behind.
      vis.fill(0);
      vis[agentK] = 1;
      for (let j = vs - 1; j >= 0; j--) {
        for (let k = j; k < n - vs; k += vs) {
          if (vis[k] === 0 || opaque(view[k])) continue;
          vis[k + vs] = 1;
          if (j > 0) vis[k + vs - 1] = vis[k - 1] = 1;
        }
        for (let k = n - vs + j; k > j; k -= vs) {
          if (vis[k] === 0 || opaque(view[k])) continue;
          vis[k - vs] = 1;
          if (j > 0) vis[k - vs - 1] = vis[k - 1] = 1;
        }
      }
    }
    view[agentK] = carrying !== 0 ? carrying : EMPTY;
    for (let k = 0, o = offset; k < n; k++, o += 3) {
      const c = vis[k] === 1 ? view[k] : 0;
      obs[o] = c & 0xff;
      obs[o + 1] = (c >> 8) & 0xff;
      obs[o + 2] = c >> 16;
    }
  }
}

/** The whole grid with the agent encoded (10, 0, direction) (MiniGrid's FullyObsWrapper). */
export function writeFullGrid(grid: Grid, agentIndex: number, agentDir: number, obs: Float32Array, offset: number): void {
  const { width, height, cells } = grid;
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) {
      const i = grid.index(x, y);
      const o = offset + (x * height + y) * 3;
      const c = i === agentIndex ? cell(T.agent, 0, agentDir) : cells[i];
      obs[o] = c & 0xff;
      obs[o + 1] = (c >> 8) & 0xff;
      obs[o + 2] = (c >> 16) & 0xff;
    }
  }
}

/** Sight stops at walls and at doors that are not open (the negation of `seeBehind`). */
function opaque(c: number): boolean {
  const t = c & 0xff;
  return t === T.wall || (t === T.door && c >> 16 !== S.open);
}
