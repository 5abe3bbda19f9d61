/**
 * Production rules (XLand-MiniGrid, Nikulin et al. 2023; after XLand's,
 * Open-Ended Learning Team 2021): what an action does to the objects besides
 * moving them. Rules are data, applied in order after each action, each
 * seeing what the ones before it did:
 *
 * - `hold`: after a pickup, if the agent holds `tile`, it holds `product` instead;
 * - `near`: after moving forward (a sided rule: also after a drop), every
 *   cell next to the agent (on `side`) holding `tile` becomes `product`;
 * - `tiles-near`: after dropping `a` or `b`, if the other lies next to it
 *   (`b` on `a`'s `side`), the other's cell becomes `product` and the dropped
 *   object disappears.
 *
 * `product` may be `NOTHING`: the object disappears. Sides are the grid's
 * (up is north), not the agent's.
 *
 * Differences from XLand-MiniGrid: `tiles-near` fires only when the drop
 * happened (there, dropping onto an occupied cell that already holds `a` or
 * `b` can fire it), and fires once, on the first matching side in the order
 * up, right, down, left (there, every matching side).
 */
import type { Grid } from "../grid/grid.js";
import { A } from "../grid/objects.js";
import { NOTHING, type Tile } from "./tiles.js";

export const SIDES = ["any", "up", "right", "down", "left"] as const;
export type Side = (typeof SIDES)[number];

export type Rule =
  | { kind: "hold"; tile: Tile; product: Tile }
  | { kind: "near"; tile: Tile; side: Side; product: Tile }
  | { kind: "tiles-near"; a: Tile; b: Tile; side: Side; product: Tile };

export const RULE_KINDS = ["hold", "near", "tiles-near"] as const;

/** Index offsets of up, right, down, left on a grid of `stride`. */
export function sideOffsets(stride: number): Int32Array {
  return Int32Array.of(-stride, 1, stride, -1);
}

/** Whether `side` covers direction s (0 up, 1 right, 2 down, 3 left): every direction for `any`. */
export function covers(side: Side, s: number): boolean {
  return side === "any" || SIDES[s + 1] === side;
}

/** What a rule or goal looks at after one step: the action, the agent, what it holds, where it dropped (−1 if it did not). */
export interface StepView {
  action: number;
  agentIndex: number;
  carrying: number;
  dropped: number;
}

/**
 * Applies `rules` in order after a step; returns how many fired. A hold
 * rule changes `step.carrying` (the caller gives the agent what it holds).
 */
export function applyRules(rules: readonly Rule[], grid: Grid, offsets: Int32Array, step: StepView): number {
  const cells = grid.cells;
  let fired = 0;
  for (const rule of rules) {
    if (rule.kind === "hold") {
      if (step.action === A.pickup && step.carrying === rule.tile && step.carrying !== 0) {
        step.carrying = rule.product;
        fired++;
      }
    } else if (rule.kind === "near") {
      if (step.action !== A.forward && !(rule.side !== "any" && step.action === A.drop)) continue;
      for (let s = 0; s < 4; s++) {
        if (!covers(rule.side, s)) continue;
        const i = step.agentIndex + offsets[s];
        if (cells[i] === rule.tile) {
          grid.set(grid.xOf(i), grid.yOf(i), rule.product);
          fired++;
        }
      }
    } else {
      const p = step.dropped;
      if (p < 0) continue;
      const partner = pairedNeighbour(cells, p, rule.a, rule.b, rule.side, offsets);
      if (partner < 0) continue;
      grid.set(grid.xOf(partner), grid.yOf(partner), rule.product);
      grid.set(grid.xOf(p), grid.yOf(p), NOTHING);
      fired++;
    }
  }
  return fired;
}

/**
 * The index of the cell next to `p` that completes the pair (a, b) with the
 * object at p (`b` on `a`'s `side`), or −1: the first in the order up, right,
 * down, left.
 */
export function pairedNeighbour(cells: Uint32Array, p: number, a: Tile, b: Tile, side: Side, offsets: Int32Array): number {
  const here = cells[p];
  if (here !== a && here !== b) return -1;
  for (let s = 0; s < 4; s++) {
    if (!covers(side, s)) continue;
    const d = offsets[s];
    if (here === a && cells[p + d] === b) return p + d;
    // From b, a lies on the opposite side (on any side when the rule has none).
    const back = side === "any" ? d : -d;
    if (here === b && cells[p + back] === a) return p + back;
  }
  return -1;
}
