/**
 * Named features of gridworld states. Tasks pick the lists that make sense
 * for them (a goal's distance only where there is a goal). Each is computed
 * only when a reward asks for it.
 */
import { feature, type Feature } from "../core.js";
import type { GridEnv } from "./engine.js";
import { canOverlap, DIR_X, DIR_Y, S, T, stateOf, typeOf } from "./objects.js";

type F = Feature<GridEnv>;

export const agentFeatures: F[] = [
  feature("agent.x", "agent column (0 = left wall)", (e: GridEnv) => e.agentX),
  feature("agent.y", "agent row (0 = top wall)", (e: GridEnv) => e.agentY),
  feature("agent.dir", "agent direction: 0 east, 1 south, 2 west, 3 north", (e: GridEnv) => e.agentDir),
  feature("front.type", "object type index of the cell in front (MiniGrid encoding)", (e: GridEnv) => typeOf(e.grid.cells[e.frontIndex])),
  feature("t", "steps taken this episode", (e: GridEnv) => e.stepCount),
  // Rangefinders, the sensors of Lehman & Stanley's maze robot: with them a
  // small policy can follow walls wherever it is, not only where it was trained.
  feature("range.front", "cells the agent could walk into straight ahead before an obstacle", (e: GridEnv) => rangefinder(e, 0)),
  feature("range.right", "cells the agent could walk into to its right before an obstacle", (e: GridEnv) => rangefinder(e, 1)),
  feature("range.left", "cells the agent could walk into to its left before an obstacle", (e: GridEnv) => rangefinder(e, 3)),
];

/** Free cells in direction (agent's direction + turn) before the first cell the agent cannot stand on. */
export function rangefinder(e: GridEnv, turn: number): number {
  const offset = e.dirOffset[(e.agentDir + turn) & 3];
  const cells = e.grid.cells;
  let i = e.agentIndex + offset;
  let n = 0;
  // The outer wall stops every ray, so the loop ends inside the grid.
  while (canOverlap(cells[i])) {
    n++;
    i += offset;
  }
  return n;
}

/** The goal's offset from the agent along its direction turned by `turn` (the goal radar); 0 with no goal. */
function goalOffset(e: GridEnv, turn: number): number {
  const g = e.goalIndex;
  if (g < 0) return 0;
  const d = (e.agentDir + turn) & 3;
  // `| 0`: integer offsets, and no −0 from a zero component times −1.
  return ((e.grid.xOf(g) - e.agentX) * DIR_X[d] + (e.grid.yOf(g) - e.agentY) * DIR_Y[d]) | 0;
}

export const carryingFeatures: F[] = [
  feature("carrying", "1 if the agent carries anything", (e: GridEnv) => (e.carrying !== 0 ? 1 : 0)),
  feature("carrying.key", "1 if the agent carries a key", (e: GridEnv) => (e.carrying !== 0 && typeOf(e.carrying) === T.key ? 1 : 0)),
  feature("carrying.ball", "1 if the agent carries a ball", (e: GridEnv) => (e.carrying !== 0 && typeOf(e.carrying) === T.ball ? 1 : 0)),
  feature("carrying.box", "1 if the agent carries a box", (e: GridEnv) => (e.carrying !== 0 && typeOf(e.carrying) === T.box ? 1 : 0)),
];

/** Manhattan distance from the agent to the nearest cell matching `match`; −1 if there is none. */
export function distanceWhere(e: GridEnv, match: (c: number) => boolean): number {
  const { grid } = e;
  const ax = e.agentX;
  const ay = e.agentY;
  let best = -1;
  for (let y = 0; y < grid.height; y++) {
    const row = grid.index(0, y);
    for (let x = 0; x < grid.width; x++) {
      if (!match(grid.cells[row + x])) continue;
      const d = Math.abs(x - ax) + Math.abs(y - ay);
      if (best < 0 || d < best) best = d;
    }
  }
  return best;
}

/** Manhattan distance from the agent to the nearest cell of `type`; −1 if there is none. */
export function distanceTo(e: GridEnv, type: number): number {
  return distanceWhere(e, (c) => (c & 0xff) === type);
}

function countDoors(e: GridEnv, state: number): number {
  const { grid } = e;
  let n = 0;
  for (let y = 0; y < grid.height; y++) {
    const row = grid.index(0, y);
    for (let x = 0; x < grid.width; x++) {
      const c = grid.cells[row + x];
      if (typeOf(c) === T.door && stateOf(c) === state) n++;
    }
  }
  return n;
}

export const goalFeatures: F[] = [
  feature("goal.distance", "Manhattan distance from the agent to the goal (0 on it)", (e: GridEnv) => {
    // Goals never move: the engine finds the goal once per episode.
    const g = e.goalIndex;
    if (g < 0) return 0;
    return Math.abs(e.grid.xOf(g) - e.agentX) + Math.abs(e.grid.yOf(g) - e.agentY);
  }),
  feature("goal.ahead", "how many cells the goal is ahead of the agent (negative: behind)", (e: GridEnv) => goalOffset(e, 0)),
  feature("goal.right", "how many cells the goal is to the agent's right (negative: left)", (e: GridEnv) => goalOffset(e, 1)),
];

export const doorFeatures: F[] = [
  feature("door.open", "1 if any door is open", (e: GridEnv) => (countDoors(e, S.open) > 0 ? 1 : 0)),
  feature("door.locked", "1 if any door is still locked", (e: GridEnv) => (countDoors(e, S.locked) > 0 ? 1 : 0)),
  feature("doors.open", "number of open doors", (e: GridEnv) => countDoors(e, S.open)),
];

export const keyFeatures: F[] = [
  feature("key.distance", "Manhattan distance from the agent to the nearest key (0 when carrying one)", (e: GridEnv) => {
    if (e.carrying !== 0 && typeOf(e.carrying) === T.key) return 0;
    const d = distanceTo(e, T.key);
    return d < 0 ? 0 : d;
  }),
];

export const lavaFeatures: F[] = [
  feature("lava.ahead", "1 if the cell in front is lava", (e: GridEnv) => (typeOf(e.grid.cells[e.frontIndex]) === T.lava ? 1 : 0)),
  feature("lava.distance", "Manhattan distance from the agent to the nearest lava", (e: GridEnv) => Math.max(0, distanceTo(e, T.lava))),
];
