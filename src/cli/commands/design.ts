/**
 * `rewardlab design CONFIG`: design a reward for the config's environment
 * with the model-free designer (evolution over specs built from its
 * features and events, screened by the critic, judged on held-out
 * episodes by the task's own reward). Prints each candidate as it is
 * judged and the best spec; `--out` writes the best spec as YAML.
 */
import { stringify } from "yaml";
import { intOption, seedsOption } from "../args.js";
import { checkOutputFile, writeOutputFile } from "../output.js";
import { progressBar } from "../progress.js";
import type { AuxTerm } from "../../design/genome.js";

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
  out?: string;
  json?: boolean;
}

export async function design(file: string, opts: DesignOpts): Promise<void> {
  const { loadRunConfig } = await import("../../runs/config.js");
  const { validateRun } = await import("../../runs/validate.js");
  const { checkFinalSeeds, evolveRewards } = await import("../../design/evolve.js");
  const config = loadRunConfig(file);
  validateRun(config);
  const population = intOption(opts.population ?? "6", "--population", 2, 1000);
  const options = {
    population,
    iterations: intOption(opts.iterations ?? "3", "--iterations", 1, 1000),
    elite: intOption(opts.elite ?? "2", "--elite", 1, population - 1),
    seeds: seedsOption(opts.seeds ?? "2"),
    maxTerms: intOption(opts.maxTerms ?? "3", "--max-terms", 1, 20),
    checkSteps: intOption(opts.checkSteps ?? "200", "--check-steps", 1, 1_000_000),
    seed: intOption(opts.seed ?? "0", "--seed", 0),
    finalists: intOption(opts.finalists ?? "3", "--finalists", 0, population * 1000),
    finalSeeds: seedsOption(opts.finalSeeds ?? "1000-1004", "--final-seeds"),
  };
  if (options.finalists === 0) options.finalSeeds = [];
  const episodes = intOption(opts.prescreen ?? "64", "--prescreen", 0, 100_000);
  const prescreen = episodes > 0 ? { episodes, threshold: 0.5 } : undefined;
  checkFinalSeeds(options.seeds, options.finalSeeds, "--final-seeds");
  if (opts.out) checkOutputFile(opts.out, "--out");
  const total = options.population + (options.iterations - 1) * (options.population - options.elite);
  // (The finalists' re-check follows the bar: it prints when it is done.)
  const bar = opts.json ? undefined : progressBar(total, "candidates");
  const lines: string[] = [];
  let done = 0;
  const result = evolveRewards(config, { ...options, prescreen }, (c) => {
    const terms = (c.spec.terms.slice(1) as AuxTerm[]).map((t) => `${t.name} ${t.weight}`).join(", ") || "(the task's reward alone)";
    lines.push(`${c.id.padEnd(6)} ${c.origin.padEnd(9)} ${c.parents.join("+").padEnd(11)} ${c.verdict.ok ? c.score!.toFixed(3).padStart(8) : "rejected".padStart(8)}  ${c.verdict.ok ? terms : c.verdict.errors[0]}`);
    bar?.update(++done);
  });
  bar?.stop();
  const judged = result.finalists.length ? `${result.best.finalScore} on final seeds ${options.finalSeeds.join(", ")}` : `${result.best.score} on seeds ${options.seeds.join(", ")}`;
  if (opts.out) writeOutputFile(opts.out, `# rewardlab design ${file}: candidate ${result.best.id}, mean final primary return ${judged}\n${stringify(result.best.spec)}`, "--out");
  if (opts.json) {
    console.log(JSON.stringify(result));
    return;
  }
  console.log(`candidate origin    parents        score  terms (score: mean primary return of the final evaluations, seeds ${options.seeds.join(", ")})`);
  for (const line of lines) console.log(line);
  if (result.finalists.length) {
    console.log(`\nfinalists re-checked on seeds ${options.finalSeeds.join(", ")}: ${result.finalists.map((c) => `${c.id} ${c.finalScore!.toFixed(3)}`).join(", ")}`);
  }
  const on = result.finalists.length ? `${result.best.finalScore!.toFixed(3)} on the final seeds` : result.best.score!.toFixed(3);
  console.log(`\nbest: ${result.best.id} (${on}); ${result.runs} training runs, ${result.saved} saved by the critic${prescreen ? " and the pre-screen" : ""}`);
  console.log(stringify(result.best.spec).trimEnd());
}
