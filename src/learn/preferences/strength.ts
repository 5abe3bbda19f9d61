/**
 * Preference strength from ensemble voting ("Secrets of RLHF in Large
 * Language Models Part II: Reward Modeling", Wang et al. 2024): how strongly
 * independently trained reward models support each label. A label the
 * ensemble strongly rejects is probably a mistake; one it barely supports is
 * ambiguous. Scores are cross-fitted (each fold judged by models that never
 * trained on it), so a model cannot vouch for a label it memorized.
 *
 *   strength(a ≻ b) = mean_k P_k(a ≻ b)  over the ensemble members k
 *
 * Then: flip labels with strength < `flipBelow`, down-weight those below ½
 * (weight 2·strength), keep the rest.
 */
import { z } from "zod";
import { Rng } from "../../core/rng.js";
import { RewardModel, RewardModelConfig, type Comparison } from "./reward-model.js";

export const StrengthConfig = z
  .object({
    folds: z.number().int().min(2).default(2),
    flipBelow: z.number().min(0).max(0.5).default(0.2).describe("flip labels whose strength is below this"),
    seed: z.number().int().nonnegative().default(0),
  })
  .strict();

/** Each comparison's strength: the mean P(preferred ≻ other) of models trained on the other folds (½ for equal labels). */
export function preferenceStrength(comparisons: readonly Comparison[], inputSize: number, model: Partial<z.input<typeof RewardModelConfig>>, options: Partial<z.input<typeof StrengthConfig>> = {}): number[] {
  const o = StrengthConfig.parse(options);
  const rng = new Rng(o.seed);
  const fold = comparisons.map(() => rng.int(o.folds));
  const strength = new Array<number>(comparisons.length).fill(0.5);
  for (let f = 0; f < o.folds; f++) {
    const judge = new RewardModel(inputSize, { ...model, seed: o.seed + 1 + f });
    judge.train(comparisons.filter((_, i) => fold[i] !== f));
    comparisons.forEach((c, i) => {
      if (fold[i] !== f || c.label === 0.5) return;
      const p = judge.preferenceProbabilities(c.a, c.b);
      const pa = p.reduce((s, v) => s + v, 0) / p.length;
      strength[i] = c.label === 1 ? pa : 1 - pa;
    });
  }
  return strength;
}

/** Comparisons with rejected labels flipped and weak ones down-weighted; returns how many of each. */
export function filterByStrength(comparisons: readonly Comparison[], strength: readonly number[], flipBelow = 0.2): { comparisons: Comparison[]; flipped: number; weakened: number } {
  let flipped = 0;
  let weakened = 0;
  const out = comparisons.map((c, i) => {
    const s = strength[i];
    if (c.label === 0.5) return c;
    if (s < flipBelow) {
      flipped++;
      return { ...c, label: c.label === 1 ? (0 as const) : (1 as const), weight: c.weight };
    }
    if (s < 0.5) {
      weakened++;
      return { ...c, weight: (c.weight ?? 1) * 2 * s };
    }
    return c;
  });
  return { comparisons: out, flipped, weakened };
}
