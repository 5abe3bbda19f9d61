/**
 * ## Description
 * An empty room; the goal is in the bottom-right corner. With `randomStart`
 * the agent starts anywhere, facing anywhere; otherwise at (1, 1) facing east.
 * A sanity check and a test of exploration on sparse rewards.
 * ## Rewards  1 − 0.9·(t/T) on reaching the goal, 0 otherwise.
 * ## Termination  reaching the goal; truncated at T = 4·size².
 * ## Registered  Empty-5x5, Empty-Random-5x5, Empty-6x6, Empty-Random-6x6, Empty-8x8, Empty-16x16
 */
import { z } from "zod";
import { defineEnv } from "../../spec.js";
import { GridEnv, GridKwargs } from "../engine.js";
import { agentFeatures, carryingFeatures, goalFeatures } from "../features.js";
import { GOAL } from "../objects.js";

export const EmptyKwargs = GridKwargs.extend({
  size: z.number().int().min(3).max(64).default(8).describe("side of the room, walls included"),
  randomStart: z.boolean().default(false).describe("start at a random cell and direction"),
}).strict();

export class Empty extends GridEnv {
  readonly features = [...agentFeatures, ...carryingFeatures, ...goalFeatures];
  constructor(readonly kwargs: z.output<typeof EmptyKwargs>) {
    super(kwargs.size, kwargs.size, 4 * kwargs.size * kwargs.size, kwargs);
    this.mission = "get to the green goal square";
  }
  protected generateGrid(): void {
    const { size, randomStart } = this.kwargs;
    this.grid.wallRect(0, 0, size, size);
    this.grid.set(size - 2, size - 2, GOAL);
    if (randomStart) this.placeAgent();
    else this.setAgent(1, 1, 0);
  }
}

const make = (id: string, size: number, randomStart = false) =>
  defineEnv({
    id,
    family: "grid",
    summary: `empty ${size}×${size} room, goal in the far corner${randomStart ? ", random start" : ""}`,
    alias: `MiniGrid-${id}-v0`,
    kwargs: EmptyKwargs,
    preset: { size, randomStart },
    create: (k) => new Empty(k),
  });

export const emptyEnvs = [
  make("Empty-5x5", 5),
  make("Empty-Random-5x5", 5, true),
  make("Empty-6x6", 6),
  make("Empty-Random-6x6", 6, true),
  make("Empty-8x8", 8),
  make("Empty-16x16", 16),
];
