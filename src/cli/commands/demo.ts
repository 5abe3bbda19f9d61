/**
 * `rewardlab demo` (what `npm start` runs): the question rewardlab exists
 * for, on built-in defaults. DoorKey-8x8 has a sparse reward; train PPO on
 * three designs of it (the task's reward alone; naive heuristic bonuses for
 * the key and the door with a step penalty; the same heuristics as
 * potential-based shaping), two seeds each, and compare them on the task's
 * own (primary) reward, then write the HTML report.
 */
import { readConfigFile } from "../../core/config.js";
import { packageFile } from "../../core/paths.js";
import type { Design } from "../../runs/compare.js";
import { formatComparison, observations } from "../../runs/compare.js";
import { compileReward } from "../../rewards/program.js";
import { envInfoOf } from "../../rewards/rewarded.js";
import { make } from "../../envs/registry.js";
import { RunConfig } from "../../runs/config.js";
import { intOption, seedCount, seedsOption } from "../args.js";
import { saveReport, type ReportFlag } from "../report.js";
import { runComparison } from "./train.js";

const DESIGNS = ["sparse", "naive", "potential"];

export function demoDesigns(): Design[] {
  return DESIGNS.map((name) => ({ name, reward: readConfigFile(packageFile(`examples/rewards/doorkey-${name}.yaml`)) as RunConfig["reward"] }));
}

export async function demo(opts: { steps?: string; seeds?: string; workers?: string } & ReportFlag): Promise<void> {
  const steps = intOption(opts.steps ?? "500000", "--steps", 1);
  const seeds = seedsOption(opts.seeds ?? "2");
  const config = RunConfig.parse({ env: { id: "DoorKey-8x8" }, numEnvs: 8, steps, seeds, learner: { algo: "ppo" } });
  console.log(`rewardlab demo: PPO on DoorKey-8x8 (sparse reward) under ${DESIGNS.length} reward designs, ${seedCount(seeds)} each, ${steps.toLocaleString("en")} steps per run\n`);
  const t0 = performance.now();
  const designs = demoDesigns();
  const summaries = await runComparison(config, designs, opts);
  console.log(`\n${formatComparison(summaries, config.successThreshold)}\n`);
  const roles = new Map(designs.map((d) => [d.name, auxiliaryTerms(d.reward)]));
  const notes = observations(summaries, (design, term) => roles.get(design)?.has(term) ?? false);
  for (const line of notes) console.log(line);
  console.log(`\n${summaries.length * seeds.length} runs in ${((performance.now() - t0) / 1000).toFixed(0)} s. Designs: examples/rewards/doorkey-{${DESIGNS.join(",")}}.yaml`);
  const rewards = Object.fromEntries(designs.map((d) => [d.name, d.reward]));
  saveReport(summaries, opts, "demo", { title: `rewardlab demo: PPO on DoorKey-8x8 under ${DESIGNS.length} reward designs`, config: { ...config, name: "demo" }, notes, rewards });
}

/** Names of a spec's auxiliary terms, as compiled against the demo's environment. */
function auxiliaryTerms(spec: unknown): Set<string> {
  const program = compileReward(spec, envInfoOf(make("DoorKey-8x8")));
  return new Set(program.terms.filter((t) => t.role === "auxiliary").map((t) => t.name));
}
