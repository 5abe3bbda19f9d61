/**
 * ## Description
 * Rivers of lava (LavaCrossing) or walls (SimpleCrossing) cross the room
 * horizontally and vertically, each with one opening; the openings form one
 * path from the agent (top-left, facing east) to the goal (bottom-right).
 * ## Rewards  1 − 0.9·(t/T) on reaching the goal, 0 otherwise.
 * ## Termination  reaching the goal or entering lava; truncated at T = 4·size².
 * ## Registered  LavaCrossingS9N1, S9N2, S9N3, S11N5; SimpleCrossingS9N1, S9N2, S9N3, S11N5
 */
import { z } from "zod";
import { defineEnv } from "../../spec.js";
import { GridEnv, GridKwargs } from "../engine.js";
import { agentFeatures, carryingFeatures, goalFeatures, lavaFeatures } from "../features.js";
import { EMPTY, GOAL, LAVA, WALL } from "../objects.js";

export const CrossingKwargs = GridKwargs.extend({
  size: z.number().int().min(5).max(63).refine((s) => s % 2 === 1, "expected an odd size").default(9).describe("side of the room (odd)"),
  crossings: z.number().int().min(1).default(1).describe("number of rivers"),
  obstacle: z.enum(["lava", "wall"]).default("lava").describe("what the rivers are made of"),
}).strict();

export class Crossing extends GridEnv {
  readonly features: GridEnv["features"];
  constructor(readonly kwargs: z.output<typeof CrossingKwargs>) {
    super(kwargs.size, kwargs.size, 4 * kwargs.size * kwargs.size, kwargs);
    this.features = [...agentFeatures, ...carryingFeatures, ...goalFeatures, ...(kwargs.obstacle === "lava" ? lavaFeatures : [])];
    this.mission = kwargs.obstacle === "lava" ? "avoid the lava and get to the green goal square" : "find the opening and get to the green goal square";
  }
  protected generateGrid(): void {
    const { size, crossings, obstacle } = this.kwargs;
    const g = this.grid;
    const block = obstacle === "lava" ? LAVA : WALL;
    g.wallRect(0, 0, size, size);
    this.setAgent(1, 1, 0);
    g.set(size - 2, size - 2, GOAL);
    // Candidate rivers on every other line; keep a random `crossings` of them.
    const rivers: ["v" | "h", number][] = [];
    for (let i = 2; i < size - 2; i += 2) rivers.push(["v", i]);
    for (let j = 2; j < size - 2; j += 2) rivers.push(["h", j]);
    this.rng.shuffle(rivers);
    const chosen = rivers.slice(0, crossings);
    const columns = chosen.filter(([d]) => d === "v").map(([, p]) => p).sort((a, b) => a - b);
    const rows = chosen.filter(([d]) => d === "h").map(([, p]) => p).sort((a, b) => a - b);
    for (const y of rows) for (let x = 1; x < size - 1; x++) g.set(x, y, block);
    for (const x of columns) for (let y = 1; y < size - 1; y++) g.set(x, y, block);
    // A random order of "cross a column" and "cross a row" steps is the path;
    // open each river where the path crosses it, within the current room.
    const path: ("v" | "h")[] = [...columns.map(() => "v" as const), ...rows.map(() => "h" as const)];
    this.rng.shuffle(path);
    const xs = [0, ...columns, size - 1];
    const ys = [0, ...rows, size - 1];
    let roomX = 0;
    let roomY = 0;
    for (const step of path) {
      if (step === "v") {
        g.set(xs[roomX + 1], this.randInt(ys[roomY] + 1, ys[roomY + 1]), EMPTY);
        roomX++;
      } else {
        g.set(this.randInt(xs[roomX] + 1, xs[roomX + 1]), ys[roomY + 1], EMPTY);
        roomY++;
      }
    }
  }
}

const make = (obstacle: "lava" | "wall", size: number, crossings: number) => {
  const name = obstacle === "lava" ? "LavaCrossing" : "SimpleCrossing";
  return defineEnv({
    id: `${name}S${size}N${crossings}`,
    family: "grid",
    summary: `${size}×${size}: cross ${crossings} ${obstacle === "lava" ? "lava river" : "wall"}${crossings > 1 ? "s" : ""} through their openings`,
    alias: `MiniGrid-${name}S${size}N${crossings}-v0`,
    kwargs: CrossingKwargs,
    preset: { size, crossings, obstacle },
    create: (k) => new Crossing(k),
  });
};

export const crossingEnvs = (["lava", "wall"] as const).flatMap((o) => [make(o, 9, 1), make(o, 9, 2), make(o, 9, 3), make(o, 11, 5)]);
