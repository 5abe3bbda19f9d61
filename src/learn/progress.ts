/**
 * Stepwise progress attribution (after SPA-RL, Wang et al. 2025): when only
 * the outcome of an episode is rewarded, learn how much each step
 * contributed to it. A progress estimator c(s, a, s′) is trained, on
 * finished episodes, so that an episode's contributions add up to its
 * outcome R (1 for success, else 0; or the task's return):
 *
 *   loss = mean over episodes (Σ_t c(x_t) − R)²
 *
 * and the reward of a step is its contribution, plus a small grounding
 * bonus for an action that changed the state (an executable action, in the
 * paper's words). A reward-spec module that learns online, like RND:
 *
 *   - {kind: intrinsic, module: progress, weight: 1, options: {grounding: 0.01}}
 */
import { z } from "zod";
import { Rng } from "../core/rng.js";
import { UserError } from "../core/errors.js";
import { np, type JaxArray } from "../nn/jax.js";
import { initMlp, mlpForward, mlpWeights, type MlpParams } from "../nn/mlp.js";
import { mlpForwardJs, mlpScratch, type MlpWeights } from "../nn/mlp-js.js";
import { AdamTrainer, indices, shuffledBatches, type AdamTrainerState } from "../nn/train-step.js";
import type { ModuleBatch, RewardModule } from "../intrinsic/module.js";
import { BonusScale, parseBonusOptions, type BonusScaleState } from "../intrinsic/options.js";
import { featureSize, writeTransition, type TransitionLayout } from "./transition.js";

const ProgressOptions = z.object({
  hidden: z.array(z.number().int().positive()).default([64]),
  learningRate: z.number().positive().default(1e-3),
  epochs: z.number().int().positive().default(4).describe("passes over each update's sample"),
  every: z.number().int().positive().default(4).describe("rollouts between trainings"),
  sample: z.number().int().positive().default(32).describe("episodes drawn (without replacement) from those kept for each update: long episodes make every pass costly"),
  minibatch: z.number().int().positive().default(16).describe("episodes per Adam step"),
  keep: z.number().int().positive().default(256).describe("finished episodes kept for training (newest)"),
  grounding: z.number().min(0).default(0).describe("bonus for a step whose action changed the observation"),
  outcome: z.enum(["success", "return"]).default("success").describe("what contributions add up to: 1 for an episode with a positive task return (else 0), or the task return itself"),
  seed: z.number().int().nonnegative().default(0),
});

interface Episode {
  x: Float32Array;
  length: number;
  outcome: number;
}

/** An episode as plain data: its rows (length × features), length and outcome (or task return so far, while open). */
interface EpisodeState {
  x: number[];
  length: number;
  outcome: number;
}

/** The estimator and its optimizer, the sampling stream, the rollouts counted towards `every`, and the open and kept episodes. */
interface ProgressState {
  estimator: AdamTrainerState;
  rng: [number, number, number, number];
  updates: number;
  open: EpisodeState[];
  finished: EpisodeState[];
  scale: BonusScaleState;
}

export function progressReward(raw: Record<string, unknown>, path: string): RewardModule & { contributions(x: Float32Array, rows: number): Float32Array; episodes(): readonly Episode[] } {
  const o = parseBonusOptions(ProgressOptions, raw, path);
  const scale = new BonusScale(o);
  const rng = new Rng(o.seed);
  let layout!: TransitionLayout;
  let size = 0;
  let sizes: number[] = [];
  let trainer!: AdamTrainer<MlpParams>;
  let weights!: MlpWeights;
  let x = new Float32Array(0);
  let y = new Float32Array(0);
  let scratch!: [Float32Array, Float32Array];
  // Each environment's current episode: its rows and task return so far.
  let open: { x: Float32Array; length: number; outcome: number }[] = [];
  const finished: Episode[] = [];
  let updates = 0;
  return {
    name: "progress",
    contributions(input, rows) {
      const out = new Float32Array(rows);
      mlpForwardJs(weights, input, rows, out, "relu", mlpScratch(sizes, rows));
      return out;
    },
    episodes: () => finished,
    init(info) {
      if (info.actionCount === undefined || info.actionSize !== 1) throw new UserError(path, "progress attribution here needs discrete actions numbered from 0");
      layout = { obsSize: info.obsSize, actionCount: info.actionCount };
      size = featureSize(layout);
      sizes = [size, ...o.hidden, 1];
      // Minibatches of E episodes padded to L steps: xs [E, L, size], mask [E, L], outcomes r [E].
      const loss = (p: MlpParams, xs: JaxArray, mask: JaxArray, r: JaxArray) => {
        const [E, L] = mask.shape;
        const c = mlpForward(p, xs.reshape([E * L, size]), "relu").reshape([E, L]).mul(mask).sum(1);
        const err = c.sub(r);
        return err.ref.mul(err).mean();
      };
      trainer = new AdamTrainer(initMlp(sizes, rng.split(), { outputGain: 0.01 }), loss, { learningRate: o.learningRate });
      weights = mlpWeights(trainer.params, sizes);
      x = new Float32Array(info.n * size);
      y = new Float32Array(info.n);
      scratch = mlpScratch(sizes, info.n);
      open = Array.from({ length: info.n }, () => ({ x: new Float32Array(64 * size), length: 0, outcome: 0 }));
    },
    compute(b: ModuleBatch, out: Float64Array) {
      const d = layout.obsSize;
      for (let i = 0; i < b.n; i++) writeTransition(layout, b.obs!, i * d, b.actions[i], b.nextObs!, i * d, x, i * size);
      mlpForwardJs(weights, x, b.n, y, "relu", scratch);
      for (let i = 0; i < b.n; i++) {
        let changed = false;
        for (let j = 0; j < d && !changed; j++) changed = b.obs![i * d + j] !== b.nextObs![i * d + j];
        out[i] = y[i] + (changed ? o.grounding : 0);
        const e = open[i];
        if ((e.length + 1) * size > e.x.length) {
          const grown = new Float32Array(2 * e.x.length);
          grown.set(e.x);
          e.x = grown;
        }
        e.x.set(x.subarray(i * size, (i + 1) * size), e.length * size);
        e.length++;
        e.outcome += b.taskReward[i];
      }
      scale.apply(out, b.n);
    },
    endEpisode(i) {
      const e = open[i];
      const outcome = o.outcome === "success" ? (e.outcome > 0 ? 1 : 0) : e.outcome;
      finished.push({ x: e.x.slice(0, e.length * size), length: e.length, outcome });
      if (finished.length > o.keep) finished.splice(0, finished.length - o.keep);
      e.length = 0;
      e.outcome = 0;
    },
    update(): Record<string, number> {
      if (finished.length === 0 || ++updates % o.every !== 0) return {};
      const E = Math.min(o.minibatch, finished.length);
      const all = indices(finished.length);
      rng.shuffle(all);
      const order = all.subarray(0, Math.max(E, Math.min(o.sample, all.length)));
      let total = 0;
      let count = 0;
      for (let epoch = 0; epoch < o.epochs; epoch++) {
        for (const picked of shuffledBatches(order, E, rng)) {
          const batch = Array.from(picked, (i) => finished[i]);
          // Pad to a power of two, so a few compiled shapes serve every length.
          const L = 1 << Math.ceil(Math.log2(Math.max(...batch.map((e) => e.length), 1)));
          const xs = new Float32Array(E * L * size);
          const mask = new Float32Array(E * L);
          const r = new Float32Array(E);
          batch.forEach((e, k) => {
            xs.set(e.x, k * L * size);
            mask.fill(1, k * L, k * L + e.length);
            r[k] = e.outcome;
          });
          total += trainer.step([np.array(xs).reshape([E, L, size]), np.array(mask).reshape([E, L]), np.array(r)]).loss;
          count++;
        }
      }
      weights = mlpWeights(trainer.params, sizes);
      return { loss: count ? total / count : NaN };
    },
    state(): ProgressState {
      const episode = (e: Episode): EpisodeState => ({ x: Array.from(e.x.subarray(0, e.length * size)), length: e.length, outcome: e.outcome });
      return { estimator: trainer.state(), rng: rng.getState(), updates, open: open.map(episode), finished: finished.map(episode), scale: scale.state() };
    },
    load(state) {
      const s = state as ProgressState;
      trainer.load(s.estimator);
      weights = mlpWeights(trainer.params, sizes);
      rng.setState(s.rng);
      updates = s.updates;
      open = s.open.map((e) => {
        // Room to grow as `compute` expects: at least the 64 rows `init` gives.
        const x = new Float32Array(Math.max(64, e.length) * size);
        x.set(e.x);
        return { x, length: e.length, outcome: e.outcome };
      });
      finished.splice(0, finished.length, ...s.finished.map((e) => ({ x: Float32Array.from(e.x), length: e.length, outcome: e.outcome })));
      scale.load(s.scale);
    },
  };
}
