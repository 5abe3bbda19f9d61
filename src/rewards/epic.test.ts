import { expect, test } from "vitest";
import { epicDistance, ercDistance } from "./epic.js";

const task = { terms: [{ kind: "task" }] };
const shaped = { terms: [{ kind: "task" }, { kind: "potential", phi: "-goal.distance", gamma: 0.99 }] };
const scaled = { terms: [{ kind: "task", weight: 3 }] };
const keyBonus = { terms: [{ kind: "task" }, { kind: "event", event: "pickup:key", weight: 0.5 }, { kind: "expression", expr: "-0.05" }] };
const other = { terms: [{ kind: "task", optimize: false }, { kind: "expression", expr: "-goal.distance" }] };

test("EPIC is ≈ 0 between a reward and its potential-shaped or positively rescaled versions", () => {
  const shapedD = epicDistance("DoorKey-5x5", task, shaped, { gamma: 0.99, bootstrap: 200 });
  expect(shapedD.exact).toBe(true);
  // Not exactly 0: Φ = 0 after termination is invisible to the state-only canonicalization (see epic.ts).
  expect(shapedD.distance).toBeLessThan(0.005);
  expect(epicDistance("DoorKey-5x5", task, scaled, { bootstrap: 0 }).distance).toBeLessThan(1e-6);
});

test("EPIC is clearly > 0 for different rewards, with a bootstrap interval around it", () => {
  const d = epicDistance("DoorKey-5x5", task, other, { bootstrap: 300 });
  expect(d.distance).toBeGreaterThan(0.2);
  expect(d.interval[0]).toBeLessThanOrEqual(d.distance);
  expect(d.interval[1]).toBeGreaterThanOrEqual(d.distance);
  const bonus = epicDistance("DoorKey-5x5", task, keyBonus, { bootstrap: 0 });
  expect(bonus.distance).toBeGreaterThan(0.05);
  // A sampled estimate of the expectations lands near the exact one.
  const sampled = epicDistance("DoorKey-5x5", task, other, { bootstrap: 0, exactLimit: 0, samples: 512 });
  expect(sampled.exact).toBe(false);
  expect(Math.abs(sampled.distance - d.distance)).toBeLessThan(0.05);
});

test("ERC: returns of the same rollouts correlate perfectly under rescaling, less under a different reward", () => {
  expect(ercDistance("DoorKey-5x5", task, scaled, { episodes: 100 })).toBeLessThan(1e-6);
  expect(ercDistance("DoorKey-5x5", task, other, { episodes: 100 })).toBeGreaterThan(0.1);
});

test("EPIC refuses environments without a tabular model in one line", () => {
  expect(() => epicDistance("CartPole-v1", task, task)).toThrow("--env: EPIC here needs a deterministic gridworld with a tabular model; CartPole-v1 is not one");
});

test("EPIC reads observations for learned rewards (sampled expectations): a learned reward is at distance ≈ 0 from its rescaling", async () => {
  const { RewardModel } = await import("../learn/preferences/reward-model.js");
  const { artifactOf } = await import("../runs/preferences/learn.js");
  const layout = { obsSize: 147, actionCount: 7 };
  const model = new RewardModel(2 * 147 + 7 + 1, { members: 1, hidden: [8], seed: 3 });
  const artifact = artifactOf(model, "DoorKey-5x5", layout, {});
  const learned = { terms: [{ kind: "learned", model: artifact, role: "primary" }] };
  const doubled = { terms: [{ kind: "learned", model: artifact, role: "primary", weight: 2 }] };
  const same = epicDistance("DoorKey-5x5", learned, doubled, { bootstrap: 0, samples: 32 });
  expect(same.exact).toBe(false);
  expect(same.distance).toBeLessThan(1e-3);
  expect(epicDistance("DoorKey-5x5", task, learned, { bootstrap: 0, samples: 32 }).distance).toBeGreaterThan(0.1);
});
