/**
 * Scripted co-players for the universe's games: fixed rules that take the
 * seats a learner does not, so a task can name who the learner plays with
 * and a held-out task can hold out its co-players.
 *
 * - `still` stays where it is;
 * - `random` moves uniformly at random;
 * - `chase` steps to the free cell nearest to its nearest opponent (grid
 *   distance), `flee` to the one farthest from it (ties broken at random).
 *
 * With probability ε a co-player moves at random instead: the same rule at
 * a lower skill is another co-player.
 */
import type { Rng } from "../../core/rng.js";
import { DX, DY, STAY, type GridPlayers } from "../social/grid-players.js";

export const CO_PLAYER_KINDS = ["still", "random", "chase", "flee"] as const;
export type CoPlayerKind = (typeof CO_PLAYER_KINDS)[number];

export interface CoPlayer {
  kind: CoPlayerKind;
  /** ε: the chance of a uniformly random move instead of the rule's. */
  epsilon: number;
}

/** A co-player's name, as tasks print it: `chase`, `chase@0.25`. */
export function coPlayerName(p: CoPlayer): string {
  return p.epsilon > 0 && p.kind !== "random" ? `${p.kind}@${p.epsilon}` : p.kind;
}

/**
 * Agent j's move under `player` in `game`, where `opponent(j, k)` says
 * whether agent k plays against agent j.
 */
export function coPlayerAction(game: GridPlayers, j: number, player: CoPlayer, opponent: (j: number, k: number) => boolean, rng: Rng): number {
  if (player.kind === "random" || (player.epsilon > 0 && rng.float() < player.epsilon)) return rng.int(5);
  if (player.kind === "still") return STAY;
  const sign = player.kind === "chase" ? 1 : -1;
  // Moves in a random rotation, so equally good ones are chosen evenly.
  const first = rng.int(5);
  let best = STAY;
  let bestCost = Infinity;
  for (let i = 0; i < 5; i++) {
    const a = (first + i) % 5;
    const x = game.x[j] + DX[a];
    const y = game.y[j] + DY[a];
    if (a !== STAY && game.wall(x, y)) continue;
    const cost = sign * nearestOpponent(game, j, opponent, x, y);
    if (cost < bestCost) [best, bestCost] = [a, cost];
  }
  return best;
}

/** Grid distance from (x, y) (agent j's cell by default) to the nearest agent playing against j; ∞ without one. */
export function nearestOpponent(game: GridPlayers, j: number, opponent: (j: number, k: number) => boolean, x = game.x[j], y = game.y[j]): number {
  let nearest = Infinity;
  for (let k = 0; k < game.numAgents; k++) if (k !== j && opponent(j, k)) nearest = Math.min(nearest, Math.abs(game.x[k] - x) + Math.abs(game.y[k] - y));
  return nearest;
}
