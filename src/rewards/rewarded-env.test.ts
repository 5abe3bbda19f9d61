import { expect, test } from "vitest";
import { make } from "../envs/registry.js";
import { RewardedEnv } from "./rewarded-env.js";

const spec = { terms: [{ kind: "task", name: "goal" }, { kind: "expression", expr: "-0.01", name: "step" }, { kind: "event", event: "bump", name: "bump", weight: -0.1 }] };

test("each step's info carries every term's contribution; the last step carries the episode's sums", () => {
  const env = new RewardedEnv("Empty-5x5", spec, { kwargs: { maxSteps: 4 } });
  const plain = make("Empty-5x5", { kwargs: { maxSteps: 4 } });
  const { obs } = env.reset(3);
  expect(Array.from(obs)).toEqual(Array.from(plain.reset(3).obs));
  let sum = 0;
  for (const action of [2, 2, 2, 0]) {
    const s = env.step(action);
    const p = plain.step(action);
    expect(Array.from(s.obs)).toEqual(Array.from(p.obs));
    expect(s.info.events).toEqual(p.info.events);
    expect(s.info.rewardTerms.step).toBeCloseTo(-0.01, 6);
    expect(s.info.rewardTerms.bump).toBeCloseTo(p.info.events.includes("bump") ? -0.1 : 0, 6);
    expect(s.reward).toBeCloseTo(Object.values(s.info.rewardTerms).reduce((a, b) => a + b, 0), 5);
    sum += s.reward;
    if (s.truncated) {
      expect(s.info.episode!.length).toBe(4);
      expect(s.info.episode!.terms.step).toBeCloseTo(-0.04, 6);
      expect(s.info.episode!.return).toBeCloseTo(sum, 5);
    } else expect(s.info.episode).toBeUndefined();
  }
  // The third forward bumps into the east wall from (3, 1).
  expect(env.step(2).info.stepCount).toBe(1);
});
