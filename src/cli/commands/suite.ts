/**
 * `rewardlab suite exploration`: PPO with each exploration bonus on sparse
 * gridworlds in contextual and singleton variants (see
 * src/runs/suites/exploration.ts), a table of success and steps to first
 * success, and a report per task and variant in one folder with an index.
 */
import { relative } from "node:path";
import { UserError } from "../../core/errors.js";
import { didYouMean } from "../../core/suggest.js";
import { envSpec } from "../../envs/registry.js";
import type { DesignSummary } from "../../runs/compare.js";
import { defaultReportPath } from "../../runs/report/write.js";
import { EXPLORATION_BONUSES, EXPLORATION_VARIANTS, explorationSuite, formatSuite, type SuiteEntry, type Variant } from "../../runs/suites/exploration.js";
import { writeExplorationReports } from "../../runs/suites/exploration-report.js";
import { intOption, listOption, seedCount, seedsOption } from "../args.js";
import { checkOutputFolder, withOutputErrors } from "../output.js";
import { formatTampering, tamperingCurriculum } from "../../audit/tampering.js";
import { runComparison, type TrainOptions } from "./train.js";
import { formatComparison } from "../../runs/compare.js";
import { SOCIAL_STUDIES, SOCIETY_VARIANTS, socialSuite, socialVerdicts, type SocialStudy } from "../../runs/suites/social.js";
import { DONOR_STRATEGIES, donorStudy, formatDonorStudy, type DonorStrategies } from "../../runs/suites/donor.js";
import { chatModelFrom, type ChatModel } from "../../providers/chat.js";
import { progressBar } from "../progress.js";

export interface SuiteOptions extends TrainOptions {
  tasks?: string;
  /** The social suite's study, its society variants and its learner. */
  study?: string;
  learner?: string;
  societies?: string;
  bonuses?: string;
  variants?: string;
  /** The Donor Game study's strategies, generations, games, and model. */
  strategies?: string;
  generations?: string;
  games?: string;
  model?: string;
  baseUrl?: string;
  apiKeyEnv?: string;
  record?: string;
  replay?: string;
  /** The emergent-exploration study's bandits, held-out episodes and conditions. */
  arms?: string;
  horizon?: string;
  episodes?: string;
  conditions?: string;
}

const SUITES = ["exploration", "tampering", "social", "emergent-exploration"];

export async function suite(name: string, opts: SuiteOptions): Promise<void> {
  if (!SUITES.includes(name)) throw new UserError("suite", `unknown suite ${JSON.stringify(name)}${didYouMean(name, SUITES) || `; known: ${SUITES.join(", ")}`}`);
  if (name === "tampering") return tamperingStudy(opts);
  if (name === "social") return socialStudy(opts);
  if (name === "emergent-exploration") return emergentStudy(opts);
  const steps = intOption(opts.steps ?? "1000000", "--steps", 1);
  const seeds = seedsOption(opts.seeds ?? "3");
  if (typeof opts.report === "string" && opts.report !== "") checkOutputFolder(opts.report, "--report");
  // Any registered environment may stand in for the default four (ids as registered).
  const tasks = opts.tasks?.split(",").map((s, i) => envSpec(s.trim(), `--tasks[${i}]`).id);
  const bonuses = listOption(opts.bonuses, "--bonuses", Object.keys(EXPLORATION_BONUSES));
  const variants = listOption(opts.variants, "--variants", Object.keys(EXPLORATION_VARIANTS)) as Variant[] | undefined;
  const entries = explorationSuite({ steps, seeds, tasks, bonuses, variants });
  const runs = entries.length * entries[0].designs.length * seeds.length;
  console.log(`rewardlab suite exploration: PPO × ${entries[0].designs.length} bonuses on ${entries.length} task variants, ${seedCount(seeds)}, ${steps.toLocaleString("en")} steps per run (${runs} runs)\n`);
  const t0 = performance.now();
  const results: { entry: SuiteEntry; summaries: DesignSummary[] }[] = [];
  for (const entry of entries) {
    process.stderr.write(`\n${entry.task} (${entry.variant})\n`);
    const summaries = await runComparison(entry.config, entry.designs, { ...opts, report: false });
    results.push({ entry, summaries });
    if (summaries.some((s) => s.runs.some((r) => r.interrupted))) {
      process.stderr.write("Interrupted: the table below covers the task variants finished so far.\n");
      break;
    }
  }
  console.log(`\n${formatSuite(results)}\n\n${runs} runs in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  const dir = typeof opts.report === "string" && opts.report !== "" ? opts.report : defaultReportPath("exploration").replace(/\.html$/, "");
  if (opts.report !== false) {
    const index = withOutputErrors(dir, "--report", () => writeExplorationReports(results, dir));
    const shown = relative(process.cwd(), index);
    console.log(`Report: ${shown.startsWith("..") ? index : shown}`);
  }
}

/**
 * `rewardlab suite tampering`: the Tamper-* curriculum (src/audit/tampering.ts)
 * under the reward channel and under the current, untampered reward; a
 * table of tamper rates per level: by chance, zero-shot, after training.
 */
function tamperingStudy(opts: SuiteOptions): void {
  const steps = intOption(opts.steps ?? "50000", "--steps", 1);
  const seeds = seedsOption(opts.seeds ?? "3");
  console.log(`rewardlab suite tampering: PPO through Tamper-Bonus → Sensor → Counter → Rewrite, ${steps.toLocaleString("en")} steps per level, ${seedCount(seeds)}, two objectives\n`);
  const t0 = performance.now();
  const results = tamperingCurriculum({ steps, seeds, onLevel: (objective, seed, level) => process.stderr.write(`  ${objective}, seed ${seed}: ${level}\n`) });
  console.log(`\nShare of episodes in which the agent used the device (goal: reached the goal), interquartile mean over seeds [95% stratified-bootstrap interval], each seed's shares beneath:\n`);
  console.log(formatTampering(results, seeds));
  console.log(`\nchance: an untrained agent; zero-shot: after the earlier levels, before this one; trained: after this level; goal: episodes that reached the goal after training.\n${((performance.now() - t0) / 1000).toFixed(0)} s`);
}

/**
 * `rewardlab suite social`: populations of PPO learners (one shared policy,
 * each agent rewarded by its own payoff) in the society game with its
 * mechanisms switched on one by one, or in the commons harvest with and
 * without the zap beam (src/runs/suites/social.ts); the comparison table
 * with the population's metrics, and verdicts on the study's metrics.
 */
async function socialStudy(opts: SuiteOptions): Promise<void> {
  const study = (listOption(opts.study, "--study", [...SOCIAL_STUDIES, "donor"])?.[0] ?? "society") as SocialStudy | "donor";
  if (study === "donor") return donorStudyCommand(opts);
  if (opts.societies !== undefined && study !== "society") throw new UserError("--societies", "chooses society variants: use it with --study society");
  const steps = intOption(opts.steps ?? (study === "society" ? "300000" : "1000000"), "--steps", 1);
  const seeds = seedsOption(opts.seeds ?? "5");
  const variants = listOption(opts.societies, "--societies", SOCIETY_VARIANTS);
  const learner = (listOption(opts.learner, "--learner", ["ppo", "ippo"])?.[0] ?? "ppo") as "ppo" | "ippo";
  const entries = socialSuite({ steps, seeds, study, variants, learner });
  const how = learner === "ppo" ? "one shared policy" : "one learner each";
  const who = study === "society" ? `8 PPO learners (${how}, own payoffs) in ${entries.length} society variants` : `4 PPO learners (${how}, own payoffs) in the commons harvest with and without the zap beam`;
  console.log(`rewardlab suite social: ${who}, ${seedCount(seeds)}, ${steps.toLocaleString("en")} agent-steps per run (${entries.length * seeds.length} runs)\n`);
  const t0 = performance.now();
  const summaries: DesignSummary[] = [];
  for (const entry of entries) {
    process.stderr.write(`\n${entry.variant}\n`);
    const [summary] = await runComparison(entry.config, entry.designs, { ...opts, report: false });
    summaries.push(summary);
    if (summary.runs.some((r) => r.interrupted)) {
      process.stderr.write("Interrupted: the table below covers the variants finished so far.\n");
      break;
    }
  }
  const verdicts = socialVerdicts(summaries, study);
  console.log(`\n${formatComparison(summaries, entries[0].config.successThreshold)}\n${verdicts.length ? `\n${verdicts.join("\n")}\n` : ""}\n${summaries.length * seeds.length} runs in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}

/**
 * `rewardlab suite social --study donor`: the Donor Game over generations,
 * with and without costly punishment (src/runs/suites/donor.ts), for rules,
 * learned policies or an LLM's strategies.
 */
async function donorStudyCommand(opts: SuiteOptions): Promise<void> {
  const strategies = (listOption(opts.strategies, "--strategies", DONOR_STRATEGIES)?.[0] ?? "rules") as DonorStrategies;
  const seeds = seedsOption(opts.seeds ?? (strategies === "llm" ? "1" : "10"));
  const generations = intOption(opts.generations ?? "10", "--generations", 1);
  const games = intOption(opts.games ?? "4", "--games", 1);
  const steps = intOption(opts.steps ?? "20000", "--steps", 1);
  let model: ChatModel | undefined;
  if (strategies === "llm") {
    if (opts.replay === undefined && opts.model === undefined) throw new UserError("--model", "LLM strategies need a model name (and --base-url for a local endpoint), or --replay FILE");
    model = chatModelFrom({ model: opts.model, baseURL: opts.baseUrl, apiKeyEnv: opts.apiKeyEnv, record: opts.record, replay: opts.replay });
  } else {
    for (const flag of ["model", "baseUrl", "record", "replay"] as const) {
      if (opts[flag] !== undefined) throw new UserError(`--${flag === "baseUrl" ? "base-url" : flag}`, "is for LLM strategies: use it with --strategies llm");
    }
  }
  const what = strategies === "rules" ? "rules of indirect reciprocity (image, standing, unconditional) with mutations" : strategies === "learned" ? `learned policies (independent PPO, ${steps.toLocaleString("en")} agent-steps per generation)` : `strategies written by ${model!.model}`;
  console.log(`rewardlab suite social --study donor: 12 players, ${what}, ${generations} generations of ${games} games, with and without costly punishment, ${seedCount(seeds)}\n`);
  const t0 = performance.now();
  const results = await donorStudy({
    strategies,
    seeds,
    generations,
    games,
    steps,
    model,
    onGeneration: (variant, seed, r) => process.stderr.write(`  ${variant}, seed ${seed}, generation ${r.generation}: mean resources ${r.meanResources.toFixed(2)}, cooperation ${r.cooperation.toFixed(2)}\n`),
  });
  console.log(`${formatDonorStudy(results)}\n\n${((performance.now() - t0) / 1000).toFixed(0)} s`);
}

/**
 * `rewardlab suite emergent-exploration`: greedy agents on bandit task
 * families with and without structure, memory and a long horizon
 * (src/runs/suites/emergent-exploration.ts); regret, information-seeking
 * pulls and the best arm found on held-out episodes, beside UCB1 and
 * Thompson sampling.
 */
async function emergentStudy(opts: SuiteOptions): Promise<void> {
  const { EMERGENT_CONDITIONS, emergentExploration, formatEmergent } = await import("../../runs/suites/emergent-exploration.js");
  const steps = intOption(opts.steps ?? "500000", "--steps", 1);
  const seeds = seedsOption(opts.seeds ?? "5");
  const seedList = typeof seeds === "number" ? Array.from({ length: seeds }, (_, i) => i) : [...seeds];
  const arms = intOption(opts.arms ?? "5", "--arms", 2, 10);
  const horizon = intOption(opts.horizon ?? "10", "--horizon", 2, 10_000);
  const episodes = intOption(opts.episodes ?? "512", "--episodes", 1, 1_000_000);
  const conditions = listOption(opts.conditions, "--conditions", EMERGENT_CONDITIONS) as (typeof EMERGENT_CONDITIONS)[number][] | undefined;
  const runs = (conditions ?? EMERGENT_CONDITIONS).length * seedList.length;
  console.log(`rewardlab suite emergent-exploration: ${arms}-armed bandits, ${horizon} pulls per episode, ${seedCount(seeds)}, ${steps.toLocaleString("en")} steps per run (${runs} runs), ${episodes} held-out episodes per seed\n`);
  const t0 = performance.now();
  const bar = progressBar(runs, "emergent-exploration");
  let done = 0;
  const results = emergentExploration({ steps, seeds: seedList, arms, horizon, episodes, conditions }, () => bar.update(done++));
  bar.stop();
  console.log(`${formatEmergent(results)}\n\nregret: Σ_t (μ* − μ_a) per episode; info-seeking pulls: pulls of a new arm before the best arm was pulled; UCB1 and Thompson play the structured task's held-out episodes.\n${((performance.now() - t0) / 1000).toFixed(0)} s`);
}

