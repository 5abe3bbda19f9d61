/**
 * A learner gets better at a co-play task than it starts: PPO as Tag's
 * tagger against fleeing runners, evaluated on episodes of held-out seeds.
 */
import { expect, test } from "vitest";
import { CO_PLAYERS, CoPlayEnv, CoPlayKwargs } from "../envs/universe/co-play.js";
import { RunConfig } from "./config.js";
import { runTraining } from "./train.js";

test("PPO learns to tag fleeing runners within 100k steps: evaluation success from about half to nearly always (seeded)", () => {
  const kwargs = { games: ["Tag"], count: 1000 };
  const probe = new CoPlayEnv(CoPlayKwargs.parse(kwargs));
  // A training task with the learner as the tagger and only fleeing co-players.
  const task = Array.from({ length: 900 }, (_, i) => i).find((i) => {
    const t = probe.taskAt(i);
    return t.seat === 0 && t.coPlayers.every((p, k) => k === 0 || CO_PLAYERS[p].kind === "flee");
  });
  expect(task).toBeDefined();
  const run = (steps: number) => runTraining(RunConfig.parse({ env: { id: "Universe-CoPlay", kwargs: { ...kwargs, task } }, numEnvs: 8, learner: { algo: "ppo", numSteps: 128 }, steps, evaluation: { episodes: 64 } }), 1);
  const untrained = run(1024);
  const trained = run(100_000);
  expect(untrained.finalSuccess).toBeLessThan(0.7);
  expect(trained.finalSuccess).toBeGreaterThan(0.9);
}, 60_000);
