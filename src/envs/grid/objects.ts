/**
 * Gridworld objects, encoded exactly as MiniGrid encodes them so that
 * observations and intuitions carry over: each cell is (type, color, state).
 */

/** Object type indices (MiniGrid's OBJECT_TO_IDX). */
export const T = {
  unseen: 0,
  empty: 1,
  wall: 2,
  floor: 3,
  door: 4,
  key: 5,
  ball: 6,
  box: 7,
  goal: 8,
  lava: 9,
  agent: 10,
  // The open-ended universe's shapes (XLand-MiniGrid's), after MiniGrid's types.
  square: 11,
  pyramid: 12,
  hex: 13,
  star: 14,
} as const;
export const TYPE_NAMES = ["unseen", "empty", "wall", "floor", "door", "key", "ball", "box", "goal", "lava", "agent", "square", "pyramid", "hex", "star"] as const;
export type ObjectType = (typeof TYPE_NAMES)[number];

/** Color indices (MiniGrid's COLOR_TO_IDX). */
export const C = { red: 0, green: 1, blue: 2, purple: 3, yellow: 4, grey: 5 } as const;
export const COLOR_NAMES = ["red", "green", "blue", "purple", "yellow", "grey"] as const;
export type ColorName = (typeof COLOR_NAMES)[number];
/**
 * Every color a cell may have: MiniGrid's six, then four more the universe's
 * objects use (XLand-MiniGrid's). Tasks draw random colors from
 * `COLOR_NAMES` only, so their layouts are MiniGrid's.
 */
export const ALL_COLOR_NAMES = [...COLOR_NAMES, "white", "brown", "pink", "orange"] as const;

/** Door states (MiniGrid's STATE_TO_IDX). */
export const S = { open: 0, closed: 1, locked: 2 } as const;

/** Actions (MiniGrid's `Actions`). */
export const A = { left: 0, right: 1, forward: 2, pickup: 3, drop: 4, toggle: 5, done: 6 } as const;
export const ACTION_NAMES = ["left", "right", "forward", "pickup", "drop", "toggle", "done"] as const;

/** Direction vectors, index = agent direction: 0 east, 1 south, 2 west, 3 north (y grows downwards). */
export const DIR_X = [1, 0, -1, 0] as const;
export const DIR_Y = [0, 1, 0, -1] as const;

/**
 * A cell packed in one integer: type | color << 8 | state << 16. Packing
 * lets the observation loop read a cell with one load.
 */
export function cell(type: number, color = 0, state = 0): number {
  return type | (color << 8) | (state << 16);
}
export const typeOf = (c: number): number => c & 0xff;
export const colorOf = (c: number): number => (c >> 8) & 0xff;
export const stateOf = (c: number): number => (c >> 16) & 0xff;

export const EMPTY = cell(T.empty);
export const WALL = cell(T.wall, C.grey);
export const GOAL = cell(T.goal, C.green);
export const LAVA = cell(T.lava, C.red);
export const door = (color: number, state: number = S.closed) => cell(T.door, color, state);
export const key = (color: number) => cell(T.key, color);
export const ball = (color: number) => cell(T.ball, color);
export const box = (color: number) => cell(T.box, color);
export const floor = (color: number = C.blue) => cell(T.floor, color);

/** The agent may stand here: empty, floor, goal, lava, an open door. */
export function canOverlap(c: number): boolean {
  const t = c & 0xff;
  return t === T.empty || t === T.floor || t === T.goal || t === T.lava || (t === T.door && stateOf(c) === S.open);
}

/** Keys, balls, boxes and the universe's shapes can be carried. */
export function canPickup(c: number): boolean {
  const t = c & 0xff;
  return t === T.key || t === T.ball || t === T.box || (t >= T.square && t <= T.star);
}

/** Sight passes through everything but walls and doors that are not open. */
export function seeBehind(c: number): boolean {
  const t = c & 0xff;
  return !(t === T.wall || (t === T.door && stateOf(c) !== S.open));
}

/** Human name of a packed cell: "yellow key", "locked red door", "wall". */
export function describeCell(c: number): string {
  const t = typeOf(c);
  if (t === T.empty || t === T.wall || t === T.goal || t === T.lava || t === T.unseen) return TYPE_NAMES[t];
  const color = ALL_COLOR_NAMES[colorOf(c)];
  if (t === T.door) return `${["open", "closed", "locked"][stateOf(c)]} ${color} door`;
  return `${color} ${TYPE_NAMES[t]}`;
}
