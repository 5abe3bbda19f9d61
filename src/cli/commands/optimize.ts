/**
 * `rewardlab optimize CONFIG`: learn how to weigh a spec's auxiliary terms
 * so that the learner trained on the blend does best on the primary reward
 * (src/audit/optimize.ts), then compare the designer's weights with the
 * learned ones on fresh seeds. `--out FILE` writes the blended spec.
 */
import { stringify } from "yaml";
import { loadConfigFile } from "../../core/config.js";
import { FIRST_EVALUATION_SEED, OptimizeConfig, optimizeBlend, optimizeSeeds } from "../../audit/optimize.js";
import { formatComparison } from "../../runs/compare.js";
import { resolveReward } from "../../runs/config.js";
import { formatSeeds, intOption, seedsOption } from "../args.js";
import { checkOutputFile, writeOutputFile } from "../output.js";
import { progressBar } from "../progress.js";
import { dirname, resolve } from "node:path";

export async function optimize(file: string, opts: { out?: string; workers?: string; seeds?: string; evalSeeds?: string; json?: boolean }): Promise<void> {
  const loaded = resolveReward(loadConfigFile(file, OptimizeConfig), dirname(resolve(file))) as OptimizeConfig;
  const config: OptimizeConfig = {
    ...loaded,
    ...(opts.seeds === undefined ? {} : { seeds: seedsOption(opts.seeds) }),
    ...(opts.evalSeeds === undefined ? {} : { evaluate: { ...loaded.evaluate, seeds: seedsOption(opts.evalSeeds, "--eval-seeds", { first: FIRST_EVALUATION_SEED }) } }),
  };
  const seeds = optimizeSeeds(config, opts.evalSeeds === undefined ? "evaluate.seeds" : "--eval-seeds");
  const workers = intOption(opts.workers ?? "2", "--workers", 1);
  if (opts.out) checkOutputFile(opts.out, "--out");
  const s = config.search;
  if (!opts.json) {
    console.log(`Optimizing the blend of ${config.env.id}'s reward: ${s.generations} generations × ${2 * s.pairs} candidates × ${config.seeds.length} seeds of ${config.steps} steps (${config.learner.algo})`);
    console.log(`Training seeds: ${formatSeeds(seeds.search)} + 1000·g in generation g (${formatSeeds(seeds.generations[0]!)}${s.generations > 1 ? ` … ${formatSeeds(seeds.generations[s.generations - 1]!)}` : ""}); evaluation seeds: ${formatSeeds(seeds.evaluation)}`);
  }
  const bar = opts.json ? undefined : progressBar(s.generations, "generations");
  const lines: string[] = [];
  const result = await optimizeBlend(config, {
    workers,
    onGeneration: (g) => {
      bar?.update(g.generation, {});
      lines.push(`  generation ${g.generation}: φ = [${g.phi.map((v) => v.toFixed(2)).join(", ")}], primary return mean ${g.mean.toFixed(3)}, best ${g.best.toFixed(3)}`);
    },
  });
  bar?.stop();
  if (opts.out) writeOutputFile(opts.out, stringify(result.spec), "--out");
  if (opts.json) {
    const { fixed, learned, ...rest } = result;
    console.log(JSON.stringify({ ...rest, fixed: { primary: fixed.primary, success: fixed.success }, learned: { primary: learned.primary, success: learned.success } }));
    return;
  }
  for (const line of lines) console.log(line);
  console.log(`\nLearned multipliers of the auxiliary terms' weights: ${result.terms.map((t, k) => `${t} ×${result.phi[k].toFixed(2)}`).join(", ")}${result.gamma === undefined ? "" : `; learner's γ ${result.gamma.toFixed(4)}`}`);
  console.log(`\nOn ${result.seeds.evaluation.length} fresh seed${result.seeds.evaluation.length === 1 ? "" : "s"} (${formatSeeds(result.seeds.evaluation)}):\n${formatComparison([result.fixed, result.learned], config.successThreshold)}`);
  if (opts.out) console.log(`\nWrote the blended reward spec to ${opts.out}`);
}
