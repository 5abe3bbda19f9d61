import { expect, test } from "vitest";
import { Rng } from "../core/rng.js";
import { makeRewarded } from "../rewards/make.js";
import type { progressReward } from "./progress.js";

test("progress attribution learns per-step contributions that add up to each episode's outcome, most of it on the step that wins", () => {
  const env = makeRewarded("Empty-5x5", 8, { terms: [{ kind: "task" }, { kind: "intrinsic", module: "progress", options: { every: 1, epochs: 20, sample: 256, minibatch: 16, learningRate: 3e-3 } }] }, { kwargs: { maxSteps: 30 } });
  const module = env.program.intrinsicModules[0] as ReturnType<typeof progressReward>;
  const rng = new Rng(0);
  env.reset(0);
  for (let t = 0; t < 600; t++) env.step(Int32Array.from({ length: 8 }, () => rng.int(3)));
  const episodes = module.episodes();
  const wins = episodes.filter((e) => e.outcome > 0).length;
  expect(wins).toBeGreaterThan(20);
  expect(episodes.length - wins).toBeGreaterThan(20);
  const losses = Array.from({ length: 6 }, () => module.update!().loss);
  expect(losses.at(-1)!).toBeLessThan(losses[0] / 3);
  // R²: the summed contributions explain the outcomes.
  const size = episodes[0].x.length / episodes[0].length;
  const sums = episodes.map((e) => module.contributions(e.x, e.length).reduce((s, v) => s + v, 0));
  const outcomes = episodes.map((e) => e.outcome);
  const mean = outcomes.reduce((s, v) => s + v, 0) / outcomes.length;
  const residual = sums.reduce((s, v, i) => s + (v - outcomes[i]) ** 2, 0);
  const variance = outcomes.reduce((s, v) => s + (v - mean) ** 2, 0);
  expect(1 - residual / variance).toBeGreaterThan(0.8);
  // In a won episode, the last step (onto the goal) carries more than the average step.
  const won = episodes.filter((e) => e.outcome > 0 && e.length > 3);
  let last = 0;
  let others = 0;
  for (const e of won) {
    const c = module.contributions(e.x, e.length);
    last += c[e.length - 1] / won.length;
    others += c.slice(0, -1).reduce((s, v) => s + v, 0) / (e.length - 1) / won.length;
  }
  expect(last).toBeGreaterThan(others + 0.1);
  expect(size).toBe(2 * 147 + 7 + 1);
}, 150_000); // 35–47 s alone on the reference machine: a heavy test, not a timed one
