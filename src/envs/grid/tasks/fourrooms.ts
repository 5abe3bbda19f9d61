/**
 * ## Description
 * Four rooms joined by four gaps at random places (Sutton, Precup & Singh,
 * 1999). The agent and the goal start at random cells.
 * ## Rewards  1 − 0.9·(t/T) on reaching the goal, 0 otherwise.
 * ## Termination  reaching the goal; truncated at T = 100.
 * ## Registered  FourRooms
 */
import { z } from "zod";
import { defineEnv } from "../../spec.js";
import { GridEnv, GridKwargs } from "../engine.js";
import { agentFeatures, carryingFeatures, goalFeatures } from "../features.js";
import { EMPTY, GOAL } from "../objects.js";

export const FourRoomsKwargs = GridKwargs.extend({
  size: z.number().int().min(7).max(64).default(19).describe("side of the grid, walls included"),
}).strict();

export class FourRooms extends GridEnv {
  readonly features = [...agentFeatures, ...carryingFeatures, ...goalFeatures];
  constructor(readonly kwargs: z.output<typeof FourRoomsKwargs>) {
    super(kwargs.size, kwargs.size, 100, kwargs);
    this.mission = "reach the goal";
  }
  protected generateGrid(): void {
    const g = this.grid;
    const { width, height } = g;
    g.wallRect(0, 0, width, height);
    const roomW = Math.floor(width / 2);
    const roomH = Math.floor(height / 2);
    for (let j = 0; j < 2; j++) {
      for (let i = 0; i < 2; i++) {
        const xL = i * roomW;
        const yT = j * roomH;
        const xR = xL + roomW;
        const yB = yT + roomH;
        // The wall on the room's right, with a gap at a random row.
        if (i + 1 < 2) {
          g.vertWall(xR, yT, roomH);
          g.set(xR, this.randInt(yT + 1, yB), EMPTY);
        }
        // The wall below the room, with a gap at a random column.
        if (j + 1 < 2) {
          g.horzWall(xL, yB, roomW);
          g.set(this.randInt(xL + 1, xR), yB, EMPTY);
        }
      }
    }
    this.placeAgent();
    this.placeObj(GOAL);
  }
}

export const fourRoomsEnvs = [
  defineEnv({
    id: "FourRooms",
    family: "grid",
    summary: "four rooms joined by gaps; random start and goal",
    alias: "MiniGrid-FourRooms-v0",
    kwargs: FourRoomsKwargs,
    create: (k) => new FourRooms(k),
  }),
];
