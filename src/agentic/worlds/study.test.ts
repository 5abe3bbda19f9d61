import { expect, test } from "vitest";
import { ACTION_NAMES } from "../../envs/grid/objects.js";
import { gridTextEnv } from "./grid-text.js";
import { STUDY_EVALUATION_SEED, textStudy } from "./study.js";
import { evaluateTextPolicy, trainTextPolicy } from "./text-policy.js";

test("a transfer world judges the very policy trained on the study's world, on the same held-out seeds", () => {
  const core = { actions: ACTION_NAMES.slice(0, 6), maxSteps: 60 };
  const small = () => gridTextEnv("Empty-5x5");
  const large = () => gridTextEnv("Empty-8x8");
  const arm = { name: "ppo dense", learner: { algo: "ppo", numSteps: 64 } as never, rewards: "dense" as const };
  const [result] = textStudy(small, core, [arm], [3], 2048, 8, undefined, { "Empty-8x8": large });
  const trained = trainTextPolicy(small, core, { learner: arm.learner, rewards: "dense", steps: 2048, seed: 3 });
  const home = evaluateTextPolicy(trained, small, core, 8, STUDY_EVALUATION_SEED);
  const away = evaluateTextPolicy(trained, large, core, 8, STUDY_EVALUATION_SEED);
  expect([result.primary, result.success]).toEqual([[home.primaryReturn], [home.success]]);
  expect(result.transfer["Empty-8x8"]).toEqual({ primary: [away.primaryReturn], success: [away.success] });
  // Judged on another world, not a copy of the home figures.
  expect(away.primaryReturn).not.toBe(home.primaryReturn);
});
