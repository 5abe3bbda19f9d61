/**
 * The trajectory analyzer (Auto MC-Reward's, without a model): what the
 * failed held-out episodes of a trained candidate did, set beside the
 * successful ones, in a few lines a designer can act on. Which events the
 * successes reach and the failures rarely do shows where failures stall;
 * failures that run to the step limit wander, failures that end early hit
 * something that ends them.
 */
import type { Outcomes } from "../runs/evaluate.js";

/** How far apart an event's shares must be to be called out as a difference. */
const NOTABLE = 0.25;
/** Events that mark the outcome itself: that they differ says nothing. */
const OUTCOME_EVENTS = new Set(["success", "failure", "done"]);

export function analyzeOutcomes(outcomes: Outcomes | undefined): string {
  if (!outcomes) return "(the task has no notion of success: no episodes to compare)";
  const { success: s, failure: f } = outcomes;
  const total = s.episodes + f.episodes;
  const lines: string[] = [];
  const pct = (x: number) => `${Math.round(100 * x)}%`;
  const fired = (events: Record<string, number>) =>
    Object.entries(events)
      .filter(([, share]) => share > 0)
      .sort((a, b) => b[1] - a[1])
      .map(([name, share]) => `${name} ${pct(share)}`)
      .join(", ") || "none";
  if (f.episodes > 0) {
    const end = f.truncated === 1 ? "all ran out of steps" : f.truncated === 0 ? "all ended early, in a terminal state" : `${pct(f.truncated)} ran out of steps, the rest ended early`;
    lines.push(`Failed: ${f.episodes} of ${total} episodes, mean length ${f.length.toFixed(1)}; ${end}. Events fired in them: ${fired(f.events)}.`);
  } else lines.push(`No episode of ${total} failed.`);
  if (s.episodes > 0) lines.push(`Succeeded: ${s.episodes} of ${total} episodes, mean length ${s.length.toFixed(1)}. Events fired in them: ${fired(s.events)}.`);
  else lines.push(`No episode of ${total} succeeded.`);
  if (s.episodes > 0 && f.episodes > 0) {
    const gaps = Object.keys(s.events)
      .filter((name) => !OUTCOME_EVENTS.has(name))
      .map((name) => ({ name, gap: s.events[name] - f.events[name] }))
      .filter((g) => Math.abs(g.gap) >= NOTABLE)
      .sort((a, b) => Math.abs(b.gap) - Math.abs(a.gap));
    for (const { name, gap } of gaps.slice(0, 4)) {
      lines.push(gap > 0 ? `${name} fires in ${pct(s.events[name])} of successes but ${pct(f.events[name])} of failures: failed episodes stall before it.` : `${name} fires in ${pct(f.events[name])} of failures but ${pct(s.events[name])} of successes: it goes with failing.`);
    }
  }
  return lines.join("\n");
}
