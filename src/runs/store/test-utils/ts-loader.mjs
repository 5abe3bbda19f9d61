/**
 * `node --import ./ts-loader.mjs child.mjs`: lets a plain Node process (a
 * child a test spawns and kills) import this project's TypeScript sources,
 * with no build step and no dist/. Types are stripped by TypeScript's own
 * `transpileModule`; `./x.js` imports from a .ts file resolve to `./x.ts`.
 */
import { register } from "node:module";

register("./ts-hooks.mjs", import.meta.url);
