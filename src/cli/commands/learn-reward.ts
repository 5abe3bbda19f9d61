/**
 * `rewardlab learn-reward CONFIG`: learn a reward from synthetic preference
 * labels (see src/learn/preferences/learn.ts), print each round's labels,
 * loss and agreement with the true reward on held-out pairs, and save the
 * model as a JSON artifact for a `kind: learned` reward term.
 *
 * One seed (the config's `seed`, or `--seed`) drives the whole run: the
 * environments' layouts, the segments' random actions, the synthetic
 * labeler's noise, the reward model's initialization and minibatches (unless
 * `model.seed` names its own) and the RLHF loop's PPO agent.
 */
import { dirname, resolve, relative } from "node:path";
import { loadConfigFile } from "../../core/config.js";
import { intOption } from "../args.js";
import { learnFromPreferences, PreferenceConfig } from "../../runs/preferences/learn.js";
import { checkOutputFile, writeOutputFile } from "../output.js";
import { progressBar } from "../progress.js";

export function learnReward(file: string, opts: { out?: string; seed?: string }): void {
  const loaded = loadConfigFile(file, PreferenceConfig);
  // Data files are named relative to the config.
  const near = (path: string | undefined) => path && resolve(dirname(resolve(file)), path);
  const seed = opts.seed === undefined ? loaded.seed : intOption(opts.seed, "--seed", 0);
  const config = { ...loaded, seed, preferences: near(loaded.preferences), demonstrations: near(loaded.demonstrations) };
  const out = resolve(opts.out ?? `learned-${config.env.id}.json`);
  checkOutputFile(out, "--out");
  console.log(
    config.preferences
      ? `Learning a reward for ${config.env.id} from the labels in ${relative(process.cwd(), config.preferences)}`
      : config.demonstrations
        ? `Learning a reward for ${config.env.id} from the demonstrations in ${relative(process.cwd(), config.demonstrations)}: ${config.labels} comparisons of their segments with the ${config.agent ? "agent's" : "random policy's"} over ${config.rounds} rounds`
        : `Learning a reward for ${config.env.id} from ${config.labels} synthetic comparisons (${config.query} queries, ${config.rounds} rounds, segments of ${config.segmentLength} steps)`,
    `with seed ${seed}${config.model.seed === undefined ? "" : ` (the reward model's: ${config.model.seed})`}`,
  );
  const bar = progressBar(config.preferences ? 1 : config.rounds, config.agent ? "rounds (with PPO)" : "rounds");
  const lines: string[] = [];
  const { artifact } = learnFromPreferences(config, undefined, (r) => {
    bar.update(r.round, {});
    lines.push(`  round ${r.round}: ${r.labels} labels${r.skipped ? ` (${r.skipped} skipped)` : ""}, loss ${r.loss.toFixed(3)}, held-out agreement with the true reward ${Number.isNaN(r.accuracy) ? "— (no strict pairs)" : `${(100 * r.accuracy).toFixed(1)}%`}${r.agentReturn === undefined ? "" : `, agent's true return ${r.agentReturn.toFixed(3)}`}`);
  });
  bar.stop();
  for (const line of lines) console.log(line);
  writeOutputFile(out, `${JSON.stringify(artifact)}\n`, "--out");
  const shown = relative(process.cwd(), out);
  console.log(`\nWrote ${shown}. Train on it, keeping the true reward to measure:\n  terms:\n    - {kind: task, optimize: false}\n    - {kind: learned, model: ${shown}}`);
}
