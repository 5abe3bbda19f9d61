/**
 * A design's report: one self-contained HTML page (no scripts, no network)
 * with the scores by iteration, every candidate with its origin, parents,
 * the critic's verdict and its repairs, its spec and statistics, and every
 * exchange with the model, prompt and reply in full. Built from the
 * lineage, so a stored design can be reported again later.
 */
import { stringify } from "yaml";
import { lineChartSvg } from "../runs/report/svg-chart.js";
import type { Candidate } from "./loop.js";
import type { DesignCall } from "./llm.js";
import type { DesignSummaryRecord } from "./lineage.js";
import { analyzeOutcomes } from "./analyzer.js";
import { termList } from "./llm.js";

export interface DesignReportInput {
  title: string;
  /** Lines of facts under the title (environment, designer, seeds, budget). */
  facts: string[];
  candidates: readonly Candidate[];
  calls: readonly DesignCall[];
  summary: DesignSummaryRecord;
}

export function designReportHtml(r: DesignReportInput): string {
  const { summary } = r;
  const usage = summary.usage ? `; model: ${summary.usage.calls} calls, ${summary.usage.prompt.toLocaleString("en")} prompt and ${summary.usage.completion.toLocaleString("en")} completion tokens${summary.usage.cost !== undefined ? `, $${summary.usage.cost.toFixed(4)}` : ""}` : "";
  const head = [
    `<h1>${esc(r.title)}</h1>`,
    `<ul>${r.facts.map((f) => `<li>${esc(f)}</li>`).join("")}</ul>`,
    `<p><b>Best: ${esc(summary.best)}</b>. ${summary.runs} training runs; rejected before training: ${summary.rejected.critic} by the critic, ${summary.rejected.prescreen} by the pre-screen (${summary.saved} runs saved)${summary.rejected.training ? `; ${summary.rejected.training} failed in training` : ""}${esc(usage)}.</p>`,
  ];
  const chart = scoreChart(r.candidates);
  const rows = r.candidates.map((c) => {
    const score = c.score === undefined ? "rejected" : fmt(c.score);
    const fin = c.finalScore === undefined ? "" : fmt(c.finalScore);
    const verdict = c.verdict.ok ? (c.attempts?.length ? `passed after ${c.attempts.length} repair${c.attempts.length > 1 ? "s" : ""}` : "passed") : c.verdict.errors[0];
    return `<tr${c.id === summary.best ? ' class="best"' : ""}><td><a href="#${esc(c.id)}">${esc(c.id)}</a></td><td>${esc(c.origin)}</td><td>${esc(c.parents.join(", "))}</td><td class="num">${score}</td><td class="num">${fin}</td><td>${esc(verdict ?? "")}</td><td>${esc(termList(c.spec))}</td></tr>`;
  });
  const table = `<table><tr><th>candidate</th><th>origin</th><th>parents</th><th>score</th><th>final</th><th>critic</th><th>terms</th></tr>${rows.join("")}</table>`;
  const details = r.candidates.map((c) => candidateSection(c, r.calls));
  const calls = r.calls.map(
    (call) =>
      `<details id="call-${call.id}"><summary>call ${call.id}: iteration ${call.iteration}, ${call.stage}, ${call.tokens.prompt} + ${call.tokens.completion} tokens${call.error ? `, failed: ${esc(call.error)}` : ""}</summary>${call.messages.map((m) => `<h4>${m.role}</h4><pre>${esc(m.content)}</pre>`).join("")}${call.reply !== undefined ? `<h4>reply</h4><pre>${esc(call.reply)}</pre>` : ""}</details>`,
  );
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(r.title)}</title><style>${STYLE}</style></head><body>${head.join("")}${chart}<h2>Candidates</h2>${table}${details.join("")}${calls.length ? `<h2>Model calls</h2>${calls.join("")}` : ""}</body></html>\n`;
}

function candidateSection(c: Candidate, calls: readonly DesignCall[]): string {
  const parts = [`<h3 id="${esc(c.id)}">${esc(c.id)} (${esc(c.origin)}${c.parents.length ? ` of ${esc(c.parents.join(", "))}` : ""})</h3>`];
  if (c.score !== undefined) parts.push(`<p>Score ${fmt(c.score)} (seeds: ${c.scores!.map(fmt).join(", ")})${c.finalScore !== undefined ? `; final ${fmt(c.finalScore)}` : ""}${c.preference !== undefined ? `; pre-screen P(success > failure) = ${fmt(c.preference)}` : ""}</p>`);
  for (const [k, a] of (c.attempts ?? []).entries()) parts.push(`<p>Attempt ${k + 1}, rejected:</p><ul>${a.errors.map((e) => `<li>${esc(e)}</li>`).join("")}</ul>`);
  if (!c.verdict.ok) parts.push(`<p>Rejected:</p><ul>${c.verdict.errors.map((e) => `<li>${esc(e)}</li>`).join("")}</ul>`);
  if (c.verdict.warnings.length) parts.push(`<p>Warnings:</p><ul>${c.verdict.warnings.map((e) => `<li>${esc(e)}</li>`).join("")}</ul>`);
  if (c.spec !== undefined) parts.push(`<pre>${esc(stringify(c.spec))}</pre>`);
  if (c.stats) {
    const terms = Object.entries(c.stats.termReturns).map(([name, v]) => `${name} ${fmt(v)}`);
    parts.push(`<p>Term returns: ${esc(terms.join(", "))}; success ${fmt(c.stats.success)}</p><pre>${esc(analyzeOutcomes(c.stats.outcomes))}</pre>`);
  }
  const own = (c.calls ?? []).filter((id) => calls.some((call) => call.id === id));
  if (own.length) parts.push(`<p>Calls: ${own.map((id) => `<a href="#call-${id}">${id}</a>`).join(", ")}</p>`);
  return `<section>${parts.join("")}</section>`;
}

/** Best and mean score of each iteration's trained candidates, and the best so far. */
function scoreChart(cs: readonly Candidate[]): string {
  const iterations = [...new Set(cs.map((c) => c.iteration))].sort((a, b) => a - b);
  const best: [number, number][] = [];
  const meanPts: [number, number][] = [];
  const sofar: [number, number][] = [];
  let top = -Infinity;
  for (const it of iterations) {
    const scores = cs.filter((c) => c.iteration === it && c.score !== undefined).map((c) => c.score!);
    if (!scores.length) continue;
    const max = Math.max(...scores);
    top = Math.max(top, max);
    best.push([it, max]);
    meanPts.push([it, scores.reduce((a, b) => a + b, 0) / scores.length]);
    sofar.push([it, top]);
  }
  if (best.length === 0) return "";
  const series = [
    { name: "best so far", points: sofar },
    { name: "iteration best", points: best },
    { name: "iteration mean", points: meanPts },
  ];
  return lineChartSvg({ title: "Score (mean primary return on held-out episodes)", xLabel: "iteration", yLabel: "score", series });
}

function fmt(x: number): string {
  return Number.isFinite(x) ? Number(x.toPrecision(4)).toString() : String(x);
}

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

const STYLE = `body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top}
td.num{text-align:right;font-variant-numeric:tabular-nums}tr.best{background:#eef6ee}
pre{background:#f6f6f6;padding:8px;white-space:pre-wrap;font-size:12px}section{border-top:1px solid #ddd;margin-top:1em}`;
