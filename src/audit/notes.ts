/**
 * An audit's findings in words, one line each (with an example episode or
 * two): for the HTML report's notes and the dashboard's run pages.
 */
import type { Finding, HackingReport } from "./hacking.js";
import type { ReplayedEpisode } from "./replay.js";

/** "\n    e.g. episode ending at step 1200 (env 3): firings 41": a finding's example episodes. */
export function episodeList(f: Finding): string {
  const eps = f.evidence.episodes;
  if (!Array.isArray(eps) || eps.length === 0) return "";
  const what = f.kind === "stalling" ? "length" : "firings";
  return `\n    e.g. ${eps.map((e) => `episode ending at step ${e.step} (env ${e.env}): ${what} ${e.value}`).join("; ")}`;
}

export function auditNotes(r: HackingReport, replays: readonly ReplayedEpisode[]): string[] {
  const notes = r.findings.map((f) => `⚠ ${f.kind}${f.term ? ` (${f.term})` : ""}: ${f.message}${episodeList(f).replace(/\n\s+/, " — ")}`);
  if (notes.length === 0) notes.push("Audit: no sign of reward hacking.");
  for (const e of replays) if (e.cycle) notes.push(`Replay (held-out seed ${e.seed}): a state comes back ${e.cycle.visits} times in ${e.length} steps; one loop: ${e.cycle.actions.join(", ")}.`);
  return notes;
}
