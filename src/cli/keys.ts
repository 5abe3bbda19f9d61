/**
 * Key presses from a terminal (raw mode) or a pipe, until q, Esc, Ctrl-C or
 * the end of input: what `play` reads, for a person and for tests alike.
 */
import { emitKeypressEvents } from "node:readline";

export type KeyInput = NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };

/** Where a game is played: keys in, frames out (a terminal, or pipes in tests). */
export interface PlayIO {
  input: KeyInput;
  output: NodeJS.WritableStream & { isTTY?: boolean };
}

/** Calls `onKey(text, name)` for every key (arrow keys by name: left, up, …) until the person quits, input ends, or `onKey` returns true. */
export function readKeys(input: KeyInput, onKey: (text: string | undefined, name: string | undefined) => boolean | void): Promise<void> {
  emitKeypressEvents(input);
  if (input.isTTY) input.setRawMode?.(true);
  return new Promise<void>((resolve) => {
    const finish = () => {
      input.off("keypress", listener);
      if (input.isTTY) input.setRawMode?.(false);
      input.pause();
      resolve();
    };
    const listener = (text: string | undefined, key: { name?: string; ctrl?: boolean } | undefined) => {
      const name = key?.name;
      if (name === "q" || name === "escape" || (key?.ctrl && name === "c") || text === "q") return finish();
      if (onKey(text, name) === true) finish();
    };
    input.on("keypress", listener);
    input.once("end", finish);
    input.resume();
  });
}
