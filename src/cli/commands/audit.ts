/**
 * `rewardlab audit RUN_ID`: looks for reward hacking in a stored run
 * (src/audit/hacking.ts) and, where the run has a checkpoint on a
 * gridworld, replays its policy to show what the agent does (cycles,
 * events fired). Findings print with their evidence and go into the run's
 * HTML report.
 */
import { parseConfig } from "../../core/config.js";
import { detectHacking, type HackingReport } from "../../audit/hacking.js";
import { auditNotes, episodeList } from "../../audit/notes.js";
import { replayPolicy, type ReplayedEpisode } from "../../audit/replay.js";
import { auditTerms } from "../../audit/run-terms.js";
import { RunConfig } from "../../runs/config.js";
import { storedSelection } from "../../runs/from-store.js";
import { storedPolicy } from "../../runs/policy.js";
import { defaultStoreLocation, findRun, openStore } from "../../runs/store/index.js";
import { intOption } from "../args.js";
import { checkReportFlag, saveReport, type ReportFlag } from "../report.js";

export interface AuditOptions extends ReportFlag {
  db?: string;
  replays?: string;
  json?: boolean;
}

export async function audit(id: string, opts: AuditOptions): Promise<void> {
  const replays = intOption(opts.replays ?? "3", "--replays", 0);
  checkReportFlag(opts);
  const store = await openStore(opts.db ?? defaultStoreLocation(), { create: false });
  try {
    const run = await findRun(store, id, "run");
    const config = parseConfig(RunConfig, run.config, `run ${run.id}: config`);
    const report = detectHacking(await store.episodes(run.id), auditTerms(config));
    const checkpoint = replays > 0 ? await store.latestCheckpoint(run.id) : undefined;
    const episodes = checkpoint && !["q-learning", "sarsa"].includes(config.learner.algo) ? replayPolicy(await storedPolicy(store, run.id, "run"), replays, config.evaluation.seed) : [];
    if (opts.json) {
      console.log(JSON.stringify({ run: run.id, ...report, replays: episodes }));
      return;
    }
    console.log(formatAudit(run.id, run.name, report, episodes));
    if (opts.report !== false) {
      const selection = await storedSelection(store, run.id);
      saveReport(selection.designs, opts.report === undefined ? { report: undefined } : opts, `audit-${run.name}`, {
        title: `Audit of run ${run.name} (${run.id})`,
        config: selection.config,
        rewards: selection.rewards,
        notes: auditNotes(report, episodes),
      });
    }
  } finally {
    await store.close();
  }
}

export function formatAudit(id: string, name: string, r: HackingReport, replays: readonly ReplayedEpisode[]): string {
  const lines = [`Audit of run ${name} (${id}): ${r.episodes} episodes`];
  const row = (label: string, w: HackingReport["early"]) =>
    `  ${label.padEnd(6)} steps ${w.fromStep}–${w.toStep}: primary ${w.primary.toFixed(3)}, learned-from ${w.proxy.toFixed(3)}, success ${Number.isNaN(w.success) ? "—" : w.success.toFixed(2)}, length ${w.length.toFixed(0)}; terms ${Object.entries(w.terms).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(", ")}`;
  lines.push(row("early", r.early), row("late", r.late), "");
  if (r.findings.length === 0) lines.push(r.episodes < 30 ? "Too few episodes to judge (fewer than 30)." : "No sign of reward hacking.");
  for (const f of r.findings) lines.push(`⚠ ${f.kind}${f.term ? ` (${f.term})` : ""}: ${f.message}${episodeList(f)}`);
  for (const e of replays) {
    const fired = Object.entries(e.events).filter(([k]) => k !== "bump").map(([k, v]) => `${k} ×${v}`).join(", ") || "none";
    lines.push("", `Replay (held-out seed ${e.seed}): ${e.length} steps, task return ${e.taskReturn.toFixed(3)}, events ${fired}`);
    if (e.cycle) lines.push(`  a state comes back ${e.cycle.visits} times; one loop: ${e.cycle.actions.join(", ")}`, ...e.cycle.picture.split("\n").map((l) => `    ${l}`));
  }
  return lines.join("\n");
}

