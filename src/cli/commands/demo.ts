/**
 * `rewardlab demo` (what `npm start` runs): the question rewardlab exists
 * for, on built-in defaults. DoorKey-6x6 has a sparse reward; train PPO on
 * three designs of it (the task's reward alone; naive heuristic bonuses for
 * the key and the door with a step penalty; the same heuristics as
 * potential-based shaping), five seeds each, evaluate each final policy on
 * held-out episodes, compare the designs on the task's own (primary) reward
 * with IQM, bootstrap intervals and the probability of improvement, and
 * write the HTML report. About three minutes on two cores.
 */
import { readConfigFile } from "../../core/config.js";
import { packageFile } from "../../core/paths.js";
import type { Design } from "../../runs/compare.js";
import { auxiliaryTermNames, formatComparison, observations } from "../../runs/compare.js";
import { RunConfig } from "../../runs/config.js";
import { intOption, seedCount, seedsOption } from "../args.js";
import { saveReport, type ReportFlag } from "../report.js";
import { runComparison } from "./train.js";

const DESIGNS = ["sparse", "naive", "potential"];
/** The demo's defaults: five seeds, the fewest a verdict takes (`MIN_SEEDS_FOR_VERDICT`), in about three minutes on two cores. */
export const DEMO = { env: "DoorKey-6x6", steps: 120_000, seeds: "5" } as const;

export function demoDesigns(): Design[] {
  return DESIGNS.map((name) => ({ name, reward: readConfigFile(packageFile(`examples/rewards/doorkey-${name}.yaml`)) as RunConfig["reward"] }));
}

export async function demo(opts: { steps?: string; seeds?: string; workers?: string } & ReportFlag): Promise<void> {
  const steps = intOption(opts.steps ?? String(DEMO.steps), "--steps", 1);
  const seeds = seedsOption(opts.seeds ?? DEMO.seeds);
  const config = RunConfig.parse({ env: { id: DEMO.env }, numEnvs: 8, steps, seeds, learner: { algo: "ppo" } });
  const { episodes, policies } = config.evaluation;
  console.log(
    `rewardlab demo: PPO on ${DEMO.env} (sparse reward) under ${DESIGNS.length} reward designs, ${seedCount(seeds)} each, ${steps.toLocaleString("en")} steps per run; each final policy evaluated on ${episodes} held-out episodes (${policies.join(" and ")})\n`,
  );
  const t0 = performance.now();
  const designs = demoDesigns();
  const summaries = await runComparison(config, designs, opts);
  console.log(`\n${formatComparison(summaries, config.successThreshold)}\n`);
  const roles = new Map(designs.map((d) => [d.name, auxiliaryTermNames(d.reward, config.env)]));
  const notes = observations(summaries, (design, term) => roles.get(design)?.has(term) ?? false);
  for (const line of notes) console.log(line);
  console.log(`\n${summaries.length * seeds.length} runs in ${((performance.now() - t0) / 1000).toFixed(0)} s. Designs: examples/rewards/doorkey-{${DESIGNS.join(",")}}.yaml`);
  const rewards = Object.fromEntries(designs.map((d) => [d.name, d.reward]));
  saveReport(summaries, opts, "demo", { title: `rewardlab demo: PPO on ${DEMO.env} under ${DESIGNS.length} reward designs`, config: { ...config, name: "demo" }, notes, rewards });
}
