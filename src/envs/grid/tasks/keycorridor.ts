/**
 * ## Description
 * Three columns of rooms. The middle column is one long hallway; the other
 * rooms open onto it, or onto each other, through closed doors. One room of
 * the right column is locked, and holds a ball. The key (the door's color)
 * lies in a random room of the left column, and nothing says which: the
 * agent must explore, fetch the key, unlock the door and pick up the ball.
 * Sizes grow from S3R1 to S6R3 for curricula.
 * ## Mission  "pick up the {color} ball"
 * ## Rewards  1 − 0.9·(t/T) on picking up the ball, 0 otherwise.
 * ## Termination  picking up the ball; truncated at T = 30·roomSize².
 * ## Registered  KeyCorridorS3R1, S3R2, S3R3, S4R3, S5R3, S6R3 (S: room size, R: rows)
 */
import { z } from "zod";
import { defineEnv } from "../../spec.js";
import { GridKwargs } from "../engine.js";
import { agentFeatures, carryingFeatures, doorFeatures, keyFeatures } from "../features.js";
import { COLOR_NAMES, colorOf } from "../objects.js";
import { WALL_IDX } from "../roomgrid.js";
import { PickupTask, lockedDoorFeatures, targetFeatures } from "./pickup-target.js";

export const KeyCorridorKwargs = GridKwargs.extend({
  roomSize: z.number().int().min(3).max(16).default(6).describe("side of each room, walls included"),
  numRows: z.number().int().min(1).max(8).default(3).describe("rows of rooms"),
}).strict();

export class KeyCorridor extends PickupTask {
  readonly features = [...agentFeatures, ...carryingFeatures, ...keyFeatures, ...doorFeatures, ...lockedDoorFeatures, ...targetFeatures];

  constructor(readonly kwargs: z.output<typeof KeyCorridorKwargs>) {
    const { roomSize, numRows } = kwargs;
    super({ roomSize, numRows, numCols: 3 }, 30 * roomSize * roomSize, kwargs);
  }

  protected generateTask(): void {
    // The middle column becomes one hallway.
    for (let j = 1; j < this.numRows; j++) this.removeWall(1, j, WALL_IDX.up);
    // A locked door on the left wall of a random right-column room, the ball behind it.
    const lockedRow = this.randInt(0, this.numRows);
    const locked = this.addDoor(2, lockedRow, WALL_IDX.left, undefined, true);
    const { obj } = this.addObject(2, lockedRow, "ball");
    // Its key in a random left-column room.
    this.addObject(0, this.randInt(0, this.numRows), "key", locked.color);
    // The agent in the middle of the hallway.
    this.placeAgentInRoom(1, this.numRows >> 1);
    // Unlocked doors until every room can be reached.
    this.connectAll();
    this.target = obj;
    this.mission = `pick up the ${COLOR_NAMES[colorOf(obj)]} ball`;
  }

}

const make = (roomSize: number, numRows: number) =>
  defineEnv({
    id: `KeyCorridorS${roomSize}R${numRows}`,
    family: "grid",
    summary: `3×${numRows} rooms of side ${roomSize}: find the key, unlock the door, pick up the ball`,
    alias: `MiniGrid-KeyCorridorS${roomSize}R${numRows}-v0`,
    kwargs: KeyCorridorKwargs,
    preset: { roomSize, numRows },
    create: (k) => new KeyCorridor(k),
  });

export const keyCorridorEnvs = [make(3, 1), make(3, 2), make(3, 3), make(4, 3), make(5, 3), make(6, 3)];
