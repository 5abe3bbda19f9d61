import { expect, test } from "vitest";
import { make } from "../registry.js";

test("the cue shows only at reset, the question after `delay` steps, and only the answer is rewarded", () => {
  for (const seed of [0, 1, 2, 3]) {
    const env = make("CueRecall-v0", { kwargs: { delay: 3 } });
    const first = Array.from(env.reset(seed).obs);
    const cue = first[0] === 1 ? 0 : 1;
    expect(first[0] + first[1]).toBe(1);
    expect(first[2]).toBe(0);
    for (let t = 1; t <= 3; t++) {
      const s = env.step(0);
      expect(s.reward).toBe(0);
      expect(s.terminated).toBe(false);
      expect(Array.from(s.obs)).toEqual([0, 0, t === 3 ? 1 : 0]);
    }
    const answer = env.step(seed % 2 === 0 ? cue : 1 - cue);
    expect(answer.terminated).toBe(true);
    expect(answer.reward).toBe(seed % 2 === 0 ? 1 : 0);
  }
});

test("cues are drawn from the seed: both appear, and the same seed gives the same cue", () => {
  const cueOf = (seed: number) => make("CueRecall-v0").reset(seed).obs[0];
  const cues = Array.from({ length: 20 }, (_, s) => cueOf(s));
  expect(new Set(cues).size).toBe(2);
  expect(cues).toEqual(Array.from({ length: 20 }, (_, s) => cueOf(s)));
});
