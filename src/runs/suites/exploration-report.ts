/**
 * The exploration suite's reports: one per task variant in a folder, and an
 * index.html with the suite's table that links them.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { DesignSummary } from "../compare.js";
import { writeReport } from "../report/write.js";
import { formatSuite, type SuiteEntry } from "./exploration.js";

/** Writes the reports in `dir` (created if missing); returns the index's absolute path. */
export function writeExplorationReports(results: readonly { entry: SuiteEntry; summaries: DesignSummary[] }[], dir: string): string {
  mkdirSync(dir, { recursive: true });
  const links: string[] = [];
  for (const { entry, summaries } of results) {
    const file = `${entry.task}-${entry.variant}.html`;
    const title = `Exploration suite: ${entry.task}, ${entry.variant} (${entry.variant === "singleton" ? "the same layout every episode" : "a new layout every episode"})`;
    writeReport(summaries, { outPath: join(dir, file), title, config: entry.config, rewards: Object.fromEntries(entry.designs.map((d) => [d.name, d.reward])) });
    links.push(`<li><a href="${file}">${entry.task} — ${entry.variant}</a></li>`);
  }
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");
  const index = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Exploration suite</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}pre{background:#f6f6f6;padding:1rem;overflow:auto}</style>
<h1>Exploration suite</h1><p>PPO with each exploration bonus, contextual (a new layout every episode) and singleton (one layout) variants.</p>
<ul>${links.join("")}</ul><pre>${esc(formatSuite(results))}</pre></html>\n`;
  const path = resolve(dir, "index.html");
  writeFileSync(path, index);
  return path;
}
