/**
 * The report's static parts, rendered on the server as HTML (no script
 * needed to read them): the header line, the summary table (the terminal's
 * `formatComparison`, with each term's share of the return as a signed bar),
 * notes, and the configuration.
 */
import { stringify } from "yaml";
import type { DesignSummary } from "../compare.js";
import type { RunConfig } from "../config.js";
import type { ReportData } from "./data.js";

/** Escapes text for HTML content and attribute values. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

const fixed = (x: number, digits: number) => (Number.isFinite(x) ? x.toFixed(digits) : "—");

function pm(m: number, ci: number, digits: number, scale = 1, unit = ""): string {
  if (!Number.isFinite(m)) return `<span class="num">—</span>`;
  const ciText = Number.isFinite(ci) ? ` <span class="pm">± ${fixed(ci * scale, digits)}${unit}</span>` : "";
  return `<span class="num">${fixed(m * scale, digits)}${unit}${ciText}</span>`;
}

export function formatSteps(steps: number): string {
  if (steps >= 1e6) return `${+(steps / 1e6).toFixed(2)}M`;
  if (steps >= 1e3) return `${+(steps / 1e3).toFixed(1)}k`;
  return String(Math.round(steps));
}

/** "DoorKey-8x8 · ppo · 8 environments · 500,000 steps per run · 2 seeds". */
export function metaLine(config: RunConfig, generatedAt: Date, version: string): string {
  const seeds = config.seeds.length;
  const parts = [
    `environment <b>${esc(config.env.id)}</b>`,
    `learner <b>${esc(config.learner.algo)}</b>`,
    `${config.numEnvs} parallel environments`,
    `${config.steps.toLocaleString("en")} steps per run`,
    `${seeds} seed${seeds === 1 ? "" : "s"} (${esc(config.seeds.join(", "))})`,
    `generated ${esc(generatedAt.toISOString().replace("T", " ").slice(0, 16))} UTC`,
    `rewardlab ${esc(version)}`,
  ];
  return parts.map((p) => `<span>${p}</span>`).join("");
}

export function summaryTable(summaries: readonly DesignSummary[], data: ReportData, threshold: number): string {
  const best = summaries.reduce<DesignSummary | undefined>((a, b) => (!a || b.primary.mean > a.primary.mean ? b : a), undefined);
  const termColor = new Map(data.terms.map((t) => [t.name, t.color]));
  const rows = summaries.map((s, k) => {
    const steps = s.stepsToThreshold.reached ? `${formatSteps(s.stepsToThreshold.mean)} <span class="pm">(${s.stepsToThreshold.reached}/${s.runs.length})</span>` : `— <span class="pm">(0/${s.runs.length})</span>`;
    const shares = Object.entries(s.termShares)
      .map(([t, v]) => {
        const w = Math.min(50, Math.abs(v) * 50);
        const pos = v >= 0 ? `left: 50%; width: ${w}%` : `left: ${50 - w}%; width: ${w}%`;
        return `<div class="share" title="${esc(t)}: ${(100 * v).toFixed(1)}% of the return"><span class="bar"><i style="${pos}; background: ${termColor.get(t) ?? "#888"}"></i></span><span class="label">${esc(t)} <span class="num">${(100 * v).toFixed(0)}%</span></span></div>`;
      })
      .join("");
    const cls = s === best && summaries.length > 1 ? ` class="best"` : "";
    return `<tr${cls}><td class="name"><span class="swatch" style="background: ${data.designs[k].color}"></span>${esc(s.name)}</td><td class="primary">${pm(s.primary.mean, s.primary.ci, 3)}</td><td>${pm(s.success.mean, s.success.ci, 0, 100, "%")}</td><td class="num">${steps}</td><td class="num">${s.runs.reduce((a, r) => a + r.episodes, 0).toLocaleString("en")}</td><td class="shares">${shares}</td></tr>`;
  });
  return `<table class="summary">
<thead><tr><th class="name">design</th><th>primary return</th><th>success</th><th>steps to ${Math.round(threshold * 100)}% success</th><th>episodes</th><th class="shares">term shares of the return</th></tr></thead>
<tbody>${rows.join("\n")}</tbody></table>
<p class="footnote">Mean ± 95% confidence interval over seeds (Student's t), on the primary (true) reward over each run's last ${data.window} episodes. Steps to ${Math.round(threshold * 100)}%: mean over the seeds that got there (how many did). Term shares: each term's mean episode return over Σ|mean returns|, signed; the bar's centre is 0.</p>`;
}

export function notesList(notes: readonly string[]): string {
  return notes.length ? `<ul class="notes">${notes.map((n) => `<li>${esc(n)}</li>`).join("")}</ul>` : "";
}

/** The run config (open) and each design's reward spec (collapsed), as YAML. */
export function configBlocks(config: RunConfig, rewards: Record<string, unknown> | undefined): string {
  const { reward, ...rest } = config;
  const blocks = [`<details class="config" open><summary>Run configuration</summary><pre>${esc(stringify(rest))}</pre></details>`];
  const specs = rewards ?? { [config.name ?? "reward"]: reward };
  for (const [name, spec] of Object.entries(specs)) blocks.push(`<details class="config"><summary>Reward design: ${esc(name)}</summary><pre>${esc(stringify(spec))}</pre></details>`);
  return blocks.join("\n");
}
