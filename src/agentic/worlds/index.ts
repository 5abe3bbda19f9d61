/**
 * The text worlds `rewardlab agent run` can play: every gridworld by its
 * id, and these by name. Adding a world is one file and one line here.
 */
import { gridTextEnv, type GridTextOptions } from "./grid-text.js";
import type { TextEnv } from "./text-env.js";
import { toolUse } from "./tool-use.js";
import { twentyQuestions } from "./twenty-questions.js";

const WORLDS: Record<string, (options: GridTextOptions) => TextEnv> = {
  TwentyQuestions: () => twentyQuestions(),
  ToolUse: () => toolUse(),
};

/** The text world `id`: a named world, else the gridworld of that id (a reward spec applies to gridworlds). */
export function textWorld(id: string, options: GridTextOptions = {}): TextEnv {
  return WORLDS[id]?.(options) ?? gridTextEnv(id, options);
}

export const TEXT_WORLDS = Object.keys(WORLDS);
