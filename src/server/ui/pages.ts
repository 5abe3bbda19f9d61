/**
 * The dashboard's own pages, in the reports' style (their stylesheet and
 * escaping): the index of runs, comparisons and sweeps, and a sweep's page
 * with its parallel coordinates (an SVG drawn here: one axis per parameter
 * and one for the final primary return, one line per finished trial).
 */
import { REPORT_CSS } from "../../runs/report/style.js";
import { esc } from "../../runs/report/table.js";
import type { Comparison, RunRecord } from "../../runs/store/index.js";
import type { SweepRecord, TrialRecord } from "../../runs/store/sweeps.js";
import { labeller, reportLines, sweepReport } from "../../sweeps/report.js";

const page = (title: string, body: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title>
<style>${REPORT_CSS}
table.list { border-collapse: collapse; width: 100%; font-size: 13px; }
table.list td, table.list th { padding: 4px 8px; border-bottom: 1px solid #eceff3; text-align: left; }
.status-running { color: #1a7f37; font-weight: 600; } .status-failed { color: #b42318; } .status-interrupted { color: #9a6700; }
form.filters { display: flex; gap: 8px; margin: 8px 0 16px; } pre.report { font-size: 12.5px; overflow-x: auto; }
</style></head><body><main>${body}</main></body></html>`;

const when = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;

export function notFoundPage(message: string): string {
  return page("Not found", `<header class="report"><h1>Not found</h1></header><p>${esc(message)}</p><p><a href="/">All runs</a></p>`);
}

export function indexPage(where: string, runs: readonly RunRecord[], comparisons: readonly Comparison[], sweeps: readonly SweepRecord[], q: { status?: string; env?: string; comparison?: string; group?: string }): string {
  const names = new Map(comparisons.map((c) => [c.id, c.name]));
  // By comparison (the designs compared together), or by design (a run's name) across comparisons.
  const byDesign = q.group === "design";
  const keyOf = (r: RunRecord) => (byDesign ? r.name : (r.comparisonId ?? ""));
  const groups = new Map<string, RunRecord[]>();
  for (const r of runs) groups.set(keyOf(r), [...(groups.get(keyOf(r)) ?? []), r]);
  const rows = (rs: readonly RunRecord[]) =>
    rs
      .map((r) => `<tr><td><a href="/runs/${esc(r.id)}">${esc(r.id)}</a></td><td>${esc(r.name)}</td><td class="status-${esc(r.status)}">${esc(r.status)}</td><td>${esc(r.envId)}</td><td>${esc(r.learner)}</td><td>${r.seed}</td><td>${when(r.createdAt)}</td></tr>`)
      .join("");
  const head = `<tr><th>run</th><th>design</th><th>status</th><th>environment</th><th>learner</th><th>seed</th><th>created (UTC)</th></tr>`;
  const blocks = [...groups.entries()].map(([key, rs]) => {
    const title = byDesign
      ? `<h3>Design ${esc(key)} <span class="meta">${rs.length} run${rs.length === 1 ? "" : "s"}</span></h3>`
      : key
        ? `<h3>Comparison <a href="/comparisons/${esc(key)}">${esc(names.get(key) ?? key)}</a> <span class="meta">${esc(key)}</span></h3>`
        : `<h3>Runs on their own</h3>`;
    return `${title}<table class="list">${head}${rows(rs)}</table>`;
  });
  const sweepRows = sweeps.map((s) => `<tr><td><a href="/sweeps/${esc(s.id)}">${esc(s.id)}</a></td><td>${esc(s.name)}</td><td class="status-${esc(s.status)}">${esc(s.status)}</td><td>${when(s.createdAt)}</td></tr>`).join("");
  const filters = `<form class="filters" method="get"><select name="status"><option value="">any status</option>${["running", "finished", "failed", "interrupted"].map((s) => `<option${q.status === s ? " selected" : ""}>${s}</option>`).join("")}</select><input name="env" placeholder="environment" value="${esc(q.env ?? "")}"><select name="group"><option value="comparison">by comparison</option><option value="design"${byDesign ? " selected" : ""}>by design</option></select><button>Filter</button></form>`;
  return page(
    "rewardlab",
    `<header class="report"><h1>rewardlab</h1><div class="meta"><span>run store ${esc(where)}</span><span>${runs.length} runs shown</span></div></header>
<section><h2>Runs</h2>${filters}${blocks.join("\n") || "<p>No runs.</p>"}</section>
<section><h2>Sweeps</h2>${sweepRows ? `<table class="list"><tr><th>sweep</th><th>name</th><th>status</th><th>created (UTC)</th></tr>${sweepRows}</table>` : "<p>No sweeps.</p>"}</section>`,
  );
}

/** Parallel coordinates of the finished trials: an axis per parameter (numbers scaled to their range, choices spread evenly), the last for the final primary return. */
export function parallelCoordinates(trials: readonly TrialRecord[], label: (path: string, v: unknown) => string): string {
  const done = trials.filter((t) => t.status === "finished" && t.value !== null);
  const paths = Object.keys(trials[0]?.params ?? {});
  if (done.length === 0 || paths.length === 0) return "<p>No finished trial yet.</p>";
  const [h, pad, side] = [300, 40, 90];
  const w = 2 * side + 200 * paths.length;
  const x = (k: number) => side + (k * (w - 2 * side)) / paths.length;
  const axes = paths.map((path) => {
    const values = done.map((t) => t.params[path]);
    if (values.every((v) => typeof v === "number")) {
      const nums = values as number[];
      const [lo, hi] = [Math.min(...nums), Math.max(...nums)];
      return { path, at: (v: unknown) => (hi === lo ? 0.5 : ((v as number) - lo) / (hi - lo)), ticks: [lo, hi].map((v) => label(path, v)) };
    }
    const keys = [...new Set(values.map((v) => label(path, v)))];
    return { path, at: (v: unknown) => (keys.length === 1 ? 0.5 : keys.indexOf(label(path, v)) / (keys.length - 1)), ticks: keys };
  });
  const vs = done.map((t) => t.value!);
  const [vlo, vhi] = [Math.min(...vs), Math.max(...vs)];
  const vAt = (v: number) => (vhi === vlo ? 0.5 : (v - vlo) / (vhi - vlo));
  const y = (f: number) => h - pad - f * (h - 2 * pad);
  const color = (f: number) => `hsl(${Math.round(220 - 200 * f)}, 70%, 45%)`;
  const lines = done.map((t) => {
    const pts = [...axes.map((a, k) => `${x(k).toFixed(1)},${y(a.at(t.params[a.path])).toFixed(1)}`), `${x(paths.length).toFixed(1)},${y(vAt(t.value!)).toFixed(1)}`];
    return `<polyline points="${pts.join(" ")}" fill="none" stroke="${color(vAt(t.value!))}" stroke-opacity="0.75" stroke-width="1.5"><title>trial ${t.trial}, seed ${t.seed}: ${t.value!.toFixed(3)}</title></polyline>`;
  });
  const axisSvg = [...axes.map((a, k) => ({ name: a.path, k, ticks: a.ticks })), { name: "final primary return", k: paths.length, ticks: [vlo.toFixed(3), vhi.toFixed(3)] }].map(
    (a) => `<line x1="${x(a.k)}" y1="${y(0)}" x2="${x(a.k)}" y2="${y(1)}" stroke="#5b6472"/><text x="${x(a.k)}" y="${pad - 18}" text-anchor="middle" font-size="12" font-weight="600">${esc(a.name)}</text>${a.ticks.map((t, i) => `<text x="${x(a.k) + 4}" y="${y(a.ticks.length === 1 ? 0.5 : i / (a.ticks.length - 1)) + 4}" font-size="11" fill="#5b6472">${esc(t)}</text>`).join("")}`,
  );
  return `<svg class="parcoords" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="parallel coordinates of the finished trials">${lines.join("")}${axisSvg.join("")}</svg>`;
}

export function sweepPage(sweep: SweepRecord, trials: readonly TrialRecord[]): string {
  const label = labeller(sweep.config as never);
  const report = sweepReport(trials, label);
  const best = report.best >= 0 ? report.configurations[report.best] : undefined;
  const bestTrials = best ? trials.filter((t) => t.configIndex === best.index && t.runId) : [];
  const rows = trials
    .map((t) => `<tr><td>${t.trial}</td><td>${t.configIndex}</td><td>${t.seed}</td><td class="status-${esc(t.status)}">${esc(t.status)}</td><td>${t.step.toLocaleString("en")}</td><td>${t.value === null ? "—" : t.value.toFixed(3)}</td><td>${t.runId ? `<a href="/runs/${esc(t.runId)}">${esc(t.runId)}</a>` : "—"}</td></tr>`)
    .join("");
  return page(
    `Sweep ${sweep.name}`,
    `<header class="report"><h1>Sweep ${esc(sweep.name)}</h1><div class="meta"><span>${esc(sweep.id)}</span><span>${esc(sweep.status)}</span><span>created ${when(sweep.createdAt)} UTC</span></div></header>
<section id="best"><h2>Best configuration</h2>${best ? `<p>Configuration ${best.index}: ${Object.entries(best.params).map(([k, v]) => `<b>${esc(k)}</b> = ${esc(label(k, v))}`).join(", ")}; its runs: ${bestTrials.map((t) => `<a href="/runs/${esc(t.runId!)}">seed ${t.seed}</a>`).join(", ")}.</p>` : "<p>No configuration has finished a trial yet.</p>"}</section>
<section id="parcoords"><h2>Parameters against the final primary return</h2><p class="lead">One line per finished trial, colored by its final primary return (blue low, red high).</p>${parallelCoordinates(trials, label)}</section>
<section id="report"><h2>Configurations</h2><pre class="report">${esc(reportLines(sweep, report, label).join("\n"))}</pre></section>
<section id="trials"><h2>Trials</h2><table class="list"><tr><th>trial</th><th>config</th><th>seed</th><th>status</th><th>step</th><th>primary</th><th>run</th></tr>${rows}</table></section>`,
  );
}
