/**
 * `writeReport`: a comparison (or one training run, a comparison of one
 * design) to a self-contained HTML file.
 *
 * @example
 * const summaries = await compareDesigns(config, designs, { record: {} });
 * const path = writeReport(summaries, { title: "DoorKey rewards", config, outPath: defaultReportPath("doorkey") });
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { DesignSummary } from "../compare.js";
import { renderReport, type ReportOptions } from "./page.js";

export interface WriteReportOptions extends ReportOptions {
  outPath: string;
}

/** Writes the report (creating its folder) and returns its absolute path. */
export function writeReport(summaries: readonly DesignSummary[], options: WriteReportOptions): string {
  const path = resolve(options.outPath);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, renderReport(summaries, options));
  return path;
}

/** `reports/<name>-<YYYYMMDD-HHMMSS>.html` under `dir` (local time), with the name made safe for file systems. */
export function defaultReportPath(name: string, now = new Date(), dir = "reports"): string {
  const p = (n: number) => String(n).padStart(2, "0");
  const stamp = `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
  const safe = name.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^-+|-+$/g, "") || "report";
  return join(dir, `${safe}-${stamp}.html`);
}
