/**
 * Synthetic preference labelers: answer "which of these two segments is
 * better?" from a ground-truth reward, with the imperfections of people, so
 * reward learning can be measured without them. The B-Pref family (Lee et
 * al. 2021): a Boltzmann-rational chooser with rationality β, a random flip
 * ("mistake") rate, myopia (later steps weigh more, by γ^(T−1−t)), an
 * "equally preferable" threshold, and a skip threshold (both segments too
 * poor to judge).
 */
import { z } from "zod";
import type { Rng } from "../../core/rng.js";

export const LabelerConfig = z
  .object({
    beta: z.number().positive().nullable().default(null).describe("rationality β of P(a ≻ b) = σ(β(R_a − R_b)); null: always the better one"),
    flip: z.number().min(0).max(1).default(0).describe("probability that a label is flipped (a mistake)"),
    gamma: z.number().min(0).max(1).default(1).describe("myopia: step t of T weighs γ^(T−1−t)"),
    equal: z.number().min(0).default(0).describe("|R_a − R_b| at or below this is labelled equally preferable"),
    skip: z.number().nullable().default(null).describe("skip the query when both returns are below this"),
  })
  .strict();
export type LabelerConfig = z.output<typeof LabelerConfig>;

/** P(a ≻ b): 1 for a, 0 for b, 0.5 for equal; null when the labeler skips the query. */
export type Label = 1 | 0 | 0.5 | null;

/** The labeler's (myopically discounted) return of a segment's true rewards. */
export function perceivedReturn(rewards: ArrayLike<number>, gamma: number): number {
  let r = 0;
  const T = rewards.length;
  for (let t = 0; t < T; t++) r += Math.pow(gamma, T - 1 - t) * rewards[t];
  return r;
}

export function syntheticLabel(a: ArrayLike<number>, b: ArrayLike<number>, c: LabelerConfig, rng: Rng): Label {
  const ra = perceivedReturn(a, c.gamma);
  const rb = perceivedReturn(b, c.gamma);
  if (c.skip !== null && ra < c.skip && rb < c.skip) return null;
  if (Math.abs(ra - rb) <= c.equal) return 0.5;
  let label: 1 | 0;
  if (c.beta === null) label = ra > rb ? 1 : 0;
  else label = rng.float() < 1 / (1 + Math.exp(-c.beta * (ra - rb))) ? 1 : 0;
  if (c.flip > 0 && rng.float() < c.flip) label = label === 1 ? 0 : 1;
  return label;
}
