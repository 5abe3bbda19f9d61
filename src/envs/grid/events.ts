/**
 * The events every gridworld can raise, one bit each. Reward specs name
 * them (`pickup:key`) or a family of them (`drop:*`).
 */
export const GRID_EVENTS = [
  "pickup:key",
  "pickup:ball",
  "pickup:box",
  "drop:key",
  "drop:ball",
  "drop:box",
  "open:door",
  "close:door",
  "unlock:door",
  "open:box",
  "reach:goal",
  "enter:lava",
  "bump",
  "done",
  "success",
  "failure",
  "collide:obstacle",
  "tamper",
  // The universe's shapes (square, pyramid, hex, star), and a production rule firing.
  "pickup:shape",
  "drop:shape",
  "rule",
] as const;

export type GridEvent = (typeof GRID_EVENTS)[number];

/** The bit of each event: `E["pickup:key"]` is 1 << 0. */
export const E = Object.fromEntries(GRID_EVENTS.map((name, i) => [name, 1 << i])) as Record<GridEvent, number>;
