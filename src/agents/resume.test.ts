import { expect, test } from "vitest";
import { makeVector } from "../envs/registry.js";
import { RewardedVector } from "../rewards/rewarded.js";
import { Ppo } from "./ppo.js";
import { checkpointPpo, restorePpo } from "./ppo-checkpoint.js";
import type { EpisodeRecord } from "./episodes.js";

// Stateful on purpose: a once-per-episode event, a potential, a running normalization.
const spec = {
  terms: [
    { kind: "task", name: "goal" },
    { kind: "event", event: "pickup:key", weight: 0.2, once: true, name: "key" },
    { kind: "potential", phi: "-goal.distance", gamma: 0.99, name: "progress" },
  ],
  transforms: [{ type: "normalize", gamma: 0.99 }],
};
const config = { numSteps: 32 };
const build = () => new Ppo(new RewardedVector(makeVector("DoorKey-5x5", 4, { kwargs: { maxSteps: 40 } }), spec), config, 11);

function trainFor(ppo: Ppo, iterations: number, log: EpisodeRecord[]): void {
  const total = (ppo.iteration + iterations) * ppo.batchSize;
  ppo.train(12 * ppo.batchSize, (_m, episodes) => {
    log.push(...episodes);
    if (ppo.iteration * ppo.batchSize >= total) return false;
  });
}

test("training resumed from a checkpoint continues exactly as an uninterrupted run", () => {
  const straight = build();
  const logA: EpisodeRecord[] = [];
  trainFor(straight, 6, logA);

  const first = build();
  const logB: EpisodeRecord[] = [];
  trainFor(first, 3, logB);
  const saved = JSON.parse(JSON.stringify(checkpointPpo(first)));
  const resumed = build();
  restorePpo(resumed, saved);
  trainFor(resumed, 3, logB);

  expect(resumed.iteration).toBe(6);
  expect(logB.length).toBeGreaterThan(0);
  expect(logB).toEqual(logA);
  expect(JSON.stringify(resumed.save().params)).toBe(JSON.stringify(straight.save().params));
}, 60_000);
