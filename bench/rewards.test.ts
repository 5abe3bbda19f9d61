import { expect, test } from "vitest";
import { rewardsSuite } from "./rewards.js";

test("bench rewards reports plain and rewarded rates, their overhead, and an expression's cost", () => {
  const figures = [...rewardsSuite(0.02)];
  expect(figures.map((f) => [f.name, f.unit])).toEqual([
    ["doorkey-8x8/vector64/plain", "steps/s"],
    ["doorkey-8x8/vector64/rewarded", "steps/s"],
    ["doorkey-8x8/vector64/overhead", "%"],
    ["expression/eval", "ns"],
    ["expression/eval-batch64", "ns"],
  ]);
  const [plain, rewarded, overhead, expression, expression64] = figures.map((f) => f.value);
  expect(plain).toBeGreaterThan(0);
  expect(rewarded).toBeGreaterThan(0);
  expect(overhead).toBeCloseTo(100 * (plain / rewarded - 1), 9);
  expect(expression).toBeGreaterThan(0);
  expect(expression64).toBeGreaterThan(0);
  for (const f of figures) expect(f.suite).toBe("rewards");
});
