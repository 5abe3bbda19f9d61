import { expect, test } from "vitest";
import { parseTrajectory, type Trajectory } from "../trajectory.js";
import { turnAdvantages } from "./credit.js";

const episode = (seed: number, turnRewards: number[], primaryReturn: number): Trajectory =>
  parseTrajectory({ metadata: { seed, turnRewards, primaryReturn, return: turnRewards.reduce((a, b) => a + b, 0) } });

const batch = [episode(1, [0, 0, 1], 1), episode(1, [0, 0, 0, 0], 0), episode(1, [0.5, 0], 0.5), episode(2, [0, 1], 1), episode(2, [0.2], 0.2)];

test("sparse: every turn of an episode gets its episode's RLOO advantage within its task's group", () => {
  const A = turnAdvantages(batch, { rewards: "sparse", estimator: "rloo" });
  // Seed 1's outcomes 1, 0, 0.5 and seed 2's 1, 0.2; RLOO: r_i − the mean of the others.
  const close = (xs: number[]) => xs.map((x) => Math.round(x * 1e12) / 1e12);
  expect(close(A[0])).toEqual([0.75, 0.75, 0.75]);
  expect(close(A[1])).toEqual([-0.75, -0.75, -0.75, -0.75]);
  expect(close(A[2])).toEqual([0, 0]);
  expect(close(A[3])).toEqual([0.8, 0.8]);
  expect(close(A[4])).toEqual([-0.8]);
});

test("dense: the episode's advantage plus α times the return-to-go of the turn rewards standardized within the task's group", () => {
  const alpha = 0.5;
  const A = turnAdvantages(batch, { rewards: "dense", estimator: "rloo", alpha });
  const episodeA = turnAdvantages(batch, { rewards: "sparse", estimator: "rloo" }).map((a) => a[0]);
  for (const seed of [1, 2]) {
    const members = batch.map((_, i) => i).filter((i) => (batch[i].metadata as { seed: number }).seed === seed);
    const steps = members.flatMap((i) => (batch[i].metadata as { turnRewards: number[] }).turnRewards);
    const mean = steps.reduce((a, b) => a + b, 0) / steps.length;
    const std = Math.sqrt(steps.reduce((a, b) => a + (b - mean) ** 2, 0) / (steps.length - 1));
    for (const i of members) {
      const r = (batch[i].metadata as { turnRewards: number[] }).turnRewards.map((x) => (x - mean) / (std + 1e-6));
      r.forEach((_, t) => {
        const togo = r.slice(t).reduce((a, b) => a + b, 0);
        // Returns here equal the primary returns, so the episode advantages are the sparse ones.
        expect(A[i][t]).toBeCloseTo(episodeA[i] + alpha * togo, 10);
      });
    }
  }
});

test("trajectories without turn rewards are one line naming the path", () => {
  expect(() => turnAdvantages([parseTrajectory({ prompt: "hi" })])).toThrow("trajectories[0].metadata.turnRewards: expected the turn rewards a text world wrote (agent run)");
});
