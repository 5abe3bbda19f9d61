/** Element-wise `toBeCloseTo` for typed arrays, naming the index that differs. */
import { expect } from "vitest";

export function expectClose(actual: ArrayLike<number>, expected: readonly number[], digits = 6): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => expect(actual[i], `index ${i}`).toBeCloseTo(e, digits));
}
