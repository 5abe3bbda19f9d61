/**
 * Terms' state as compact plain data: a typed array is saved as a list of
 * its numbers and loaded back into the same array, so a program keeps every
 * reference its compiled loops hold.
 */
export const numbers = (a: ArrayLike<number>): number[] => Array.from(a);

export function loadNumbers(target: Float64Array | Uint8Array, saved: unknown, what: string): void {
  if (!Array.isArray(saved) || saved.length !== target.length) throw new Error(`reward state: expected ${target.length} numbers for ${what}`);
  target.set(saved as number[]);
}
