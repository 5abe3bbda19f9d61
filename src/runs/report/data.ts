/**
 * The data a report page draws, as one JSON-ready object: curves on a shared
 * step grid (mean and 95% band over seeds), each design's visited cells
 * summed over seeds, and its best and worst evaluation episodes over all
 * seeds. Designs get fixed colors here so the table, charts and legends agree.
 */
import type { DesignSummary } from "../compare.js";
import { aggregateCurves, type Band, type Series } from "./aggregate.js";
import type { Replay } from "./record.js";

/** Okabe–Ito colors (distinguishable with common color-vision deficiencies), then a few more. */
export const PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#8C6D31", "#000000", "#7F7F7F", "#B5BD00"];

export const colorOf = (k: number): string => PALETTE[k % PALETTE.length];

/** Terms get Tableau 10, so a term's line is not mistaken for a design's. */
export const TERM_PALETTE = ["#4E79A7", "#F28E2B", "#E15759", "#76B7B2", "#59A14F", "#EDC948", "#B07AA1", "#FF9DA7", "#9C755F", "#BAB0AC"];

export interface ReportReplay extends Replay {
  /** The training seed of the run whose final policy played it. */
  runSeed: number;
}

export interface ReportDesign {
  name: string;
  color: string;
  primary: Band;
  success: Band;
  terms: Record<string, Series>;
  visits?: { width: number; height: number; counts: number[]; steps: number; fromStep: number; toStep: number; runs: number };
  /** Multi-agent runs: each agent's mean primary return over training (mean over seeds). */
  agents?: Series[];
  /** Multi-agent board games: each agent's visits, summed over seeds. */
  agentVisits?: { width: number; height: number; counts: number[][] };
  evaluation?: { episodes: number; meanPrimary: number | null; success: number | null; best: ReportReplay; worst: ReportReplay };
}

export interface ReportData {
  steps: number[];
  /** Every term name, in order of first appearance, and its color. */
  terms: { name: string; color: string }[];
  designs: ReportDesign[];
  window: number;
  hasSuccess: boolean;
  /** Colors of agent indices in per-agent charts. */
  agentColors: string[];
}

export function reportData(summaries: readonly DesignSummary[], window: number): ReportData {
  const curves = aggregateCurves(summaries);
  const termNames = [...new Set(summaries.flatMap((s) => Object.keys(s.runs[0]?.termReturns ?? {})))];
  const designs = summaries.map((s, k): ReportDesign => {
    const c = curves.designs[k];
    const out: ReportDesign = { name: s.name, color: colorOf(k), primary: c.primary, success: c.success, terms: c.terms };
    if (c.agents) out.agents = c.agents;
    const perAgent = s.runs.map((r) => r.recording?.agentVisits).filter((v) => v !== undefined);
    if (perAgent.length > 0) {
      const { width, height, counts } = perAgent[0];
      const same = perAgent.filter((v) => v.width === width && v.height === height && v.counts.length === counts.length);
      out.agentVisits = { width, height, counts: counts.map((c, j) => c.map((_, i) => same.reduce((a, v) => a + v.counts[j][i], 0))) };
    }
    const recorded = s.runs.filter((r) => r.recording);
    const first = recorded[0]?.recording?.visits;
    if (first) {
      const same = recorded.map((r) => r.recording!.visits).filter((v) => v.width === first.width && v.height === first.height);
      out.visits = {
        width: first.width,
        height: first.height,
        counts: first.counts.map((_, i) => same.reduce((a, v) => a + v.counts[i], 0)),
        steps: same.reduce((a, v) => a + v.steps, 0),
        fromStep: first.fromStep,
        toStep: Math.max(...recorded.map((r) => r.steps)),
        runs: same.length,
      };
    }
    let best: ReportReplay | undefined;
    let worst: ReportReplay | undefined;
    const primaries: number[] = [];
    const successes: number[] = [];
    for (const r of recorded) {
      const e = r.recording!.evaluation;
      if (!e) continue;
      primaries.push(...e.primaries);
      successes.push(e.success * e.primaries.length);
      if (!best || e.best.primary > best.primary || (e.best.primary === best.primary && e.best.length < best.length)) best = { ...e.best, runSeed: r.seed };
      if (!worst || e.worst.primary < worst.primary || (e.worst.primary === worst.primary && e.worst.length >= worst.length)) worst = { ...e.worst, runSeed: r.seed };
    }
    if (best && worst) {
      const mean = primaries.reduce((a, b) => a + b, 0) / primaries.length;
      const success = successes.reduce((a, b) => a + b, 0) / primaries.length;
      out.evaluation = { episodes: primaries.length, meanPrimary: finite(mean), success: finite(success), best, worst };
    }
    return out;
  });
  const hasSuccess = summaries.some((s) => s.runs.some((r) => r.curve.some((p) => Number.isFinite(p.success))));
  return { steps: curves.steps, terms: termNames.map((name, k) => ({ name, color: TERM_PALETTE[k % TERM_PALETTE.length] })), designs, window, hasSuccess, agentColors: TERM_PALETTE };
}

function finite(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

/**
 * JSON for a `<script type="application/json">` block: NaN and ±Infinity
 * become null, and `<` is escaped so no text (a frame's `<<` agent, a
 * design named `</script>`) can close the block.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? null : v)).replace(/</g, "\\u003c");
}
