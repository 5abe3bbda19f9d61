/**
 * ## Description
 * A deceptive maze for exploration studies (after Lehman & Stanley's
 * "Abandoning Objectives", 2011): the goal is straight ahead of the start,
 * but a wall across the room blocks the direct way; the way round starts by
 * walking away from the goal. Following "get closer to the goal" leads into
 * the dead end under the wall.
 * ## Rewards  1 − 0.9·(t/T) on reaching the goal, 0 otherwise.
 * ## Termination  reaching the goal; truncated at T = 4·size².
 * ## Registered  DeceptiveMaze-11x11
 */
import { z } from "zod";
import { defineEnv } from "../../spec.js";
import { GridEnv, GridKwargs } from "../engine.js";
import { agentFeatures, carryingFeatures, goalFeatures } from "../features.js";
import { GOAL, WALL } from "../objects.js";

export const DeceptiveMazeKwargs = GridKwargs.extend({
  size: z.number().int().min(7).max(31).refine((s) => s % 2 === 1, "expected an odd size").default(11),
}).strict();

export class DeceptiveMaze extends GridEnv {
  readonly features = [...agentFeatures, ...carryingFeatures, ...goalFeatures];
  constructor(readonly kwargs: z.output<typeof DeceptiveMazeKwargs>) {
    super(kwargs.size, kwargs.size, 4 * kwargs.size * kwargs.size, kwargs);
    this.mission = "get to the green goal square";
  }
  protected generateGrid(): void {
    const { size } = this.kwargs;
    const g = this.grid;
    const mid = size >> 1;
    g.wallRect(0, 0, size, size);
    // The goal near the top, the agent near the bottom, facing it.
    g.set(mid, 1, GOAL);
    this.setAgent(mid, size - 2, 3);
    // A cup-shaped wall around the agent's side, open at the bottom corners only:
    // a horizontal wall under the goal, and two walls down from its ends.
    const top = 3;
    for (let x = 2; x < size - 2; x++) g.set(x, top, WALL);
    for (let y = top; y < size - 2; y++) {
      g.set(2, y, WALL);
      g.set(size - 3, y, WALL);
    }
  }
}

export const deceptiveMazeEnvs = [
  defineEnv({
    id: "DeceptiveMaze-11x11",
    family: "grid",
    summary: "11×11: the goal is behind a cup-shaped wall; the way round leads away from it first",
    kwargs: DeceptiveMazeKwargs,
    preset: { size: 11 },
    create: (k) => new DeceptiveMaze(k),
  }),
];
