/** The public API as a TypeScript user meets it: `import { … } from "rewardlab"`. */
import { expect, it } from "vitest";
import { groupAdvantages, parseAgenticSpec, parseTrajectory, RewardPipeline, SCORERS } from "./index.js";

it("scores LLM-agent trajectories and computes group advantages in-process", async () => {
  const spec = parseAgenticSpec({ aspects: [{ name: "correct", kind: "math" }, { name: "format", kind: "tags", weight: 0.2 }] }, SCORERS);
  const pipeline = new RewardPipeline(spec, { baseDir: ".", env: {} });
  const group = ["<think>6·7</think><answer>\\boxed{42}</answer>", "<think>guess</think><answer>\\boxed{41}</answer>", "42"].map((answer) =>
    parseTrajectory({ prompt: "What is 6·7?", answer, reference: { answer: "42" } }),
  );
  const { rewards } = await pipeline.score(group);
  expect(Array.from(rewards)).toEqual([1.2, 0.2, 1]);
  const advantages = groupAdvantages(rewards, null, { estimator: "rloo" });
  // RLOO: r_i − mean of the others.
  expect(advantages[0]).toBeCloseTo(1.2 - (0.2 + 1) / 2, 12);
  expect(advantages[1]).toBeCloseTo(0.2 - (1.2 + 1) / 2, 12);
});
