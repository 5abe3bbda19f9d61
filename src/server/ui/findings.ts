/**
 * A run page's findings in the dashboard: the audit's (reward hacking
 * signs in the stored episodes, src/audit/hacking.ts) and the reward
 * check's (the run's reward spec on its environment under a random policy,
 * src/rewards/check.ts), each a section in the report's style.
 */
import { parseConfig } from "../../core/config.js";
import { detectHacking } from "../../audit/hacking.js";
import { auditNotes } from "../../audit/notes.js";
import { auditTerms } from "../../audit/run-terms.js";
import { checkReward } from "../../rewards/check.js";
import { makeRewarded } from "../../rewards/make.js";
import { RunConfig } from "../../runs/config.js";
import { esc } from "../../runs/report/table.js";
import type { AnyStore, RunRecord } from "../../runs/store/index.js";

/** Random-policy steps per environment of the page's reward check (the CLI's default is 2,000). */
const CHECK_STEPS = 500;

export async function findingsSections(store: AnyStore, run: RunRecord): Promise<string> {
  const config = parseConfig(RunConfig, run.config, `run ${run.id}: config`);
  const audit = detectHacking(await store.episodes(run.id), auditTerms(config));
  const auditItems = audit.episodes < 30 ? ["Too few episodes to judge yet (fewer than 30)."] : auditNotes(audit, []);
  let checkItems: string[];
  try {
    const report = checkReward(makeRewarded(config.env.id, 4, config.reward, { kwargs: config.env.kwargs }), { steps: CHECK_STEPS, seed: 0 });
    checkItems = report.findings.length ? report.findings.map((f) => `${f.severity} [${f.code}] ${f.message}`) : ["No findings."];
  } catch (e) {
    checkItems = [`The check could not run: ${(e as Error).message}`];
  }
  const list = (items: readonly string[]) => `<ul class="notes">${items.map((i) => `<li>${esc(i)}</li>`).join("")}</ul>`;
  return `<section id="audit"><h2>Audit findings</h2><p class="lead">Signs of reward hacking in this run's episodes (${audit.episodes}): the learned-from reward rising while the primary does not, one term dominating, events farmed, episodes stalled. As <code>rewardlab audit ${esc(run.id)}</code> finds them, without the policy replays.</p>${list(auditItems)}</section>
<section id="reward-check"><h2>Reward check</h2><p class="lead">The run's reward spec on ${esc(config.env.id)} under a random policy (4 environments × ${CHECK_STEPS} steps), as <code>rewardlab reward check</code> reports it.</p>${list(checkItems)}</section>`;
}
