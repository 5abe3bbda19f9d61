/**
 * Third-party code a report inlines, read from node_modules so the page
 * needs no network: uPlot (MIT, by Leon Sorokin), its stylesheet, and its
 * license notice, which the MIT license asks to keep with the code.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

export interface Assets {
  uplotJs: string;
  uplotCss: string;
  uplotVersion: string;
  uplotLicense: string;
}

let cached: Assets | undefined;

export function reportAssets(): Assets {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const dir = dirname(require.resolve("uplot/package.json"));
  const read = (f: string) => readFileSync(join(dir, f), "utf8");
  cached = {
    uplotJs: read("dist/uPlot.iife.min.js"),
    uplotCss: read("dist/uPlot.min.css"),
    uplotVersion: (JSON.parse(read("package.json")) as { version: string }).version,
    uplotLicense: read("LICENSE"),
  };
  return cached;
}
