/**
 * An adversarial imitation reward (GAIL, Ho & Ermon 2016; AIRL's form of
 * the reward, Fu et al. 2018), as a reward-spec module that learns online:
 * a discriminator f(s, a, s′) is trained between rollouts to tell expert
 * transitions (label 1) from the policy's (label 0),
 *
 *   loss = −E_expert[log σ(f)] − E_policy[log(1 − σ(f))] + λ·P
 *
 * and the reward is its logit f = log D − log(1 − D). P keeps f locally
 * Lipschitz around the expert data ("Lipschitzness Is All You Need To Tame
 * Off-policy Generative Adversarial Imitation Learning", Blondé et al.
 * 2022): it is a finite-difference estimate of E‖∇ₓf‖², E[(f(x + ε) −
 * f(x))²]/σ² with ε ~ N(0, σ²I), which needs no second derivatives.
 *
 *   - {kind: intrinsic, module: adversarial, options: {demonstrations: demos.jsonl, penalty: 10}}
 */
import { z } from "zod";
import { UserError } from "../../core/errors.js";
import { Rng } from "../../core/rng.js";
import { np, tree, type JaxArray } from "../../nn/jax.js";
import { initMlp, mlpForward, mlpWeights, type MlpParams } from "../../nn/mlp.js";
import { Rows } from "../../nn/rows.js";
import { mlpForwardJs, mlpScratch, type MlpWeights } from "../../nn/mlp-js.js";
import { loadRows, rowsState } from "../../nn/rows-state.js";
import { AdamTrainer, indices, shuffledBatches, type AdamTrainerState } from "../../nn/train-step.js";
import type { ModuleBatch, RewardModule } from "../../intrinsic/module.js";
import { BonusScale, parseBonusOptions, type BonusScaleState } from "../../intrinsic/options.js";
import { demonstrationTransitions, readDemonstrations } from "../demos/demos.js";
import { featureSize, writeTransition, type TransitionLayout } from "../transition.js";

const AdversarialOptions = z.object({
  demonstrations: z.string().min(1).describe("a JSONL file of expert episodes (`rewardlab demos record`)"),
  hidden: z.array(z.number().int().positive()).default([64]).describe("the discriminator's hidden layers"),
  learningRate: z.number().positive().default(3e-4),
  epochs: z.number().int().positive().default(1).describe("passes over each rollout's transitions"),
  minibatch: z.number().int().positive().default(128).describe("policy transitions per step (and as many expert ones)"),
  penalty: z.number().min(0).default(10).describe("λ of the Lipschitz penalty (0: none)"),
  probe: z.number().positive().default(0.05).describe("σ of the finite-difference probe ε"),
  seed: z.number().int().nonnegative().default(0),
});

const logSigmoid = (z: JaxArray) => np.logaddexp(0, z.neg()).neg();

/** The discriminator and its optimizer, the sampling stream and the rollout's transitions (the expert's are read again from the file). */
interface AdversarialState {
  discriminator: AdamTrainerState;
  rng: [number, number, number, number];
  seen: number[];
  scale: BonusScaleState;
}

export function adversarialReward(raw: Record<string, unknown>, path: string): RewardModule & { discriminator(x: Float32Array, rows: number): Float32Array } {
  const o = parseBonusOptions(AdversarialOptions, raw, path);
  const scale = new BonusScale(o);
  const rng = new Rng(o.seed);
  let layout!: TransitionLayout;
  let size = 0;
  let sizes: number[] = [];
  let trainer!: AdamTrainer<MlpParams>;
  let weights!: MlpWeights;
  let expert: { x: Float32Array; rows: number } = { x: new Float32Array(0), rows: 0 };
  let x = new Float32Array(0);
  let y = new Float32Array(0);
  let scratch!: [Float32Array, Float32Array];
  // The rollout's transitions, for the next update.
  let seen = new Rows(1);

  return {
    name: "adversarial",
    discriminator(input, n) {
      const out = new Float32Array(n);
      mlpForwardJs(weights, input, n, out, "relu", mlpScratch(sizes, n));
      return out;
    },
    init(info) {
      if (info.actionCount === undefined || info.actionSize !== 1) throw new UserError(`${path}.demonstrations`, "adversarial rewards here need discrete actions numbered from 0");
      layout = { obsSize: info.obsSize, actionCount: info.actionCount };
      size = featureSize(layout);
      seen = new Rows(size);
      expert = demonstrationTransitions(readDemonstrations(o.demonstrations), layout);
      if (expert.rows === 0) throw new UserError(`${path}.demonstrations`, `${o.demonstrations} holds no transitions`);
      sizes = [size, ...o.hidden, 1];
      const params = initMlp(sizes, rng.split());
      weights = mlpWeights(params, sizes);
      x = new Float32Array(info.n * size);
      y = new Float32Array(info.n);
      scratch = mlpScratch(sizes, info.n);
      const sigma = o.probe;
      const loss = (p: MlpParams, xe: JaxArray, xp: JaxArray, eps: JaxArray) => {
        const fe = mlpForward(tree.ref(p), xe.ref, "relu");
        const fp = mlpForward(tree.ref(p), xp, "relu");
        const bce = logSigmoid(fe.ref).mean().neg().sub(logSigmoid(fp.neg()).mean());
        // (f(x + ε) − f(x))² / σ² ≈ ‖∇f‖² on average over ε.
        const diff = mlpForward(p, xe.add(eps), "relu").sub(fe);
        return bce.add(diff.ref.mul(diff).mean().mul(o.penalty / (sigma * sigma)));
      };
      trainer = new AdamTrainer(params, loss, { learningRate: o.learningRate });
    },
    compute(b: ModuleBatch, out: Float64Array) {
      const d = layout.obsSize;
      for (let i = 0; i < b.n; i++) writeTransition(layout, b.obs!, i * d, b.actions[i], b.nextObs!, i * d, x, i * size);
      mlpForwardJs(weights, x, b.n, y, "relu", scratch);
      for (let i = 0; i < b.n; i++) out[i] = y[i];
      scale.apply(out, b.n);
      seen.push(x, b.n);
    },
    update(): Record<string, number> {
      const rows = seen.count;
      if (rows === 0) return {};
      const mb = Math.min(o.minibatch, rows);
      const xp = new Float32Array(mb * size);
      const xe = new Float32Array(mb * size);
      const order = indices(rows);
      let total = 0;
      let count = 0;
      for (let epoch = 0; epoch < o.epochs; epoch++) {
        for (const batch of shuffledBatches(order, mb, rng)) {
          batch.forEach((i, r) => {
            xp.set(seen.row(i), r * size);
            const e = rng.int(expert.rows);
            xe.set(expert.x.subarray(e * size, (e + 1) * size), r * size);
          });
          const eps = Float32Array.from({ length: mb * size }, () => rng.normal() * o.probe);
          total += trainer.step([np.array(xe).reshape([mb, size]), np.array(xp).reshape([mb, size]), np.array(eps).reshape([mb, size])]).loss;
          count++;
        }
      }
      weights = mlpWeights(trainer.params, sizes);
      seen.clear();
      return { loss: count ? total / count : NaN };
    },
    state(): AdversarialState {
      return { discriminator: trainer.state(), rng: rng.getState(), seen: rowsState(seen), scale: scale.state() };
    },
    load(state) {
      const s = state as AdversarialState;
      trainer.load(s.discriminator);
      weights = mlpWeights(trainer.params, sizes);
      rng.setState(s.rng);
      loadRows(seen, s.seen);
      scale.load(s.scale);
    },
  };
}
