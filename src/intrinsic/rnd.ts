/**
 * Random Network Distillation (Burda et al. 2019): a fixed, randomly
 * initialized target network f and a predictor f̂ trained to match it on the
 * observations seen; the bonus is the prediction error ‖f̂(s′) − f(s′)‖²/k,
 * high on novel observations, falling on familiar ones. As the paper:
 * observations are normalized by a running mean/std and clipped to [−5, 5];
 * the bonus is divided by the running std of its discounted return. The
 * predictor trains (Adam, in jax-js) on the observations of each rollout when
 * the learner calls `update`.
 */
import { z } from "zod";
import { Rng } from "../core/rng.js";
import { np, type JaxArray } from "../nn/jax.js";
import { initMlp, mlpForward, mlpWeights, type MlpParams } from "../nn/mlp.js";
import { mlpForwardJs, mlpScratch, type MlpWeights } from "../nn/mlp-js.js";
import { RunningMeanStd, type RunningMeanStdState } from "../core/running-stats.js";
import { Rows } from "../nn/rows.js";
import { loadRows, rowsState } from "../nn/rows-state.js";
import { AdamTrainer, indices, shuffledBatches, type AdamTrainerState } from "../nn/train-step.js";
import type { ModuleBatch, RewardModule } from "./module.js";
import { BonusScale, parseBonusOptions, type BonusScaleState } from "./options.js";

const RndOptions = z.object({
  features: z.number().int().min(1).max(512).default(32).describe("output size k of the target and the predictor"),
  hidden: z.array(z.number().int().positive()).default([64, 64]).describe("hidden layers of both networks"),
  learningRate: z.number().positive().default(1e-3).describe("predictor's Adam learning rate"),
  epochs: z.number().int().positive().default(1).describe("passes over each rollout's observations"),
  minibatch: z.number().int().positive().default(256),
  gamma: z.number().min(0).max(1).default(0.99).describe("discount of the intrinsic return used for normalization"),
  seed: z.number().int().nonnegative().default(0),
});

/**
 * The predictor and its optimizer (the target is fixed: rebuilt from the
 * seed), the running statistics of observations (per dimension) and of the
 * intrinsic return, each environment's return so far, the shuffling stream,
 * and the rollout's normalized observations.
 */
interface RndState {
  predictor: AdamTrainerState;
  observations: RunningMeanStdState[];
  returnStats: RunningMeanStdState;
  returns: number[];
  rng: [number, number, number, number];
  seen: number[];
  scale: BonusScaleState;
}

export function rndBonus(raw: Record<string, unknown>, path: string): RewardModule & { buffered(): number; predictionErrors(): Float64Array } {
  const o = parseBonusOptions(RndOptions, raw, path);
  const scale = new BonusScale(o);
  const rng = new Rng(o.seed);
  let d = 0;
  let n = 0;
  let sizes: number[] = [];
  let target!: MlpWeights;
  let predictor!: AdamTrainer<MlpParams>;
  let predictorJs!: MlpWeights;
  let scratch!: [Float32Array, Float32Array];
  let x = new Float32Array(0);
  let tOut = new Float32Array(0);
  let pOut = new Float32Array(0);
  const obsStats: RunningMeanStd[] = [];
  const returnStats = new RunningMeanStd();
  let returns = new Float64Array(0);
  /** ‖f̂ − f‖²/k of the last batch, before any normalization. */
  let errors = new Float64Array(0);
  let column = new Float64Array(0);
  // Normalized observations of the current rollout, for training.
  let seen = new Rows(1);

  return {
    name: "rnd",
    buffered: () => seen.count,
    predictionErrors: () => errors,
    init(info) {
      d = info.obsSize;
      seen = new Rows(d);
      n = info.n;
      sizes = [d, ...o.hidden, o.features];
      target = mlpWeights(initMlp(sizes, rng.split(), { outputGain: 1 }), sizes);
      // L = mean ‖f̂(x) − f(x)‖²
      const loss = (p: MlpParams, xb: JaxArray, yb: JaxArray) => {
        const diff = mlpForward(p, xb, "relu").sub(yb);
        return diff.ref.mul(diff).mean();
      };
      predictor = new AdamTrainer(initMlp(sizes, rng.split(), { outputGain: 1 }), loss, { learningRate: o.learningRate });
      predictorJs = mlpWeights(predictor.params, sizes);
      scratch = mlpScratch(sizes, n);
      x = new Float32Array(n * d);
      tOut = new Float32Array(n * o.features);
      pOut = new Float32Array(n * o.features);
      for (let j = 0; j < d; j++) obsStats.push(new RunningMeanStd());
      returns = new Float64Array(n);
      errors = new Float64Array(n);
      column = new Float64Array(n);
    },
    compute(b: ModuleBatch, out: Float64Array) {
      const obs = b.nextObs!;
      // Normalize each observation dimension by its running statistics, clipped to ±5.
      for (let j = 0; j < d; j++) {
        const col = column;
        for (let i = 0; i < b.n; i++) col[i] = obs[i * d + j];
        obsStats[j].update(col, b.n);
        const m = obsStats[j].mean;
        const s = Math.sqrt(obsStats[j].var) + 1e-8;
        for (let i = 0; i < b.n; i++) x[i * d + j] = Math.max(-5, Math.min(5, (obs[i * d + j] - m) / s));
      }
      mlpForwardJs(target, x, b.n, tOut, "relu", scratch);
      mlpForwardJs(predictorJs, x, b.n, pOut, "relu", scratch);
      const k = o.features;
      for (let i = 0; i < b.n; i++) {
        let err = 0;
        for (let j = 0; j < k; j++) err += (pOut[i * k + j] - tOut[i * k + j]) ** 2;
        out[i] = err / k;
        errors[i] = out[i];
        returns[i] = returns[i] * o.gamma + out[i];
      }
      // Divide by the running std of the discounted intrinsic return (RND's reward normalization).
      returnStats.update(returns, b.n);
      const rs = 1 / Math.sqrt(returnStats.var + 1e-8);
      for (let i = 0; i < b.n; i++) out[i] *= rs;
      scale.apply(out, b.n);
      // Keep the normalized observations for the predictor's next update.
      seen.push(x, b.n);
    },
    update(): Record<string, number> {
      const rows = seen.count;
      if (rows === 0) return {};
      const k = o.features;
      const mb = Math.min(o.minibatch, rows);
      const order = indices(rows);
      const xb = new Float32Array(mb * d);
      const targets = new Float32Array(mb * k);
      const yRow = new Float32Array(k);
      const targetScratch = mlpScratch(sizes, 1);
      let total = 0;
      let count = 0;
      for (let epoch = 0; epoch < o.epochs; epoch++) {
        for (const batch of shuffledBatches(order, mb, rng)) {
          batch.forEach((i, r) => {
            const row = seen.row(i);
            xb.set(row, r * d);
            mlpForwardJs(target, row, 1, yRow, "relu", targetScratch);
            targets.set(yRow, r * k);
          });
          total += predictor.step([np.array(xb).reshape([mb, d]), np.array(targets).reshape([mb, k])]).loss;
          count++;
        }
      }
      predictorJs = mlpWeights(predictor.params, sizes);
      seen.clear();
      return { loss: count ? total / count : NaN };
    },
    endEpisode(i) {
      returns[i] = 0;
    },
    state(): RndState {
      return {
        predictor: predictor.state(),
        observations: obsStats.map((s) => s.state()),
        returnStats: returnStats.state(),
        returns: Array.from(returns),
        rng: rng.getState(),
        seen: rowsState(seen),
        scale: scale.state(),
      };
    },
    load(state) {
      const s = state as RndState;
      predictor.load(s.predictor);
      predictorJs = mlpWeights(predictor.params, sizes);
      s.observations.forEach((stats, j) => obsStats[j].load(stats));
      returnStats.load(s.returnStats);
      returns.set(s.returns);
      rng.setState(s.rng);
      loadRows(seen, s.seen);
      scale.load(s.scale);
    },
  };
}
