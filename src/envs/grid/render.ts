/**
 * Text pictures of a gridworld, two characters a cell as MiniGrid prints
 * them: the object's letter then its color's (`KY` a yellow key, `LY` a
 * locked yellow door, `__` an open door, `>>` the agent facing east).
 */
import type { Grid } from "./grid.js";
import { ALL_COLOR_NAMES, S, T, TYPE_NAMES, colorOf, stateOf, typeOf } from "./objects.js";

/** What a picture shows of a gridworld (a `GridEnv` is one): its cells, the agent and what it carries. */
export interface GridScene {
  readonly grid: Grid;
  readonly agentIndex: number;
  readonly agentDir: number;
  readonly carrying: number;
}

const LETTER: Record<number, string> = { [T.wall]: "W", [T.floor]: "F", [T.door]: "D", [T.key]: "K", [T.ball]: "A", [T.box]: "B", [T.goal]: "G", [T.lava]: "V", [T.square]: "S", [T.pyramid]: "P", [T.hex]: "H", [T.star]: "*" };
const AGENT = [">>", "VV", "<<", "^^"];

export function cellText(c: number): string {
  const t = typeOf(c);
  if (t === T.empty) return "  ";
  const color = ALL_COLOR_NAMES[colorOf(c)][0].toUpperCase();
  if (t === T.door) {
    const state = stateOf(c);
    if (state === S.open) return "__";
    if (state === S.locked) return "L" + color;
  }
  return (LETTER[t] ?? "?") + color;
}

/** The whole grid, one text line per row, then what the agent carries. */
export function renderGrid(env: GridScene, colors = false): string {
  const { grid } = env;
  const lines: string[] = [];
  for (let y = 0; y < grid.height; y++) {
    let line = "";
    for (let x = 0; x < grid.width; x++) {
      const i = grid.index(x, y);
      if (i === env.agentIndex) line += colors ? `\x1b[1;31m${AGENT[env.agentDir]}\x1b[0m` : AGENT[env.agentDir];
      else line += colors ? paint(grid.cells[i]) : cellText(grid.cells[i]);
    }
    lines.push(line);
  }
  if (env.carrying !== 0) lines.push(`carrying: ${ALL_COLOR_NAMES[colorOf(env.carrying)]} ${TYPE_NAMES[typeOf(env.carrying)]}`);
  return lines.join("\n");
}

// red, green, blue, purple, yellow, grey, then white, brown, pink, orange (256-color codes for the last three).
const ANSI_COLOR = ["31", "32", "34", "35", "33", "90", "97", "38;5;130", "38;5;218", "38;5;208"];

function paint(c: number): string {
  const text = cellText(c);
  const t = typeOf(c);
  if (t === T.empty) return text;
  if (t === T.wall) return `\x1b[47m${text}\x1b[0m`;
  if (t === T.lava) return `\x1b[41m${text}\x1b[0m`;
  return `\x1b[${ANSI_COLOR[colorOf(c)]}m${text}\x1b[0m`;
}
