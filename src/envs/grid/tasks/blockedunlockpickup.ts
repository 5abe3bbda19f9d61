/**
 * ## Description
 * UnlockPickup with a ball (of a random color) in front of the door on the
 * agent's side: move the ball, fetch the key, unlock the door, pick up the
 * box. The hands hold one object, so the ball must be put down elsewhere.
 * ## Mission  "pick up the {color} box"
 * ## Rewards  1 − 0.9·(t/T) on picking up the box, 0 otherwise.
 * ## Termination  picking up the box; truncated at T = 16·6².
 * ## Registered  BlockedUnlockPickup
 */
import { defineEnv } from "../../spec.js";
import { GridKwargs } from "../engine.js";
import { ball } from "../objects.js";
import type { PlacedDoor } from "../roomgrid.js";
import { UnlockPickup } from "./unlockpickup.js";

export const BlockedUnlockPickupKwargs = GridKwargs.extend({}).strict();

export class BlockedUnlockPickup extends UnlockPickup {
  constructor(kwargs: GridKwargs) {
    super(kwargs, 16);
  }

  /** A ball of a random color in front of the door, on the agent's side. */
  protected override obstruct(door: PlacedDoor): void {
    this.grid.set(door.x - 1, door.y, ball(this.randColor()));
  }
}

export const blockedUnlockPickupEnvs = [
  defineEnv({
    id: "BlockedUnlockPickup",
    family: "grid",
    summary: "two rooms: move the ball off the locked door, unlock it, pick up the box",
    alias: "MiniGrid-BlockedUnlockPickup-v0",
    kwargs: BlockedUnlockPickupKwargs,
    preset: {},
    create: (k) => new BlockedUnlockPickup(k),
  }),
];
