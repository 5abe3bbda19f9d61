/**
 * ## Description
 * A wall splits the room; its door is locked. Pick up the key, unlock the
 * door, reach the goal in the bottom-right corner. The classic sparse-reward
 * task: random exploration almost never finishes it on large grids.
 * ## Rewards  1 − 0.9·(t/T) on reaching the goal, 0 otherwise.
 * ## Termination  reaching the goal; truncated at T = 10·size².
 * ## Registered  DoorKey-5x5, DoorKey-6x6, DoorKey-8x8, DoorKey-16x16
 */
import { z } from "zod";
import { defineEnv } from "../../spec.js";
import { GridEnv, GridKwargs } from "../engine.js";
import { agentFeatures, carryingFeatures, doorFeatures, goalFeatures, keyFeatures } from "../features.js";
import { C, GOAL, S, door, key } from "../objects.js";

export const DoorKeyKwargs = GridKwargs.extend({
  size: z.number().int().min(5).max(64).default(8).describe("side of the room, walls included"),
}).strict();

export class DoorKey extends GridEnv {
  readonly features = [...agentFeatures, ...carryingFeatures, ...goalFeatures, ...keyFeatures, ...doorFeatures];
  constructor(readonly kwargs: z.output<typeof DoorKeyKwargs>) {
    super(kwargs.size, kwargs.size, 10 * kwargs.size * kwargs.size, kwargs);
    this.mission = "use the key to open the door and then get to the goal";
  }
  protected generateGrid(): void {
    const { size } = this.kwargs;
    const g = this.grid;
    g.wallRect(0, 0, size, size);
    // Goal in the bottom-right corner.
    g.set(size - 2, size - 2, GOAL);
    // A vertical wall splits the room at a random column.
    const splitX = this.randInt(2, size - 2);
    g.vertWall(splitX, 0);
    // The agent starts left of the wall.
    this.placeAgent([0, 0], [splitX, size]);
    // A locked yellow door at a random row of the wall.
    const doorY = this.randInt(1, size - 2);
    g.set(splitX, doorY, door(C.yellow, S.locked));
    // The key somewhere left of the wall.
    this.placeObj(key(C.yellow), [0, 0], [splitX, size]);
  }
}

const make = (size: number) =>
  defineEnv({
    id: `DoorKey-${size}x${size}`,
    family: "grid",
    summary: `${size}×${size}: pick up the key, unlock the door, reach the goal`,
    alias: `MiniGrid-DoorKey-${size}x${size}-v0`,
    kwargs: DoorKeyKwargs,
    preset: { size },
    create: (k) => new DoorKey(k),
  });

export const doorKeyEnvs = [make(5), make(6), make(8), make(16)];
