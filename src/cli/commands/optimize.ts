/**
 * `rewardlab optimize CONFIG`: learn how to weigh a spec's auxiliary terms
 * so that the learner trained on the blend does best on the primary reward
 * (src/audit/optimize.ts), then compare the designer's weights with the
 * learned ones on fresh seeds. `--out FILE` writes the blended spec.
 */
import { stringify } from "yaml";
import { loadConfigFile } from "../../core/config.js";
import { FIRST_EVALUATION_SEED, OptimizeConfig, optimizeBlend, optimizeSeeds } from "../../audit/optimize.js";
import { formatComparison, observations } from "../../runs/compare.js";
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
    const { search, final, count } = seeds.episodes;
    console.log(`Evaluation episodes: the search scores on ${count} starting at seed ${search}, the final comparison on ${count} others starting at seed ${final}`);
  }
  const bar = opts.json ? undefined : progressBar(s.generations, "generations");
  const lines: string[] = [];
  const result = await optimizeBlend(config, {
    workers,
    onGeneration: (g) => {
      bar?.update(g.generation, {});
      const values = (xs: readonly number[]) => xs.map((v) => v.toFixed(3)).join(" ");
      const e = g.iqm;
      const candidates = 2 * s.pairs;
      const over = `${candidates} candidates × ${g.seeds.length} seed${g.seeds.length === 1 ? "" : "s"}`;
      lines.push(`  generation ${g.generation}: φ = [${g.phi.map((v) => v.toFixed(2)).join(", ")}], primary return IQM ${e.point.toFixed(3)} [${e.lo.toFixed(3)}, ${e.hi.toFixed(3)}] over ${over} (per seed ${values(g.perSeed)}), mean ${g.mean.toFixed(3)}, best ${g.best.toFixed(3)} (per seed ${values(g.bestPerSeed)})`);
    },
  });
  bar?.stop();
  if (opts.out) writeOutputFile(opts.out, stringify(result.spec), "--out");
  if (opts.json) {
    const { fixed, learned, ...rest } = result;
    const summary = (d: typeof fixed) => ({ primaryIqm: d.primaryIqm, successIqm: d.successIqm, perSeed: d.runs.map((r) => ({ seed: r.seed, primary: r.finalPrimary, success: r.finalSuccess })) });
    console.log(JSON.stringify({ ...rest, fixed: summary(fixed), learned: summary(learned), verdict: observations([fixed, learned], () => false) }));
    return;
  }
  for (const line of lines) console.log(line);
  if (lines.length) console.log("  (IQM [95% stratified-bootstrap interval] over every candidate's run on every seed, per seed the mean over candidates; mean and best: the candidates' J, their mean over seeds, that the search ranks)");
  console.log(`\nLearned multipliers of the auxiliary terms' weights: ${result.terms.map((t, k) => `${t} ×${result.phi[k].toFixed(2)}`).join(", ")}${result.gamma === undefined ? "" : `; learner's γ ${result.gamma.toFixed(4)}`}`);
  console.log(`\nOn ${result.seeds.evaluation.length} fresh seed${result.seeds.evaluation.length === 1 ? "" : "s"} (${formatSeeds(result.seeds.evaluation)}) and evaluation episodes from seed ${result.seeds.episodes.final}:\n${formatComparison([result.fixed, result.learned], config.successThreshold)}`);
  for (const line of observations([result.fixed, result.learned], () => false)) console.log(line);
  if (opts.out) console.log(`\nWrote the blended reward spec to ${opts.out}`);
}
