import { expect, test } from "vitest";
import { Rng } from "../core/rng.js";
import { categoricalEntropy, categoricalLogProb, gaussianEntropy, gaussianLogProb } from "../nn/distributions.js";
import { np, valueAndGrad, type JaxArray } from "../nn/jax.js";
import { LOSS_STATS, ppoLoss, type PpoLossConfig, type PpoMinibatch } from "./ppo-loss.js";

/**
 * The same loss written with jax-js arrays, differentiated by autodiff:
 * the independent check of the hand-written gradient.
 */
function referenceLoss(c: PpoLossConfig, discrete: boolean, b: { actions: JaxArray; oldLogProb: JaxArray; advantages: JaxArray; returns: JaxArray; oldValues: JaxArray }) {
  return (p: { actor: JaxArray; critic: JaxArray; logStd?: JaxArray }): [JaxArray, JaxArray[]] => {
    const newLogProb = discrete ? categoricalLogProb(p.actor.ref, b.actions.ref) : gaussianLogProb(p.actor.ref, p.logStd!.ref, b.actions.ref);
    const entropy = discrete ? categoricalEntropy(p.actor).mean() : gaussianEntropy(p.logStd!);
    if (!discrete) p.actor.dispose();
    const logRatio = newLogProb.sub(b.oldLogProb.ref);
    const ratio = np.exp(logRatio.ref);
    const pg = np.maximum(b.advantages.ref.neg().mul(ratio.ref), b.advantages.ref.neg().mul(np.clip(ratio.ref, 1 - c.clipCoef, 1 + c.clipCoef))).mean();
    const v = p.critic.reshape([-1]);
    const unclipped = v.ref.sub(b.returns.ref);
    let vLoss: JaxArray;
    if (c.clipVloss) {
      const vc = b.oldValues.ref.add(np.clip(v.sub(b.oldValues.ref), -c.clipCoef, c.clipCoef)).sub(b.returns.ref);
      vLoss = np.maximum(unclipped.ref.mul(unclipped), vc.ref.mul(vc)).mean().mul(0.5);
    } else {
      v.dispose();
      vLoss = unclipped.ref.mul(unclipped).mean().mul(0.5);
    }
    const total = pg.ref.sub(entropy.ref.mul(c.entCoef)).add(vLoss.ref.mul(c.vfCoef));
    const kl = ratio.ref.sub(1).sub(logRatio).mean();
    const clipFrac = np.greater(np.abs(ratio.sub(1)), c.clipCoef).astype(np.float32).mean();
    return [total, [pg, vLoss, entropy, kl, clipFrac]];
  };
}

const CASES: [string, boolean, boolean][] = [
  ["categorical, clipped value loss", true, true],
  ["categorical, plain value loss", true, false],
  ["Gaussian, clipped value loss", false, true],
];

for (const [name, discrete, clipVloss] of CASES) {
  test(`the hand-written gradient equals jax-js autodiff of the same loss (${name})`, () => {
    const rng = new Rng(discrete ? 1 : 2);
    const n = 64;
    const A = 3;
    const width = 4;
    const c: PpoLossConfig = { clipCoef: 0.2, clipVloss, entCoef: 0.05, vfCoef: 0.5 };
    const logits = Float32Array.from({ length: n * A }, () => rng.normal());
    const values = Float32Array.from({ length: n }, () => rng.normal());
    const logStd = Float32Array.from({ length: A }, () => 0.3 * rng.normal());
    const actions = discrete ? Int32Array.from({ length: n }, () => rng.int(A)) : Float32Array.from({ length: n * A }, () => rng.normal());
    // Old log-probabilities spread so that about half the ratios fall outside [0.8, 1.2].
    const oldLogProb = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      let lp = 0;
      if (discrete) {
        const row = Array.from(logits.subarray(i * A, (i + 1) * A));
        const max = Math.max(...row);
        lp = row[actions[i]] - (max + Math.log(row.reduce((s, z) => s + Math.exp(z - max), 0)));
      } else {
        for (let d = 0; d < A; d++) {
          const z = (actions[i * A + d] - logits[i * A + d]) / Math.exp(logStd[d]);
          lp += -0.5 * z * z - logStd[d] - 0.5 * Math.log(2 * Math.PI);
        }
      }
      oldLogProb[i] = lp + 0.4 * rng.normal();
    }
    const batch: PpoMinibatch = {
      rows: n,
      actions,
      oldLogProb,
      advantages: Float32Array.from({ length: n }, () => rng.normal()),
      returns: Float32Array.from({ length: n }, () => rng.normal()),
      oldValues: Float32Array.from({ length: n }, (_, i) => values[i] + 0.4 * rng.normal()),
    };
    // Ours, on padded outputs.
    const actor = new Float32Array(n * width);
    const critic = new Float32Array(n * width);
    for (let i = 0; i < n; i++) {
      actor.set(logits.subarray(i * A, (i + 1) * A), i * width);
      critic[i * width] = values[i];
      actor[i * width + 3] = 99; // padding must be ignored
    }
    const dActor = new Float32Array(n * width).fill(7);
    const dCritic = new Float32Array(n * width).fill(7);
    const dLogStd = new Float32Array(A);
    const stats = new Float64Array(LOSS_STATS.length);
    ppoLoss(c, batch, { discrete, actionDim: A, actor, actorWidth: width, critic, criticWidth: width, logStd: discrete ? undefined : logStd, dActor, dCritic, dLogStd: discrete ? undefined : dLogStd }, stats);
    expect(stats[5]).toBeGreaterThan(0.2);
    // jax-js.
    const oneHot = new Float32Array(n * A);
    if (discrete) for (let i = 0; i < n; i++) oneHot[i * A + actions[i]] = 1;
    const b = {
      actions: np.array(discrete ? oneHot : (actions as Float32Array)).reshape([n, A]),
      oldLogProb: np.array(oldLogProb),
      advantages: np.array(batch.advantages),
      returns: np.array(batch.returns),
      oldValues: np.array(batch.oldValues),
    };
    const params = { actor: np.array(logits).reshape([n, A]), critic: np.array(values).reshape([n, 1]), ...(discrete ? {} : { logStd: np.array(logStd) }) };
    const [[total, parts], grads] = valueAndGrad(referenceLoss(c, discrete, b), { hasAux: true })(params) as unknown as [[JaxArray, JaxArray[]], { actor: JaxArray; critic: JaxArray; logStd?: JaxArray }];
    expect(stats[0]).toBeCloseTo(total.dataSync()[0] as number, 5);
    parts.forEach((part, k) => expect(stats[k + 1]).toBeCloseTo(part.dataSync()[0] as number, 5));
    const gActor = grads.actor.dataSync() as Float32Array;
    const gCritic = grads.critic.dataSync() as Float32Array;
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < A; k++) expect(dActor[i * width + k]).toBeCloseTo(gActor[i * A + k], 6);
      expect(dActor[i * width + 3]).toBe(0);
      expect(dCritic[i * width]).toBeCloseTo(gCritic[i], 6);
      expect(dCritic[i * width + 1]).toBe(0);
    }
    if (!discrete) {
      const gLogStd = grads.logStd!.dataSync() as Float32Array;
      for (let d = 0; d < A; d++) expect(dLogStd[d]).toBeCloseTo(gLogStd[d], 5);
    }
    Object.values(b).forEach((a) => a.dispose());
  });
}
