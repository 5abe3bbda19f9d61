/**
 * Machines the tests share: the DoorKey machine of the spec's example, as
 * explicit edges, and a scope of the events it names.
 */
import type { MachineSpecInput } from "./spec.js";

export const DOORKEY_PROPOSITIONS = {
  key: 'event("pickup:key")',
  door: 'event("open:door")',
  goal: 'event("reach:goal")',
  lava: 'event("enter:lava")',
};

/** start →key (0.1)→ has_key →door (0.1)→ door_open →goal (1)→ done; lava from anywhere → failed. */
export const DOORKEY_MACHINE: MachineSpecInput = {
  initial: "start",
  terminal: ["done", "failed"],
  propositions: DOORKEY_PROPOSITIONS,
  edges: [
    { from: "start", to: "has_key", when: "key", reward: 0.1 },
    { from: "has_key", to: "door_open", when: "door", reward: 0.1 },
    { from: "door_open", to: "done", when: "goal", reward: 1 },
    { from: "*", to: "failed", when: "lava", reward: 0 },
  ],
};

/** A scope with just the events the DoorKey machine reads. */
export const EVENT_SCOPE = { features: [], events: ["pickup:key", "open:door", "reach:goal", "enter:lava"], actionSize: 1 };
