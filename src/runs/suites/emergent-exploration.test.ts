import { expect, test } from "vitest";
import { Rng } from "../../core/rng.js";
import type { BanditCore } from "../../envs/bandits/bandit-core.js";
import { ucb1, thompsonBeta } from "../../envs/bandits/baselines.js";
import { runCli } from "../../test-utils/cli.js";
import { measure, measureBaseline } from "./emergent-exploration.js";

const STRUCTURED = { id: "Bandit-OneGoodArm-10", kwargs: { k: 5, horizon: 10 } };

test("the measures: an oracle has no regret and one information-seeking pull (the one that finds the best arm); a random policy earns what chance does", () => {
  const oracle = measure(STRUCTURED, 64, (_obs, vec) => (vec.cores as BanditCore[]).map((c) => c.means.indexOf(Math.max(...c.means))));
  expect(oracle).toMatchObject({ regret: 0, infoPulls: 1, found: 1 });
  const rng = new Rng(1);
  const random = measure(STRUCTURED, 2048, (_obs, vec) => vec.cores.map(() => rng.int(5)));
  // 10 pulls at 0.9·1/5 + 0.1·4/5 = 0.26 each; regret 10·(0.9 − 0.26).
  expect(random.return).toBeGreaterThan(2.45);
  expect(random.return).toBeLessThan(2.75);
  expect(random.regret).toBeCloseTo(6.4, 0);
});

test("UCB1 tries every arm first, so it always finds the good one; Thompson sampling nearly always", () => {
  const u = measureBaseline((r) => ucb1(r), STRUCTURED, 256, 1);
  expect(u.found).toBe(1);
  const t = measureBaseline((r) => thompsonBeta(r), STRUCTURED, 256, 2);
  expect(t.found).toBeGreaterThan(0.9);
  expect(t.regret).toBeLessThan(6.4);
});

test("rewardlab suite emergent-exploration prints the table; a wrong condition is one line, exit 2", async () => {
  const r = await runCli("suite", "emergent-exploration", "--steps", "640", "--seeds", "1-2", "--episodes", "32", "--conditions", "no memory");
  expect(r.code, r.err).toBe(0);
  expect(r.out).toMatch(/no memory\s+\d/);
  expect(r.out).toMatch(/UCB1/);
  const bad = await runCli("suite", "emergent-exploration", "--conditions", "no brain");
  expect(bad.code).toBe(2);
  expect(bad.err.trim()).toMatch(/^error: --conditions: unknown "no brain"/);
}, 60_000);
