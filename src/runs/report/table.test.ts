import { expect, test } from "vitest";
import { summarize } from "../compare.js";
import type { RunSummary } from "../train.js";
import { colorOf, type ReportData } from "./data.js";
import { summaryTable, verdictNotes } from "./table.js";

/** A design whose seeds ended with these primary returns (success: above ½). */
function design(name: string, primaries: number[]) {
  const runs = primaries.map((finalPrimary, seed) => ({ name, seed, episodes: 10, finalPrimary, finalSuccess: finalPrimary > 0.5 ? 1 : 0, stepsToThreshold: null, resultFrom: "training", evaluations: [], termReturns: { task: finalPrimary }, curve: [] }) as unknown as RunSummary);
  return summarize(name, runs);
}

const data = (n: number) => ({ terms: [{ name: "task", color: "#000" }], designs: Array.from({ length: n }, (_, k) => ({ color: colorOf(k) })), window: 50 }) as unknown as ReportData;

/** Every "x [lo, hi]" of the table, as numbers. */
const intervals = (html: string) => [...html.matchAll(/(-?[\d.]+)%? <span class="pm">\[(-?[\d.]+)%?, (-?[\d.]+)%?\]/g)].map((m) => m.slice(1, 4).map(Number));
const rows = (html: string) => html.split("<tr").slice(2);

test("the table shows IQM [interval] inside the seeds' range and every seed's value", () => {
  // Two seeds at 0.1 and 0.57: Student's t printed 0.335 ± 3.002 for a return in [0, 1].
  const html = summaryTable([design("a", [0.1, 0.57]), design("b", [0.2, 0.3])], data(2), 0.8);
  const [aPrimary, aSuccess, bPrimary, bPoi] = intervals(html);
  expect(aPrimary[1]).toBeGreaterThanOrEqual(0.1);
  expect(aPrimary[2]).toBeLessThanOrEqual(0.57);
  expect(aSuccess[1]).toBeGreaterThanOrEqual(0);
  expect(aSuccess[2]).toBeLessThanOrEqual(100);
  expect(bPrimary[1]).toBeGreaterThanOrEqual(0.2);
  expect(bPrimary[2]).toBeLessThanOrEqual(0.3);
  expect(bPoi[1]).toBeGreaterThanOrEqual(0);
  expect(bPoi[2]).toBeLessThanOrEqual(1);
  expect(html).toContain(`<div class="seeds" title="seed 0: 0.100; seed 1: 0.570">0.100 0.570</div>`);
  expect(html).toContain(`<div class="seeds" title="seed 0: 0; seed 1: 100">0 100</div>`);
  expect(html).not.toContain("±");
  expect(html).not.toContain("Student");
  expect(html).toContain("on the primary (true) reward over each run&#39;s last training episodes;");
});

test("overlapping seeds: no clear difference and no highlight, even with many seeds", () => {
  const summaries = [design("a", [0.5, 0.7, 0.6, 0.4, 0.8, 0.55]), design("b", [0.45, 0.65, 0.6, 0.5, 0.75, 0.52])];
  const html = summaryTable(summaries, data(2), 0.8);
  expect(html).not.toContain(`class="best"`);
  expect(rows(html)[1]).toContain("no clear difference");
  expect(verdictNotes(summaries)).toEqual([expect.stringMatching(/^No clear difference between a and b on the primary reward: P\(a > b\) = 0\.\d\d \[0\.\d\d, [01]\.\d\d\]\.$/)]);
});

test("disjoint seeds, 5 each: better, with its P(a > b) interval above ½, and highlighted", () => {
  const summaries = [design("weak", [0.1, 0.2, 0.15, 0.05, 0.12]), design("strong", [0.8, 0.9, 0.85, 0.7, 0.95])];
  const html = summaryTable(summaries, data(2), 0.8);
  expect(rows(html)[1]).toMatch(/^ class="best">/);
  expect(rows(html)[0]).toContain("strong better");
  expect(rows(html)[0]).toContain(`1.00 <span class="pm">[1.00, 1.00]</span>`);
  expect(verdictNotes(summaries)).toEqual(["strong better than weak on the primary reward: P(strong > weak) = 1.00 [1.00, 1.00]."]);
});

test("disjoint seeds but fewer than 5: no verdict and no highlight", () => {
  const summaries = [design("weak", [0.1, 0.2, 0.15]), design("strong", [0.8, 0.9, 0.85])];
  const html = summaryTable(summaries, data(2), 0.8);
  expect(html).not.toContain(`class="best"`);
  expect(rows(html)[0]).toContain("too few seeds");
  expect(rows(html)[0]).not.toContain("better");
  expect(verdictNotes(summaries)[0]).toMatch(/^strong vs weak on the primary reward: too few seeds for a verdict \(5 each needed\): P\(strong > weak\) = 1\.00/);
});
