import { expect, test } from "vitest";
import { Rng } from "../core/rng.js";
import { makeRewarded } from "../rewards/make.js";
import { collectSegments } from "../runs/preferences/segments.js";
import { PolicyDiscriminator, type Triple } from "./policy-discriminator.js";

/** Segments of a DoorKey-5x5 policy that picks actions with fixed preferences (its "style"). */
function segmentsOf(preferences: number[], count: number, seed: number): Float32Array[] {
  const env = makeRewarded("DoorKey-5x5", 4, { terms: [{ kind: "task" }] });
  env.reset(seed);
  const total = preferences.reduce((s, v) => s + v, 0);
  const act = (_obs: Float32Array, rng: Rng) => Int32Array.from({ length: 4 }, () => {
    let u = rng.float() * total;
    let a = 0;
    while (u >= preferences[a]) u -= preferences[a++];
    return a;
  });
  return collectSegments(env, act, count, 8, new Rng(seed)).map((s) => s.x);
}

test("a policy discriminator learns which trajectories share a policy, and rewards trajectories of the target policy most", () => {
  // Four styles: mostly forward, mostly turning left, mostly turning right, mostly picking up and toggling.
  const styles = [
    [1, 1, 6, 1, 0, 1, 0],
    [5, 1, 2, 0.5, 0, 0.5, 0],
    [1, 5, 2, 0.5, 0, 0.5, 0],
    [0.5, 0.5, 0.5, 3, 0, 3, 0],
  ];
  const train = styles.map((s, i) => segmentsOf(s, 120, i));
  const rng = new Rng(0);
  const d = train[0][0].length / 8;
  const model = new PolicyDiscriminator(d, { seed: 1, learningRate: 3e-3 });
  const losses: number[] = [];
  for (let step = 0; step < 400; step++) {
    const triples: Triple[] = Array.from({ length: 16 }, () => {
      const i = rng.int(styles.length);
      const j = (i + 1 + rng.int(styles.length - 1)) % styles.length;
      return { anchor: train[i][rng.int(120)], same: train[i][rng.int(120)], other: train[j][rng.int(120)] };
    });
    losses.push(model.train(triples));
  }
  expect(losses.slice(-10).reduce((s, v) => s + v, 0) / 10).toBeLessThan(losses.slice(0, 10).reduce((s, v) => s + v, 0) / 10);
  // Fresh trajectories: each style's are rewarded most by targets of its own style.
  const fresh = styles.map((s, i) => segmentsOf(s, 20, 100 + i));
  const targets = styles.map((s, i) => segmentsOf(s, 10, 200 + i));
  for (let t = 0; t < styles.length; t++) {
    const scores = fresh.map((trajectories) => model.reward(trajectories, targets[t]).reduce((s, v) => s + v, 0) / trajectories.length);
    expect(scores.indexOf(Math.max(...scores))).toBe(t);
  }
}, 60_000);
