/**
 * `rewardlab rm train PAIRS.jsonl [--out rm.json]`: train an offline reward
 * model (a Bradley–Terry head over sentence embeddings, see
 * src/agentic/rm/) on preference pairs, print its accuracy on the training
 * pairs and on held-out prompts (per subset when rows name one), and write
 * the head for a `kind: rm` scorer.
 */
import { relative, resolve } from "node:path";
import { UserError } from "../../core/errors.js";
import { HeadOptions } from "../../agentic/rm/head.js";
import { trainRewardModel } from "../../agentic/rm/train.js";
import { intOption, numberOption } from "../args.js";
import { checkOutputFile } from "../output.js";
import { progressBar } from "../progress.js";

export interface RmTrainOptions {
  out?: string;
  epochs?: string;
  seed?: string;
  /** Share of the pairs held out, 0 to 0.9. */
  heldOut?: string;
  /** Hidden units (0: linear). */
  hidden?: string;
  lr?: string;
  batch?: string;
  margin?: string;
  /** TRL's center_rewards_coefficient. */
  center?: string;
  l2?: string;
}

function positive(value: string, name: string): number {
  const n = numberOption(value, name, 0);
  if (n === 0) throw new UserError(name, `expected a number > 0, got ${JSON.stringify(value)}`);
  return n;
}

const pct = (x: number) => (Number.isNaN(x) ? "—" : `${(100 * x).toFixed(1)}%`);

export async function rmTrain(pairsFile: string, opts: RmTrainOptions = {}): Promise<void> {
  const heldOut = opts.heldOut === undefined ? 0.2 : numberOption(opts.heldOut, "--held-out", 0);
  if (heldOut > 0.9) throw new UserError("--held-out", `expected a share from 0 to 0.9, got ${JSON.stringify(opts.heldOut)}`);
  const out = resolve(opts.out ?? "rm.json");
  checkOutputFile(out, "--out");
  const options = {
    heldOut,
    out,
    ...(opts.epochs !== undefined ? { epochs: intOption(opts.epochs, "--epochs", 1) } : {}),
    ...(opts.seed !== undefined ? { seed: intOption(opts.seed, "--seed", 0) } : {}),
    ...(opts.hidden !== undefined ? { hidden: intOption(opts.hidden, "--hidden", 0) } : {}),
    ...(opts.batch !== undefined ? { batchSize: intOption(opts.batch, "--batch", 1) } : {}),
    ...(opts.lr !== undefined ? { learningRate: positive(opts.lr, "--lr") } : {}),
    ...(opts.margin !== undefined ? { margin: numberOption(opts.margin, "--margin", 0) } : {}),
    ...(opts.center !== undefined ? { centerCoefficient: numberOption(opts.center, "--center", 0) } : {}),
    ...(opts.l2 !== undefined ? { l2: numberOption(opts.l2, "--l2", 0) } : {}),
  };
  const shown = relative(process.cwd(), resolve(pairsFile)) || pairsFile;
  console.log(`Training a reward model on the preference pairs in ${shown}`);
  let bar: ReturnType<typeof progressBar> | undefined;
  let lastLoss = NaN;
  const report = await trainRewardModel(pairsFile, options, {
    onEmbedded: (texts, ms) => {
      console.log(`Embedded ${texts} distinct texts (prompt + response) in ${(ms / 1000).toFixed(1)} s, ${(ms / Math.max(texts, 1)).toFixed(1)} ms per text`);
    },
    onEpoch: (epoch, loss) => {
      bar ??= progressBar(options.epochs ?? HeadOptions.parse({}).epochs, "epochs");
      bar.update(epoch, {});
      lastLoss = loss;
    },
  });
  bar?.stop();
  const o = report.options;
  console.log(
    `${o.hidden === 0 ? "Linear head" : `Head with ${o.hidden} hidden units`}, ${o.epochs} epochs, seed ${o.seed}: ${report.trainPairs} pairs trained on, ${report.heldOutPairs} held out (whole prompts); final loss ${lastLoss.toFixed(3)}`,
  );
  console.log(`Accuracy (chosen scored above rejected): train ${pct(report.trainAccuracy)}, held out ${report.heldOutAccuracy === null ? "— (nothing held out)" : pct(report.heldOutAccuracy)}`);
  if (report.subsets.length > 0) {
    const width = Math.max(...report.subsets.map((s) => s.subset.length));
    for (const s of report.subsets) {
      console.log(`  ${s.subset.padEnd(width)}  train ${pct(s.train.accuracy).padStart(6)} of ${s.train.pairs}, held out ${pct(s.heldOut.accuracy).padStart(6)} of ${s.heldOut.pairs}`);
    }
  }
  const rel = relative(process.cwd(), out);
  const file = rel === "" || rel.startsWith("..") ? out : rel;
  console.log(`\nWrote ${file}. Score trajectories with it in a reward spec (the path relative to the spec):\n  aspects:\n    - {name: preference, kind: rm, model: ${file}}`);
}
