/**
 * `rewardlab design CONFIG`: design a reward for the config's environment.
 * Without a model, the model-free designer evolves specs built from the
 * environment's features and events; with `--model` (a live endpoint,
 * `--llm URL`), or `--replay CASSETTE`, a language model writes them
 * (Eureka's loop with a critic, repairs and reflection). Either way each
 * candidate meets the critic and the pre-screen, the rest train and are
 * judged by the task's own reward on held-out episodes. Prints each
 * candidate as it is judged and the best spec; the lineage goes to the run
 * store (`--db`) and an HTML report (`--report`); `--out` writes the best
 * spec as YAML.
 */
import { stringify } from "yaml";
import { defaultStoreLocation, isPostgresUrl, openStore, redactUrl } from "../../runs/store/index.js";
import { UserError } from "../../core/errors.js";
import { numberOption, intOption, seedsOption } from "../args.js";
import { checkOutputFile, withOutputErrors, writeOutputFile } from "../output.js";
import { progressBar } from "../progress.js";
import { checkReportFlag } from "../report.js";
import type { Candidate, DesignResult } from "../../design/loop.js";

export interface DesignOpts {
  population?: string;
  iterations?: string;
  elite?: string;
  seeds?: string;
  maxTerms?: string;
  checkSteps?: string;
  seed?: string;
  finalists?: string;
  finalSeeds?: string;
  prescreen?: string;
  prescreenDemos?: string;
  workers?: string;
  // The language-model designer.
  model?: string;
  llm?: string;
  apiKeyEnv?: string;
  samples?: string;
  task?: string;
  prompts?: string;
  record?: string;
  replay?: string;
  temperature?: string;
  repairs?: string;
  rpm?: string;
  price?: string;
  parameters?: string;
  allowCode?: boolean;
  out?: string;
  json?: boolean;
  report?: string | boolean;
  db?: string | false;
}

export async function design(file: string, opts: DesignOpts): Promise<void> {
  const { loadRunConfig } = await import("../../runs/config.js");
  const { validateRun } = await import("../../runs/validate.js");
  const { checkFinalSeeds, designRewards } = await import("../../design/loop.js");
  const { termList } = await import("../../design/llm.js");
  const config = loadRunConfig(file);
  validateRun(config);
  const withModel = opts.model !== undefined || opts.replay !== undefined || opts.llm !== undefined;
  if (!withModel) {
    for (const [flag, value] of Object.entries({ "--allow-code": opts.allowCode, "--parameters": opts.parameters, "--samples": opts.samples, "--task": opts.task, "--prompts": opts.prompts, "--record": opts.record, "--temperature": opts.temperature, "--repairs": opts.repairs, "--rpm": opts.rpm, "--price": opts.price })) {
      if (value !== undefined) throw new UserError(flag, "is for the language-model designer: give --model (with --llm URL for a local server) or --replay CASSETTE");
    }
  }
  const population = intOption(opts.population ?? "6", "--population", 2, 1000);
  const seeds = seedsOption(opts.seeds ?? "2");
  const finalists = intOption(opts.finalists ?? "3", "--finalists", 0, 1000);
  const finalSeeds = finalists === 0 ? [] : seedsOption(opts.finalSeeds ?? "1000-1004", "--final-seeds");
  checkFinalSeeds(seeds, finalSeeds, "--final-seeds");
  const episodes = intOption(opts.prescreen ?? "64", "--prescreen", 0, 100_000);
  const demonstrations = opts.prescreenDemos === undefined ? undefined : await prescreenDemos(opts.prescreenDemos, config);
  const loop = {
    iterations: intOption(opts.iterations ?? "3", "--iterations", 1, 1000),
    seeds,
    checkSteps: intOption(opts.checkSteps ?? "200", "--check-steps", 1, 1_000_000),
    seed: intOption(opts.seed ?? "0", "--seed", 0),
    repairs: intOption(opts.repairs ?? "1", "--repairs", 0, 10),
    finalists,
    finalSeeds,
    workers: intOption(opts.workers ?? "2", "--workers", 1, 64),
    ...(episodes > 0 || demonstrations ? { prescreen: { episodes, threshold: 0.5, ...(demonstrations ? { demonstrations } : {}) } } : {}),
  };
  const price = opts.price === undefined ? undefined : priceOption(opts.price);
  if (opts.out) checkOutputFile(opts.out, "--out");
  checkReportFlag(opts);

  const { designer, candidates, calls, usage } = withModel ? await modelDesigner(config, opts) : await evolution(config, opts, population, loop.seed);
  const name = `design-${config.name ?? config.env.id}`;
  const lineage = opts.db === false ? undefined : await openLineage(opts.db ?? defaultStoreLocation(), name, designer.name, config, { ...loop, population, designer: designer.name });
  const total = candidates(loop.iterations);
  const bar = opts.json ? undefined : progressBar(total, "candidates");
  const lines: string[] = [];
  let done = 0;
  let result: DesignResult;
  try {
    result = await designRewards(config, designer, loop, {
      onCandidate(c) {
        lineage?.writer.candidate(c);
        lines.push(candidateLine(c, termList));
        bar?.update(Math.min(total, ++done));
      },
      onIteration: () => calls && lineage?.writer.calls(calls),
    });
  } catch (e) {
    bar?.stop();
    if (calls) lineage?.writer.calls(calls);
    await lineage?.writer.fail((e as Error).message);
    await lineage?.close();
    throw e;
  }
  bar?.stop();
  if (calls) lineage?.writer.calls(calls);
  const cost = usage && price ? (usage.prompt * price.prompt + usage.completion * price.completion) / 1e6 : undefined;
  const summary = {
    best: result.best.id,
    finalists: result.finalists.map((c) => c.id),
    runs: result.runs,
    saved: result.saved,
    rejected: result.rejected,
    ...(usage ? { usage: { ...usage, ...(cost !== undefined ? { cost } : {}) } } : {}),
  };
  await lineage?.writer.finish(result, summary);
  await lineage?.close();

  const judged = result.finalists.length ? `${result.best.finalScore} on final seeds ${finalSeeds.join(", ")}` : `${result.best.score} on seeds ${seeds.join(", ")}`;
  if (opts.out) writeOutputFile(opts.out, `# rewardlab design ${file}: candidate ${result.best.id}, mean final primary return ${judged}\n${stringify(result.best.spec)}`, "--out");
  const reportPath = opts.report === false ? undefined : await writeDesignReport(opts, name, file, config, designer.name, loop, result, calls ?? [], summary);
  if (opts.json) {
    console.log(JSON.stringify({ ...result, ...(lineage ? { designId: lineage.writer.designId } : {}), ...(usage ? { usage: summary.usage } : {}), calls }));
    return;
  }
  console.log(`candidate origin    parents        score  terms (score: mean primary return of the final evaluations, seeds ${seeds.join(", ")})`);
  for (const line of lines) console.log(line);
  if (result.finalists.length) console.log(`\nfinalists re-checked on seeds ${finalSeeds.join(", ")}: ${result.finalists.map((c) => `${c.id} ${c.finalScore!.toFixed(3)}`).join(", ")}`);
  const on = result.finalists.length ? `${result.best.finalScore!.toFixed(3)} on the final seeds` : result.best.score!.toFixed(3);
  const failedTraining = result.rejected.training ? `; ${result.rejected.training} failed in training` : "";
  console.log(`\nbest: ${result.best.id} (${on}); ${result.runs} training runs; rejected before training: ${result.rejected.critic} by the critic, ${result.rejected.prescreen} by the pre-screen (${result.saved} runs saved)${failedTraining}`);
  if (usage) console.log(`model ${designer.name}: ${usage.calls} calls, ${usage.prompt} prompt + ${usage.completion} completion tokens${cost !== undefined ? `, $${cost.toFixed(4)}` : ""}`);
  if (lineage) console.log(`lineage: design ${lineage.writer.designId} in ${redactUrl(opts.db || defaultStoreLocation())}`);
  if (reportPath) console.log(`Report: ${reportPath}`);
  console.log(stringify(result.best.spec).trimEnd());
}

async function evolution(config: import("../../runs/config.js").RunConfig, opts: DesignOpts, population: number, seed: number) {
  const { evolutionDesigner } = await import("../../design/evolve.js");
  const { SCALE_ENVS, SCALE_STEPS, sparseSpec, vocabularyOf } = await import("../../design/genome.js");
  const { makeRewarded } = await import("../../rewards/make.js");
  const elite = intOption(opts.elite ?? "2", "--elite", 1, population - 1);
  const maxTerms = intOption(opts.maxTerms ?? "3", "--max-terms", 1, 20);
  const vocab = vocabularyOf(makeRewarded(config.env.id, SCALE_ENVS, sparseSpec(), { kwargs: config.env.kwargs }).vec, SCALE_STEPS, seed);
  const gamma = (config.learner as { gamma?: number }).gamma ?? 0.99;
  const designer = evolutionDesigner(vocab, { gamma, maxTerms }, { population, elite, maxTerms, seed });
  // Iteration 0 is the whole population; later ones fill it after the elites.
  return { designer, candidates: (iterations: number) => population + (iterations - 1) * (population - elite), calls: undefined, usage: undefined };
}

async function modelDesigner(config: import("../../runs/config.js").RunConfig, opts: DesignOpts) {
  for (const flag of ["population", "elite"] as const) if (opts[flag] !== undefined) throw new UserError(`--${flag}`, "is for the model-free designer; the language-model designer takes --samples");
  const { chatModelFrom } = await import("../../providers/chat.js");
  const { llmDesigner } = await import("../../design/llm.js");
  const { loadPrompts } = await import("../../design/prompts.js");
  const { describeEnv } = await import("../../envs/registry.js");
  const samples = intOption(opts.samples ?? "4", "--samples", 1, 64);
  const prompts = opts.prompts !== undefined ? loadPrompts(opts.prompts) : loadPrompts();
  const rpm = opts.rpm === undefined ? undefined : intOption(opts.rpm, "--rpm", 1);
  const model = chatModelFrom({ model: opts.model, baseURL: opts.llm, apiKeyEnv: opts.apiKeyEnv, record: opts.record, replay: opts.replay, requestsPerMinute: rpm, flags: { replay: "--replay" } });
  const task = opts.task ?? describeEnv(config.env.id, config.env.kwargs).summary;
  const temperature = opts.temperature === undefined ? undefined : numberOption(opts.temperature, "--temperature", 0, 2);
  const maxTerms = intOption(opts.maxTerms ?? "6", "--max-terms", 1, 20);
  let template;
  if (opts.parameters !== undefined) {
    const { readConfigFile } = await import("../../core/config.js");
    const { templateOf } = await import("../../design/llm.js");
    template = templateOf(readConfigFile(opts.parameters), config.env, opts.parameters);
  }
  const designer = llmDesigner(model, config, prompts, { samples, task, ...(temperature !== undefined ? { temperature } : {}), limits: { maxTerms, ...(opts.allowCode ? { allowCode: true } : {}) }, ...(template ? { template } : {}) });
  return { designer, candidates: (iterations: number) => iterations * samples, calls: designer.calls, usage: model.usage };
}

async function openLineage(path: string, name: string, designer: string, config: unknown, options: unknown) {
  const { LineageWriter } = await import("../../design/lineage.js");
  const store = isPostgresUrl(path) ? await openStore(path) : await withOutputErrors(path, "--db", () => openStore(path));
  const record = await store.createDesign({ name, designer, config, options });
  return { writer: new LineageWriter(store, record.id), close: () => store.close() };
}

async function writeDesignReport(opts: DesignOpts, name: string, file: string, config: import("../../runs/config.js").RunConfig, designer: string, loop: { seeds: readonly number[]; finalSeeds: readonly number[]; iterations: number }, result: DesignResult, calls: import("../../design/llm.js").DesignCall[], summary: import("../../design/lineage.js").DesignSummaryRecord) {
  const { designReportHtml } = await import("../../design/report.js");
  const { defaultReportPath } = await import("../../runs/report/write.js");
  const path = typeof opts.report === "string" && opts.report !== "" ? opts.report : defaultReportPath(name);
  const facts = [
    `config ${file}: ${config.env.id}, ${config.learner.algo}, ${config.steps.toLocaleString("en")} steps per run`,
    `designer: ${designer}; ${loop.iterations} iterations; training seeds ${loop.seeds.join(", ")}${loop.finalSeeds.length ? `; final seeds ${loop.finalSeeds.join(", ")}` : ""}`,
    "score: the mean primary (task) return of the runs' final evaluations on held-out episodes",
  ];
  const html = designReportHtml({ title: `rewardlab design: ${config.env.id}`, facts, candidates: result.candidates, calls, summary });
  writeOutputFile(path, html, "--report", { createDirs: true });
  return path;
}

/** `--prescreen-demos FILE`: demonstrations of the config's environment, replayed for their outcome. */
async function prescreenDemos(file: string, config: import("../../runs/config.js").RunConfig) {
  const { readDemonstrations } = await import("../../learn/demos/demos.js");
  const { replayOutcomes } = await import("../../design/prescreen.js");
  const demos = readDemonstrations(file);
  const other = demos.findIndex((d) => d.env !== config.env.id);
  if (other >= 0) throw new UserError(`${file}:${other + 1}`, `a demonstration of ${demos[other].env}; the config's environment is ${config.env.id}`);
  return replayOutcomes(config.env.id, config.env.kwargs, demos, file);
}

/** `--price IN,OUT`: dollars per million prompt and completion tokens. */
function priceOption(text: string): { prompt: number; completion: number } {
  const parts = text.split(",");
  if (parts.length !== 2) throw new UserError("--price", `expected IN,OUT in dollars per million prompt and completion tokens (e.g. 0.15,0.6), got ${JSON.stringify(text)}`);
  return { prompt: numberOption(parts[0], "--price", 0), completion: numberOption(parts[1], "--price", 0) };
}

function candidateLine(c: Candidate, termList: (spec: unknown) => string): string {
  const repaired = c.attempts?.length ? ` (after ${c.attempts.length} repair${c.attempts.length > 1 ? "s" : ""})` : "";
  return `${c.id.padEnd(6)} ${c.origin.padEnd(9)} ${c.parents.join("+").padEnd(11)} ${c.verdict.ok ? c.score!.toFixed(3).padStart(8) : "rejected".padStart(8)}  ${c.verdict.ok ? termList(c.spec) + repaired : c.verdict.errors[0]}`;
}
