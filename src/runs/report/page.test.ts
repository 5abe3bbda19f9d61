import { beforeAll, expect, test } from "vitest";
import type { DesignSummary } from "../compare.js";
import type { RunConfig } from "../config.js";
import { scriptJson } from "./data.js";
import { renderReport } from "./page.js";
import { TINY_DESIGNS, tinyComparison } from "./test-utils.js";
import { defaultReportPath } from "./write.js";

let config: RunConfig;
let summaries: DesignSummary[];
let html: string;

beforeAll(async () => {
  ({ config, summaries } = await tinyComparison(2048));
  html = renderReport(summaries, { title: "Tiny comparison", config, notes: ["a note"], rewards: Object.fromEntries(TINY_DESIGNS.map((d) => [d.name, d.reward])) });
}, 60_000); // two short trainings: seconds alone, more on a busy machine

test("the report is self-contained: no http(s) or protocol-relative URL in any src or href, no external script or stylesheet", () => {
  const attributes = [...html.matchAll(/\b(?:src|href)\s*=\s*["']?([^"'\s>]*)/gi)].map((m) => m[1]);
  expect(attributes.filter((url) => /^(?:https?:)?\/\//i.test(url))).toEqual([]);
  expect(html).not.toMatch(/<link\b/i);
  expect(html).not.toMatch(/<script\b[^>]*\bsrc\s*=/i);
  expect(html).not.toMatch(/url\(\s*["']?(?:https?:)?\/\//i);
  expect(html).not.toMatch(/@import/i);
  // uPlot is inlined, with its license.
  expect(html).toContain("var uPlot=");
  expect(html).toContain("The MIT License");
});

test("the report names every design and every reward term, in the table and in the plotted data", () => {
  const table = html.slice(html.indexOf('<table class="summary">'), html.indexOf("</table>"));
  const data = JSON.parse(html.match(/<script type="application\/json" id="report-data">(.*?)<\/script>/s)![1]);
  for (const name of ["sparse", "key-bonus"]) expect(table).toContain(`</span>${name}</td>`);
  for (const term of ["task", "step", "pickup:key"]) expect(table).toContain(`${term} <span class="num">`);
  expect(data.designs.map((d: { name: string }) => d.name)).toEqual(["sparse", "key-bonus"]);
  expect(data.terms.map((t: { name: string }) => t.name)).toEqual(["task", "step", "pickup:key"]);
  expect(Object.keys(data.designs[1].terms)).toEqual(["task", "step", "pickup:key"]);
  // Gridworld runs bring a heatmap and two replays per design.
  for (const k of [0, 1]) {
    expect(html).toContain(`id="heat-${k}"`);
    expect(html).toContain(`id="replay-best-${k}"`);
    expect(html).toContain(`id="replay-worst-${k}"`);
    expect(data.designs[k].evaluation.best.primary).toBeGreaterThanOrEqual(data.designs[k].evaluation.worst.primary);
  }
  expect(html).toContain("<li>a note</li>");
});

test("without notes, the report's notes are the pairwise verdicts with their evidence", () => {
  const plain = renderReport(summaries, { title: "Tiny comparison", config });
  // One seed each: no verdict, only P and the reason.
  expect(plain).toMatch(/<li>(sparse|key-bonus) vs (sparse|key-bonus) on the primary reward: too few seeds for a verdict \(5 each needed\): P\(/);
  expect(plain).not.toContain(`class="best"`);
  // The table says where the results come from: the tiny runs are evaluated on held-out episodes.
  expect(plain).toMatch(/on the primary \(true\) reward of the final policy \(\w+\) over \d+ evaluation episodes per run on held-out seeds;/);
});

test("embedded data cannot close its script block and carries no NaN", () => {
  const json = scriptJson({ name: "</script><b>x", frame: "<<  >>", success: NaN, inf: Infinity });
  expect(json).not.toContain("<");
  expect(JSON.parse(json)).toEqual({ name: "</script><b>x", frame: "<<  >>", success: null, inf: null });
});

test("default report paths are reports/<name>-<local timestamp>.html with a file-safe name", () => {
  const at = new Date(2025, 0, 2, 3, 4, 5);
  expect(defaultReportPath("demo", at)).toBe("reports/demo-20250102-030405.html");
  expect(defaultReportPath("my run / v2", at)).toBe("reports/my-run-v2-20250102-030405.html");
  expect(defaultReportPath("", at)).toBe("reports/report-20250102-030405.html");
});
