/**
 * Goals (XLand-MiniGrid's): the condition that ends an episode with the
 * success reward 1 − 0.9·t/T. Checked after the step's rules fired.
 *
 * - `hold`: after a pickup, the agent holds `tile`;
 * - `near`: after moving forward (a sided goal: also after a drop), `tile` is
 *   next to the agent (on `side`);
 * - `tiles-near`: after dropping `a` or `b`, the other lies next to it (`b` on
 *   `a`'s `side`).
 */
import { A } from "../grid/objects.js";
import { covers, pairedNeighbour, type Side, type StepView } from "./rules.js";
import type { Tile } from "./tiles.js";

export type Goal = { kind: "hold"; tile: Tile } | { kind: "near"; tile: Tile; side: Side } | { kind: "tiles-near"; a: Tile; b: Tile; side: Side };

export const GOAL_KINDS = ["hold", "near", "tiles-near"] as const;

export function goalMet(goal: Goal, cells: Uint32Array, offsets: Int32Array, step: StepView): boolean {
  switch (goal.kind) {
    case "hold":
      return step.action === A.pickup && step.carrying === goal.tile;
    case "near": {
      if (step.action !== A.forward && !(goal.side !== "any" && step.action === A.drop)) return false;
      for (let s = 0; s < 4; s++) if (covers(goal.side, s) && cells[step.agentIndex + offsets[s]] === goal.tile) return true;
      return false;
    }
    case "tiles-near":
      return step.dropped >= 0 && pairedNeighbour(cells, step.dropped, goal.a, goal.b, goal.side, offsets) >= 0;
  }
}
