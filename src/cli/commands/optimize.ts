/**
 * `rewardlab optimize CONFIG`: learn how to weigh a spec's auxiliary terms
 * so that the learner trained on the blend does best on the primary reward
 * (src/audit/optimize.ts), then compare the designer's weights with the
 * learned ones on fresh seeds. `--out FILE` writes the blended spec.
 */
import { stringify } from "yaml";
import { loadConfigFile } from "../../core/config.js";
import { OptimizeConfig, optimizeBlend } from "../../audit/optimize.js";
import { formatComparison } from "../../runs/compare.js";
import { resolveReward } from "../../runs/config.js";
import { intOption } from "../args.js";
import { checkOutputFile, writeOutputFile } from "../output.js";
import { progressBar } from "../progress.js";
import { dirname, resolve } from "node:path";

export async function optimize(file: string, opts: { out?: string; workers?: string; json?: boolean }): Promise<void> {
  const config = resolveReward(loadConfigFile(file, OptimizeConfig), dirname(resolve(file))) as OptimizeConfig;
  const workers = intOption(opts.workers ?? "2", "--workers", 1);
  if (opts.out) checkOutputFile(opts.out, "--out");
  const s = config.search;
  if (!opts.json) console.log(`Optimizing the blend of ${config.env.id}'s reward: ${s.generations} generations × ${2 * s.pairs} candidates × ${config.seeds.length} seeds of ${config.steps} steps (${config.learner.algo})`);
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
  console.log(`\nOn ${config.evaluate.seeds} fresh seeds:\n${formatComparison([result.fixed, result.learned], config.successThreshold)}`);
  if (opts.out) console.log(`\nWrote the blended reward spec to ${opts.out}`);
}
