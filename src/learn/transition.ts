/**
 * The one encoding of a transition for learned rewards: the row
 * x = [s, one-hot a, s′, absorbing]. Reward models (preferences, VPL),
 * discriminators (adversarial imitation), SPA and the `learned` term all read
 * and write transitions this way; the absorbing row (all zeros but the flag)
 * stands for "the episode ended", so a model can value ending.
 */
/** The feature row of a transition: s, a one-hot action, s′, and the absorbing flag. */
export interface TransitionLayout {
  obsSize: number;
  actionCount: number;
}

export const featureSize = (l: TransitionLayout): number => 2 * l.obsSize + l.actionCount + 1;

/** Writes the feature row of (s, a, s′) at `out[offset …]`. */
export function writeTransition(l: TransitionLayout, s: Float32Array, sOffset: number, a: number, next: Float32Array, nextOffset: number, out: Float32Array, offset: number): void {
  const d = l.obsSize;
  out.set(s.subarray(sOffset, sOffset + d), offset);
  out.fill(0, offset + d, offset + d + l.actionCount);
  out[offset + d + a] = 1;
  out.set(next.subarray(nextOffset, nextOffset + d), offset + d + l.actionCount);
  out[offset + 2 * d + l.actionCount] = 0;
}

/** Writes the absorbing row (zeros, flag 1). */
export function writeAbsorbing(l: TransitionLayout, out: Float32Array, offset: number): void {
  const size = featureSize(l);
  out.fill(0, offset, offset + size - 1);
  out[offset + size - 1] = 1;
}
