/**
 * A comparison's report as one self-contained HTML page: styles, data and
 * scripts (uPlot included) are all inline, so the file opens anywhere,
 * offline, and can be mailed or archived as it is.
 */
import { VERSION } from "../../version.js";
import type { DesignSummary } from "../compare.js";
import type { RunConfig } from "../config.js";
import { reportAssets } from "./assets.js";
import { BAND_REPS } from "./aggregate.js";
import { CHARTS_JS } from "./client-charts.js";
import { GRID_JS } from "./client-grid.js";
import { reportData, scriptJson, type ReportData, type ReportDesign } from "./data.js";
import { REPORT_CSS } from "./style.js";
import { configBlocks, esc, formatSteps, metaLine, notesList, summaryTable, verdictNotes } from "./table.js";

export interface ReportOptions {
  title: string;
  config: RunConfig;
  /** Plain-language observations shown under the table (`observations()` of compare); without them, the pairwise verdicts. */
  notes?: readonly string[];
  /** Each design's reward spec, shown in the configuration section. */
  rewards?: Record<string, unknown>;
  generatedAt?: Date;
  /** Served live (rewardlab ui): this URL sends server-sent events with the report's new data while its runs train. */
  liveEvents?: string;
  /** Sections placed before the configuration (the dashboard's audit and reward-check findings), as HTML. */
  extraSections?: string;
}

/**
 * The live page's script: each event carries the report data and the
 * summary table again; the charts are redrawn by the report's own chart
 * script, the table replaced. `data-updates` counts the events taken.
 */
const LIVE_JS = String.raw`
(function () {
  var status = document.getElementById("live-status");
  var source = new EventSource(status.getAttribute("data-events"));
  var updates = 0;
  source.addEventListener("report", function (e) {
    var next = JSON.parse(e.data);
    document.getElementById("report-data").textContent = JSON.stringify(next.data);
    document.getElementById("summary-table").innerHTML = next.summary;
    window.rewardlabRedraw(next.data);
    updates += 1;
    status.setAttribute("data-updates", String(updates));
    status.textContent = "live: " + next.status + ", step " + next.step.toLocaleString("en") + " (updated " + new Date().toLocaleTimeString() + ")";
  });
  source.addEventListener("end", function (e) {
    status.textContent = "ended: " + JSON.parse(e.data).status;
    source.close();
  });
})();
`;

/** A 16×16 control icon (inline SVG: no font needs the glyph). */
const icon = (d: string) => `<svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true"><path d="${d}" fill="currentColor"/></svg>`;

const swatch = (d: ReportDesign) => `<span class="swatch" style="background: ${d.color}"></span>`;

function curvesSection(data: ReportData): string {
  const success = data.hasSuccess
    ? `<div class="figure"><div class="chart" id="chart-success"></div><div class="caption">Share of the last ${data.window} episodes that succeeded; line: mean over seeds, band: its 95% bootstrap interval.</div></div>`
    : "";
  return `<section id="curves"><h2>Learning curves</h2>
<p class="lead">Measured on the primary (true) reward, whatever reward each design trained on. Each point is a moving window over the last ${data.window} finished episodes; the line is the mean over seeds and the shaded band its 95% percentile-bootstrap interval (${BAND_REPS.toLocaleString("en")} resamples of the seeds at each step; it stays within the seeds' values; no band with one seed). Drag across a chart to zoom, double-click to reset; click a legend entry to hide a design.</p>
<div class="grid2"><div class="figure"><div class="chart" id="chart-primary"></div><div class="caption">Mean primary episode return over the last ${data.window} episodes; line: mean over seeds, band: its 95% bootstrap interval.</div></div>${success}</div></section>`;
}

function termsSection(data: ReportData): string {
  const figures = data.designs.map((_, k) => `<div class="figure"><div class="chart" id="chart-terms-${k}"></div></div>`).join("");
  return `<section id="terms"><h2>Reward terms over training</h2>
<p class="lead">Each term's contribution to the episode return (its windowed mean episode return, mean over seeds), per design. A design whose auxiliary terms climb while its primary return stays flat is being paid for something other than the task.</p>
<div class="grid3">${figures}</div></section>`;
}

function visitsSection(data: ReportData): string {
  const with_ = data.designs.map((d, k) => [d, k] as const).filter(([d]) => d.visits);
  if (with_.length === 0) return "";
  const figures = with_.map(([d, k]) => {
    const v = d.visits!;
    const share = v.toStep > 0 ? Math.round((100 * (v.toStep - v.fromStep)) / v.toStep) : 100;
    return `<div class="figure" id="heat-${k}"><h3>${swatch(d)}${esc(d.name)}</h3>
<div class="heat"><canvas class="heat-map" role="img" aria-label="visits of ${esc(d.name)}"></canvas><div class="colorbar"><span class="bar-max"></span><canvas class="heat-bar"></canvas><span>1 visit</span></div></div>
<div class="hover"></div>
<div class="caption">Last ${share}% of training (steps ${formatSteps(v.fromStep)}–${formatSteps(v.toStep)}), ${v.runs} run${v.runs === 1 ? "" : "s"}, ${v.steps.toLocaleString("en")} steps.</div></div>`;
  });
  return `<section id="visits"><h2>Where the agent goes</h2>
<p class="lead">How often the agent stood on each cell late in training, summed over seeds; log color scale, light gray for cells never visited (walls, mostly). Hover a cell for its count.</p>
<div class="grid3">${figures.join("")}</div></section>`;
}

function agentsSection(data: ReportData): string {
  const with_ = data.designs.map((d, k) => [d, k] as const).filter(([d]) => d.agents || d.agentVisits);
  if (with_.length === 0) return "";
  const blocks = with_.map(([d, k]) => {
    const chart = d.agents ? `<div class="figure"><div class="chart" id="chart-agents-${k}"></div></div>` : "";
    const maps = (d.agentVisits?.counts ?? []).map(
      (_, j) => `<div class="figure" id="heat-agent-${k}-${j}"><h3>agent ${j}</h3>
<div class="heat"><canvas class="heat-map" role="img" aria-label="visits of agent ${j} of ${esc(d.name)}"></canvas><div class="colorbar"><span class="bar-max"></span><canvas class="heat-bar"></canvas><span>1 visit</span></div></div>
<div class="hover"></div></div>`,
    );
    return `<div class="design-head">${swatch(d)}${esc(d.name)}</div>${chart}${maps.length ? `<div class="grid3">${maps.join("")}</div>` : ""}`;
  });
  return `<section id="agents"><h2>Each agent</h2>
<p class="lead">Multi-agent runs: each agent index's mean primary return over its last episodes in the window (line: mean over seeds), and, on board games, where each agent stood late in training (summed over tables and seeds; log color scale). Agents that learn different roles, or split the board between them, show it here.</p>
${blocks.join("\n")}</section>`;
}

function replayPanel(kind: "best" | "worst", k: number, r: NonNullable<ReportDesign["evaluation"]>["best"]): string {
  const success = r.success === 1 ? "succeeded" : r.success === 0 ? "failed" : "";
  const seed = r.seed === null ? "a later episode of its environment" : `environment seed ${r.seed}`;
  return `<div class="replay" id="replay-${kind}-${k}" tabindex="0" data-frame="0">
<h4><span>${kind === "best" ? "Best" : "Worst"} evaluation episode</span><span class="tag ${kind}">primary return ${r.primary.toFixed(3)}</span></h4>
<div class="body"><div><canvas class="frame"></canvas><div class="carry"></div></div>
<div class="info"><div class="caption">run seed ${r.runSeed}, ${seed}; ${r.length} steps${success ? `, ${success}` : ""}</div>
<table><thead><tr><td></td><td>step</td><td>return</td></tr></thead><tbody></tbody></table><div class="events"></div></div></div>
<div class="controls"><button class="first" title="first frame (Home)" aria-label="first frame">${icon("M3 3h2v10H3zM13 3v10L6 8z")}</button><button class="prev" title="previous step (←)" aria-label="previous step">${icon("M11 3v10L4 8z")}</button><button class="play" title="play / pause (space)">Play</button><button class="next" title="next step (→)" aria-label="next step">${icon("M5 3v10l7-5z")}</button><button class="last" title="last frame (End)" aria-label="last frame">${icon("M3 3v10l7-5zM11 3h2v10h-2z")}</button><input type="range" min="0" value="0" aria-label="step"><span class="pos"></span><select aria-label="speed"><option value="4">4 steps/s</option><option value="8" selected>8 steps/s</option><option value="16">16 steps/s</option><option value="32">32 steps/s</option></select></div></div>`;
}

function replaysSection(data: ReportData): string {
  const with_ = data.designs.map((d, k) => [d, k] as const).filter(([d]) => d.evaluation);
  if (with_.length === 0) return "";
  const blocks = with_.map(([d, k]) => {
    const e = d.evaluation!;
    const success = e.success === null ? "" : `, success ${Math.round(100 * e.success)}%`;
    const mean = e.meanPrimary === null ? "—" : e.meanPrimary.toFixed(3);
    return `<div class="design-head">${swatch(d)}${esc(d.name)}<span class="stats">${e.episodes} evaluation episodes: mean primary return ${mean}${success}</span></div>
<div class="replays">${replayPanel("best", k, e.best)}${replayPanel("worst", k, e.worst)}</div>`;
  });
  return `<section id="replays"><h2>Final policy: best and worst evaluation episode</h2>
<p class="lead">After training, each run's final policy plays fresh episodes (actions sampled from the policy; tabular learners act greedily), the same layouts for every design. Shown: the episodes with the highest and the lowest primary return over all seeds. Red triangle: the agent; gray: walls; green: the goal; keys, doors (outlined closed, filled locked) and balls in their colors. Step with ← →, play with space.</p>
${blocks.join("\n")}</section>`;
}

/** The report page as a string. */
export function renderReport(summaries: readonly DesignSummary[], options: ReportOptions): string {
  const { config } = options;
  const data = reportData(summaries, config.window);
  const assets = reportAssets();
  const license = assets.uplotLicense.replace(/\*\//g, "* /");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="rewardlab ${esc(VERSION)}">
<title>${esc(options.title)}</title>
<style>${assets.uplotCss}</style>
<style>${REPORT_CSS}</style>
</head>
<body>
<main>
<header class="report"><h1>${esc(options.title)}</h1><div class="meta">${metaLine(config, options.generatedAt ?? new Date(), VERSION)}</div>${options.liveEvents ? `<div class="meta" id="live-status" data-events="${esc(options.liveEvents)}" data-updates="0">live: waiting for the next update</div>` : ""}</header>
<section id="summary"><h2>Summary</h2>
<div id="summary-table">${summaryTable(summaries, data, config.successThreshold)}</div>
${notesList(options.notes ?? verdictNotes(summaries))}</section>
${curvesSection(data)}
${termsSection(data)}
${visitsSection(data)}
${agentsSection(data)}
${replaysSection(data)}
${options.extraSections ?? ""}
<section id="config"><h2>Configuration</h2>${configBlocks(config, options.rewards)}</section>
<footer>Made by rewardlab ${esc(VERSION)}. Self-contained: no network needed. Charts by uPlot ${esc(assets.uplotVersion)} (MIT license, included in this file).</footer>
</main>
<script type="application/json" id="report-data">${scriptJson(data)}</script>
<script>
/*! uPlot ${esc(assets.uplotVersion)}
${license}*/
${assets.uplotJs}
</script>
<script>
"use strict";
${CHARTS_JS}
${GRID_JS}
${options.liveEvents ? LIVE_JS : ""}
</script>
</body>
</html>
`;
}
