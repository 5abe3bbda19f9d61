import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, test } from "vitest";
import { createLearner, LearnerConfig } from "../agents/index.js";
import { makeRewarded } from "../rewards/make.js";
import { runCli } from "../test-utils/cli.js";
import { RunConfig } from "./config.js";
import { Rng } from "../core/rng.js";
import { compareGenerations, dominates, normalizedPercentiles, percentile, trainGenerations } from "./generations.js";
import { TrainingLoop } from "./loop.js";

const dir = mkdtempSync(join(tmpdir(), "rewardlab-generations-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("percentiles interpolate between order statistics as numpy does", () => {
  expect(percentile([4, 1, 3, 2], 10)).toBeCloseTo(1.3, 12);
  expect(percentile([4, 1, 3, 2], 50)).toBe(2.5);
  expect(percentile([7], 10)).toBe(7);
});

test("XLand's percentiles: scores normalized per task by the best generation; dominance needs all three at least as good", () => {
  const [g1, g2] = normalizedPercentiles([
    [0, 0.5, 1, 0],
    [0.2, 0.5, 0.5, 0],
  ]);
  // Best per task: 0.2, 0.5, 1, 0. g1 normalized: 0, 1, 1, 0; g2: 1, 1, 0.5, 0.
  expect(g1).toEqual({ participation: 0.5, p10: 0, p50: 0.5 });
  expect(g2.participation).toBe(0.75);
  expect(g2.p10).toBeCloseTo(0.15, 12);
  expect(g2.p50).toBeCloseTo(0.75, 12);
  expect(dominates(g2, g1)).toBe(true);
  expect(dominates(g1, g2)).toBe(false);
  expect(dominates(g1, g1)).toBe(false);
});

test("a generation dominates only when the bootstrap over tasks says so: one task of 64 better is no clear difference", () => {
  const tasks = 64;
  const none = Array.from({ length: tasks }, () => 0);
  const all = Array.from({ length: tasks }, (_, t) => 0.5 + (t % 5) / 10);
  const oneMore = none.map((x, t) => (t === 0 ? 1 : x));
  expect(compareGenerations([none, all], 1, 0, new Rng(1)).verdict).toBe("dominates");
  expect(compareGenerations([none, all], 0, 1, new Rng(1)).verdict).toBe("dominated");
  expect(compareGenerations([all, all], 1, 0, new Rng(1)).verdict).toBe("no clear difference");
  expect(compareGenerations([none, oneMore], 1, 0, new Rng(1)).verdict).toBe("no clear difference");
  // Half the tasks newly solved: clear.
  const half = none.map((x, t) => (t % 2 === 0 ? 1 : x));
  const { verdict, intervals } = compareGenerations([none, half], 1, 0, new Rng(2));
  expect(verdict).toBe("dominates");
  expect(intervals.participation[0]).toBeGreaterThan(0.3);
  expect(intervals.participation[1]).toBeLessThan(0.7);
});

test("a learner of the next generation starts from the previous one's policy", () => {
  for (const algo of [{ algo: "ppo", numSteps: 16 }, { algo: "rppo", numSteps: 16, numMinibatches: 2, memory: 8 }]) {
    const env = () => makeRewarded("Universe-R1-9x9", 2, { terms: [{ kind: "task" }] }, { kwargs: { benchmark: "trivial", count: 20, maxSteps: 20 } });
    const a = createLearner(LearnerConfig.parse(algo), env(), 1);
    new TrainingLoop(a).run(256);
    const b = createLearner(LearnerConfig.parse(algo), env(), 2);
    const obs = a.env.vec.obs.slice();
    expect(b.act(obs, undefined, { greedy: true })).not.toEqual(a.act(obs, undefined, { greedy: true }));
    b.inherit!(a);
    expect(Array.from(b.act(obs, undefined, { greedy: true }))).toEqual(Array.from(a.act(obs, undefined, { greedy: true })));
  }
});

const CONFIG = { env: { id: "Universe-R1-9x9", kwargs: { benchmark: "trivial", count: 100, maxSteps: 20 } }, numEnvs: 4, learner: { algo: "ppo", numSteps: 16 }, steps: 256 };

test("generations of one seed train and are evaluated on the same held-out tasks, the same for the same seed", () => {
  const run = () => trainGenerations(RunConfig.parse(CONFIG), 5, { generations: 2, tasks: 4, episodes: 2 });
  const a = run();
  expect(a).toEqual(run());
  expect(a.map((r) => r.generation)).toEqual([1, 2]);
  expect(a[1].steps).toBe(2 * a[0].steps);
  for (const r of a) {
    expect(r.scores).toHaveLength(4);
    for (const v of Object.values(r.percentiles)) expect(v >= 0 && v <= 1).toBe(true);
  }
}, 60_000);

test("rewardlab universe generations prints a table; a config without a universe benchmark is one line, exit 2", async () => {
  const file = join(dir, "gen.json");
  writeFileSync(file, JSON.stringify(CONFIG));
  const r = await runCli("universe", "generations", file, "--generations", "2", "--tasks", "3", "--episodes", "1");
  expect(r.code, r.err).toBe(0);
  expect(r.out).toMatch(/participation\s+p10\s+p50/);
  expect(r.out.trim().split("\n")).toHaveLength(4);
  const bad = join(dir, "bad.json");
  writeFileSync(bad, JSON.stringify({ ...CONFIG, env: { id: "DoorKey-5x5" } }));
  const e = await runCli("universe", "generations", bad);
  expect(e.code).toBe(2);
  expect(e.err.trim()).toMatch(/^error: env: generations are evaluated on a universe benchmark's held-out tasks/);
}, 60_000);
