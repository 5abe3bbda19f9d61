/**
 * Random Network Distillation (Burda et al. 2019): a fixed, randomly
 * initialized target network f and a predictor f̂ trained to match it on the
 * observations seen; the bonus is the prediction error ‖f̂(s′) − f(s′)‖²/k,
 * high on novel observations, falling on familiar ones. As the paper:
 * observations are normalized by a running mean/std and clipped to [−5, 5];
 * the bonus is divided by the running std of its discounted return. The
 * predictor trains (Adam) on the observations of each rollout when the
 * learner calls `update`; both networks run on the WebAssembly kernels of
 * nn/wasm/.
 */
import { z } from "zod";
import { Rng } from "../core/rng.js";
import { RunningMeanStd, type RunningMeanStdState } from "../core/running-stats.js";
import { ADAM_DEFAULTS } from "../nn/adam.js";
import { orthogonalMlp } from "../nn/init.js";
import { Rows } from "../nn/rows.js";
import { loadRows, rowsState } from "../nn/rows-state.js";
import { indices, shuffledBatches } from "../nn/train-step.js";
import { DenseNets, type DenseNetsState } from "../nn/wasm/dense-nets.js";
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
 * and the rollout's rows (normalized observation, target output).
 */
interface RndState {
  predictor: DenseNetsState;
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
  const k = o.features;
  let d = 0;
  let target!: DenseNets;
  let predictor!: DenseNets;
  let x = new Float32Array(0);
  const obsStats: RunningMeanStd[] = [];
  const returnStats = new RunningMeanStd();
  let returns = new Float64Array(0);
  /** ‖f̂ − f‖²/k of the last batch, before any normalization. */
  let errors = new Float64Array(0);
  let column = new Float64Array(0);
  // The rollout's rows [normalized s′, f(s′)], for training: the target's output is computed once, when the row is seen.
  let seen = new Rows(1);
  let row = new Float32Array(0);

  /** A net of the given sizes, orthogonal weights (gain √2 inside, 1 on the output). */
  const network = (sizes: number[], capacity: number) => {
    const nets = new DenseNets([{ sizes, activation: "relu" }], capacity, ADAM_DEFAULTS);
    const { w, b } = orthogonalMlp(sizes, rng.split(), { outputGain: 1 });
    nets.setLeaves(0, w.flatMap((wl, l) => [wl, b[l]]));
    return nets;
  };

  return {
    name: "rnd",
    buffered: () => seen.count,
    predictionErrors: () => errors,
    init(info) {
      d = info.obsSize;
      const n = info.n;
      const sizes = [d, ...o.hidden, k];
      target = network(sizes, n);
      predictor = network(sizes, Math.max(n, o.minibatch));
      seen = new Rows(d + k);
      row = new Float32Array(n * (d + k));
      x = new Float32Array(n * d);
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
      target.setInput(x, b.n, d);
      target.forward(0, b.n);
      predictor.setInput(x, b.n, d);
      predictor.forward(0, b.n);
      const f = target.output(0);
      const fHat = predictor.output(0);
      const w = target.outputWidth(0);
      for (let i = 0; i < b.n; i++) {
        let err = 0;
        for (let j = 0; j < k; j++) err += (fHat[i * w + j] - f[i * w + j]) ** 2;
        out[i] = err / k;
        errors[i] = out[i];
        returns[i] = returns[i] * o.gamma + out[i];
        // Keep the normalized observation and its target for the predictor's next update.
        row.set(x.subarray(i * d, (i + 1) * d), i * (d + k));
        row.set(f.subarray(i * w, i * w + k), i * (d + k) + d);
      }
      seen.push(row, b.n);
      // Divide by the running std of the discounted intrinsic return (RND's reward normalization).
      returnStats.update(returns, b.n);
      const rs = 1 / Math.sqrt(returnStats.var + 1e-8);
      for (let i = 0; i < b.n; i++) out[i] *= rs;
      scale.apply(out, b.n);
    },
    update(): Record<string, number> {
      const rows = seen.count;
      if (rows === 0) return {};
      const mb = Math.min(o.minibatch, rows);
      const order = indices(rows);
      const w = predictor.outputWidth(0);
      const y = predictor.output(0);
      const dy = predictor.outputGrad(0);
      const targets = new Float32Array(mb * k);
      let total = 0;
      let count = 0;
      for (let epoch = 0; epoch < o.epochs; epoch++) {
        for (const batch of shuffledBatches(order, mb, rng)) {
          batch.forEach((i, r) => {
            const seenRow = seen.row(i);
            predictor.setInput(seenRow, 1, d, r);
            targets.set(seenRow.subarray(d, d + k), r * k);
          });
          predictor.forward(0, mb);
          // L = mean over rows and features of (f̂ − f)²; ∂L/∂f̂ = 2(f̂ − f)/(mb·k).
          let loss = 0;
          for (let r = 0; r < mb; r++)
            for (let j = 0; j < k; j++) {
              const diff = y[r * w + j] - targets[r * k + j];
              loss += diff * diff;
              dy[r * w + j] = (2 * diff) / (mb * k);
            }
          predictor.backward(0, mb);
          predictor.adamStep(o.learningRate);
          total += loss / (mb * k);
          count++;
        }
      }
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
      s.observations.forEach((stats, j) => obsStats[j].load(stats));
      returnStats.load(s.returnStats);
      returns.set(s.returns);
      rng.setState(s.rng);
      loadRows(seen, s.seen);
      scale.load(s.scale);
    },
  };
}
