/**
 * The report's static parts, rendered on the server as HTML (no script
 * needed to read them): the header line, the summary table (the terminal's
 * `formatComparison`: IQM over seeds with its bootstrap interval and each
 * seed's value, P(highest > this) and the verdict it allows, each term's
 * share of the return as a signed bar), notes, and the configuration.
 */
import { stringify } from "yaml";
import { SEED_BOOTSTRAP_REPS } from "../../core/rliable-bootstrap.js";
import { MIN_SEEDS_FOR_VERDICT, resultSource, type DesignSummary, type Estimate } from "../compare.js";
import { versusBest, versusLines, type Versus } from "../seed-verdicts.js";
import type { RunSummary } from "../train.js";
import type { RunConfig } from "../config.js";
import type { ReportData } from "./data.js";

/** Escapes text for HTML content and attribute values. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

const fixed = (x: number, digits: number) => (Number.isFinite(x) ? x.toFixed(digits) : "—");

/** "0.512 [0.401, 0.623]": an estimate and its interval, scaled (100 for percent). */
function estimate(e: Estimate, digits: number, scale = 1, unit = ""): string {
  if (!Number.isFinite(e.point)) return `<span class="num">—</span>`;
  const f = (x: number) => `${fixed(x * scale, digits)}${unit}`;
  return `<span class="num">${f(e.point)} <span class="pm">[${f(e.lo)}, ${f(e.hi)}]</span></span>`;
}

/** Each seed's value on a small line beneath the estimate, every seed named in its title. */
function perSeed(runs: readonly RunSummary[], value: (r: RunSummary) => number, digits: number, scale = 1): string {
  if (runs.every((r) => !Number.isFinite(value(r)))) return "";
  const f = (r: RunSummary) => (Number.isFinite(value(r)) ? fixed(value(r) * scale, digits) : "—");
  const title = runs.map((r) => `seed ${r.seed}: ${f(r)}`).join("; ");
  return `<div class="seeds" title="${esc(title)}">${runs.map(f).join(" ")}</div>`;
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
  const verdicts = versusBest(primaryValues(summaries));
  const highest = verdicts.best >= 0 ? summaries[verdicts.best].name : "";
  const versus = new Map(verdicts.versus.map((v) => [v.other, v]));
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
    const cls = verdicts.clear && k === verdicts.best ? ` class="best"` : "";
    const primary = `${estimate(s.primaryIqm, 3)}${perSeed(s.runs, (r) => r.finalPrimary, 3)}`;
    const success = `${estimate(s.successIqm, 0, 100, "%")}${perSeed(s.runs, (r) => r.finalSuccess, 0, 100)}`;
    return `<tr${cls}><td class="name"><span class="swatch" style="background: ${data.designs[k].color}"></span>${esc(s.name)}</td><td class="primary">${primary}</td><td>${success}</td><td class="versus">${versusCell(k, verdicts.best, versus.get(k), highest, summaries.length)}</td><td class="num">${steps}</td><td class="num">${s.runs.reduce((a, r) => a + r.episodes, 0).toLocaleString("en")}</td><td class="shares">${shares}</td></tr>`;
  });
  const versusHead = summaries.length > 1 ? `P(${esc(highest || "highest")} &gt; this)` : "";
  return `<table class="summary">
<thead><tr><th class="name">design</th><th>primary return</th><th>success</th><th class="versus">${versusHead}</th><th>steps to ${Math.round(threshold * 100)}% success</th><th>episodes</th><th class="shares">term shares of the return</th></tr></thead>
<tbody>${rows.join("\n")}</tbody></table>
<p class="footnote">Interquartile mean (IQM) over seeds [its 95% stratified percentile-bootstrap interval] (rliable, Agarwal et al. 2021; ${SEED_BOOTSTRAP_REPS.toLocaleString("en")} resamples; it never leaves the seeds' range), on the primary (true) reward ${esc(resultSource(summaries))}; beneath, each seed's value (hover for the seeds). P(${esc(highest || "highest")} &gt; this): the probability that a run of the design with the highest IQM beats a run of this one, with its bootstrap interval; a design is called better, and highlighted, only with ${MIN_SEEDS_FOR_VERDICT} or more seeds each and the interval wholly above ½, otherwise there is no clear difference. Steps to ${Math.round(threshold * 100)}%: mean over the seeds that got there (how many did). Term shares: each term's mean episode return over Σ|mean returns|, signed; the bar's centre is 0.</p>`;
}

const primaryValues = (summaries: readonly DesignSummary[]) => summaries.map((s) => ({ name: s.name, values: s.runs.map((r) => r.finalPrimary) }));

/** The pairwise verdicts on the primary reward as sentences, with their evidence: the notes of a report given none. */
export function verdictNotes(summaries: readonly DesignSummary[]): string[] {
  const values = primaryValues(summaries);
  return versusLines(values, versusBest(values), "the primary reward").map((l) => `${l}.`);
}

/** The row's P(highest > this) with its interval and verdict; the highest row says so. */
function versusCell(k: number, best: number, v: Versus | undefined, highest: string, designs: number): string {
  if (designs < 2) return "";
  if (k === best) return `<span class="verdict">highest IQM</span>`;
  if (!v) return `<span class="num">—</span>`;
  const word = v.verdict === "better" ? `${esc(highest)} better` : v.verdict === "no clear difference" ? "no clear difference" : `too few seeds (${MIN_SEEDS_FOR_VERDICT} each needed)`;
  return `${estimate(v.poi, 2)}<div class="verdict ${v.verdict === "better" ? "better" : ""}">${word}</div>`;
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
