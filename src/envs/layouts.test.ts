import { expect, test } from "vitest";
import { makeRewarded } from "../rewards/make.js";
import { createCore } from "./registry.js";
import { VectorEnv } from "./vector.js";

/** The layout of each episode environment 0 starts, for `episodes` episodes (random actions end them). */
function layouts(vec: VectorEnv, episodes: number, env = 0): string[] {
  const seen: string[] = [];
  vec.reset(5);
  seen.push(vec.cores[env].render());
  const actions = new Int32Array(vec.n).fill(2); // forward: episodes end by truncation
  while (seen.length < episodes) {
    vec.step(actions);
    if (vec.terminated[env] || vec.truncated[env]) seen.push(vec.cores[env].render());
  }
  return seen;
}

const vector = (n: number, seeds?: number[]) => {
  const cores = Array.from({ length: n }, () => createCore("MultiRoom-N4-S5", { maxSteps: 5 }));
  if (seeds) cores.forEach((c, i) => c.fixLayouts(seeds, i));
  return new VectorEnv("MultiRoom-N4-S5", cores);
};

test("without fixed layouts every episode has a new layout", () => {
  expect(new Set(layouts(vector(2), 6)).size).toBe(6);
});

test("one fixed layout is the singleton variant: the same layout in every episode and every environment", () => {
  const vec = vector(3, [42]);
  const first = layouts(vec, 5, 0);
  expect(new Set(first).size).toBe(1);
  expect(layouts(vec, 5, 2)).toEqual(first);
  // …and reset(seed) does not change it.
  vec.reset(123);
  expect(vec.cores[1].render()).toBe(first[0]);
});

test("k fixed layouts are visited in turn, environment i starting at the i-th", () => {
  const seq = layouts(vector(2, [1, 2, 3]), 7, 1);
  expect(new Set(seq).size).toBe(3);
  expect(seq.slice(3, 6)).toEqual(seq.slice(0, 3));
  expect(layouts(vector(2, [1, 2, 3]), 3, 0)).toEqual([seq[2], seq[0], seq[1]]);
});

test("a run's env.layouts reaches the environments through makeRewarded", () => {
  const env = makeRewarded("MultiRoom-N4-S5", 2, { terms: [{ kind: "task" }] }, { kwargs: { maxSteps: 5 }, layoutSeeds: [9] });
  expect(new Set(layouts(env.vec, 4)).size).toBe(1);
});
