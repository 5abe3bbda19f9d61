/**
 * The universe's objects: a shape in a color, one packed grid cell
 * (objects.ts's `cell(type, color)`), named as people say them ("blue
 * pyramid"). Rules and goals name tiles this way in benchmark files and
 * configs. `nothing` is what a disappearing object leaves: an empty cell.
 */
import { ALL_COLOR_NAMES, EMPTY, T, TYPE_NAMES, cell, colorOf, typeOf } from "../grid/objects.js";

/** Shapes an object may have (all can be carried). */
export const SHAPES = ["ball", "square", "pyramid", "key", "star", "hex"] as const;
export type Shape = (typeof SHAPES)[number];

/** Colors an object may have (XLand-MiniGrid's ten). */
export const OBJECT_COLORS = ["red", "green", "blue", "purple", "yellow", "grey", "white", "brown", "pink", "orange"] as const;

/** A tile: a packed cell, type | color << 8. */
export type Tile = number;

/** What a disappearing object turns into. */
export const NOTHING: Tile = EMPTY;

/** Every object tile: each shape in each color, shapes outer. */
export const OBJECT_TILES: readonly Tile[] = SHAPES.flatMap((shape) => OBJECT_COLORS.map((color) => tileOf(shape, color)));

export function tileOf(shape: Shape, color: (typeof OBJECT_COLORS)[number]): Tile {
  return cell(T[shape], ALL_COLOR_NAMES.indexOf(color));
}

/** "blue pyramid", or "nothing". */
export function tileName(t: Tile): string {
  if (t === NOTHING) return "nothing";
  return `${ALL_COLOR_NAMES[colorOf(t)]} ${TYPE_NAMES[typeOf(t)]}`;
}

const BY_NAME = new Map<string, Tile>([["nothing", NOTHING], ...OBJECT_TILES.map((t) => [tileName(t), t] as [string, Tile])]);

/** The tile a name says, or undefined. */
export function parseTile(name: string): Tile | undefined {
  return BY_NAME.get(name.trim().toLowerCase().replace(/\s+/g, " "));
}

/** Whether `t` is an object tile (not nothing, not a wall or door). */
export function isObject(t: Tile): boolean {
  return OBJECT_TILES.includes(t);
}
