/**
 * ## Description
 * A memory test. The agent starts in a small room (or along the hallway)
 * where it can see a green key or ball; at the end of a long hallway a key
 * and a ball wait in two alcoves. It must walk next to the one that matches
 * what it saw: a task for agents with memory.
 * ## Actions  pickup acts as toggle (as in MiniGrid).
 * ## Rewards  1 − 0.9·(t/T) for reaching the matching object, 0 for the other.
 * ## Termination  reaching either; truncated at T = 5·size².
 * ## Registered  MemoryS7, MemoryS9, MemoryS11, MemoryS13, MemoryS13Random, MemoryS17Random
 */
import { z } from "zod";
import { feature, type Feature } from "../../core.js";
import { defineEnv } from "../../spec.js";
import { GridEnv, GridKwargs } from "../engine.js";
import { agentFeatures } from "../features.js";
import { A, C, WALL, ball, key } from "../objects.js";

export const MemoryKwargs = GridKwargs.extend({
  size: z.number().int().min(7).max(64).default(8).describe("grid width (height is 7)"),
  randomLength: z.boolean().default(false).describe("random hallway length"),
}).strict();

const HEIGHT = 7;

export class Memory extends GridEnv {
  /** Cells whose entry wins or loses this episode. */
  successIndex = -1;
  failureIndex = -1;
  readonly features: readonly Feature<any>[] = [
    ...agentFeatures,
    feature("success.distance", "Manhattan distance to the matching object's alcove", (e: Memory) => manhattan(e, e.successIndex)),
    feature("failure.distance", "Manhattan distance to the other alcove", (e: Memory) => manhattan(e, e.failureIndex)),
  ];

  constructor(readonly kwargs: z.output<typeof MemoryKwargs>) {
    super(kwargs.size, HEIGHT, 5 * kwargs.size * kwargs.size, kwargs);
    this.mission = "go to the matching object at the end of the hallway";
  }

  protected generateGrid(): void {
    const g = this.grid;
    const width = this.kwargs.size;
    const mid = HEIGHT >> 1;
    g.wallRect(0, 0, width, HEIGHT);
    const upper = mid - 2;
    const lower = mid + 2;
    const hallwayEnd = this.kwargs.randomLength ? this.randInt(4, width - 2) : width - 3;
    // The start room.
    for (let x = 1; x < 5; x++) {
      g.set(x, upper, WALL);
      g.set(x, lower, WALL);
    }
    g.set(4, upper + 1, WALL);
    g.set(4, lower - 1, WALL);
    // The horizontal hallway.
    for (let x = 5; x < hallwayEnd; x++) {
      g.set(x, upper + 1, WALL);
      g.set(x, lower - 1, WALL);
    }
    // The vertical hallway at the end, with the two alcoves.
    for (let y = 0; y < HEIGHT; y++) {
      if (y !== mid) g.set(hallwayEnd, y, WALL);
      g.set(hallwayEnd + 2, y, WALL);
    }
    this.setAgent(this.randInt(1, hallwayEnd + 1), mid, 0);
    // The cue in the start room, and the two choices.
    const cueIsKey = this.rng.bernoulli(0.5);
    const makeCue = (isKey: boolean) => (isKey ? key(C.green) : ball(C.green));
    g.set(1, mid - 1, makeCue(cueIsKey));
    const topIsKey = this.rng.bernoulli(0.5);
    const x = hallwayEnd + 1;
    g.set(x, mid - 2, makeCue(topIsKey));
    g.set(x, mid + 2, makeCue(!topIsKey));
    const top = g.index(x, mid - 1);
    const bottom = g.index(x, mid + 1);
    [this.successIndex, this.failureIndex] = cueIsKey === topIsKey ? [top, bottom] : [bottom, top];
  }

  protected override transition(actions: ArrayLike<number>, offset: number): number {
    const action = actions[offset] === A.pickup ? A.toggle : actions[offset];
    this.act(action);
    if (this.agentIndex === this.successIndex) return this.succeed();
    if (this.agentIndex === this.failureIndex) return this.fail();
    return 0;
  }

  override winsOnEnter(index: number): boolean {
    return index === this.successIndex;
  }
  override losesOnEnter(index: number): boolean {
    return index === this.failureIndex;
  }
}

function manhattan(e: GridEnv, index: number): number {
  return Math.abs(e.grid.xOf(index) - e.agentX) + Math.abs(e.grid.yOf(index) - e.agentY);
}

const make = (size: number, randomLength: boolean) =>
  defineEnv({
    id: `MemoryS${size}${randomLength ? "Random" : ""}`,
    family: "grid",
    summary: `${size}×7: remember the cue, go to the matching object${randomLength ? " (random hallway length)" : ""}`,
    alias: `MiniGrid-MemoryS${size}${randomLength ? "Random" : ""}-v0`,
    kwargs: MemoryKwargs,
    preset: { size, randomLength },
    create: (k) => new Memory(k),
  });

export const memoryEnvs = [make(7, false), make(9, false), make(11, false), make(13, false), make(13, true), make(17, true)];
