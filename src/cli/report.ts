/**
 * `--report PATH` / `--no-report`, shared by the commands that train
 * (demo, train, compare): by default they write a self-contained HTML report
 * to `reports/<name>-<timestamp>.html` and print its path after the summary.
 */
import { relative } from "node:path";
import type { DesignSummary } from "../runs/compare.js";
import type { RecordOptions } from "../runs/report/record.js";
import type { ReportOptions } from "../runs/report/page.js";
import { defaultReportPath, writeReport } from "../runs/report/write.js";
import { checkOutputFile, withOutputErrors } from "./output.js";

export interface ReportFlag {
  /** A path, false for --no-report, absent for the default path. */
  report?: string | boolean;
}

/** What runs record for the report (visited cells, evaluation replays), or nothing with --no-report. */
export function recordFor(opts: ReportFlag): RecordOptions | undefined {
  return opts.report === false ? undefined : {};
}

/** Checks, before the runs, that `--report PATH` can be written (its folders are created); a one-line error naming --report otherwise. */
export function checkReportFlag(opts: ReportFlag): void {
  if (typeof opts.report === "string" && opts.report !== "") checkOutputFile(opts.report, "--report", { createDirs: true });
}

/** Writes the report unless --no-report and prints where: `Report: reports/demo-20250101-120000.html`. */
export function saveReport(summaries: readonly DesignSummary[], opts: ReportFlag, name: string, options: ReportOptions): string | undefined {
  if (opts.report === false) return undefined;
  const target = typeof opts.report === "string" && opts.report !== "" ? opts.report : defaultReportPath(name);
  const path = withOutputErrors(target, "--report", () => writeReport(summaries, { ...options, outPath: target }));
  const shown = relative(process.cwd(), path);
  console.log(`Report: ${shown.startsWith("..") ? path : shown}`);
  return path;
}
