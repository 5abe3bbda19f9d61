import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { UserError } from "../core/errors.js";
import { packageFile } from "../core/paths.js";
import { openStore } from "../runs/store/index.js";
import { SweepTables } from "../runs/store/sweeps.js";
import { runTraining } from "../runs/train.js";
import { runCli } from "../test-utils/cli.js";
import { promote, quantile, rungSteps } from "./asha.js";
import { loadSweep, trialConfig } from "./config.js";
import { runSweepLocally } from "./local.js";
import { labeller } from "./report.js";
import { configurations, trialsOf } from "./search.js";

const dir = mkdtempSync(join(tmpdir(), "rewardlab-sweeps-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

writeFileSync(join(dir, "base.yaml"), ["env: {id: CartPole-v1}", "numEnvs: 4", "learner: {algo: ppo, numSteps: 128}", "steps: 8192", "seeds: [0]"].join("\n"));
const sweepFile = (name: string, lines: string[]) => {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, [`name: ${name}`, "base: base.yaml", ...lines].join("\n"));
  return file;
};

describe("search and early stopping", () => {
  test("a grid is every combination (the last key fastest), each on every seed; random draws are seeded and in bounds", () => {
    const grid = loadSweep(sweepFile("grid", ["seeds: [3, 4]", "space:", "  learner.learningRate: [0.001, 0.002]", "  learner.entCoef: [0, 0.01, 0.02]"]));
    expect(configurations(grid)).toEqual([0.001, 0.002].flatMap((lr) => [0, 0.01, 0.02].map((ent) => ({ "learner.learningRate": lr, "learner.entCoef": ent }))));
    const trials = trialsOf(grid);
    expect(trials).toHaveLength(12);
    expect(trials[5]).toEqual({ trial: 5, configIndex: 2, params: { "learner.learningRate": 0.001, "learner.entCoef": 0.02 }, seed: 4 });
    const random = loadSweep(sweepFile("random", ["method: random", "configs: 50", "seed: 7", "space:", "  learner.learningRate: {loguniform: [1.0e-4, 1.0e-2]}", "  learner.updateEpochs: {int: [1, 4]}", "  learner.clipCoef: {uniform: [0.1, 0.3]}"]));
    const drawn = configurations(random);
    expect(configurations(random)).toEqual(drawn);
    expect(drawn).toHaveLength(50);
    for (const c of drawn) {
      expect(c["learner.learningRate"]).toBeGreaterThanOrEqual(1e-4);
      expect(c["learner.learningRate"]).toBeLessThanOrEqual(1e-2);
      expect([1, 2, 3, 4]).toContain(c["learner.updateEpochs"]);
    }
    // Log-uniform: about half the draws below the geometric middle (1e-3).
    expect(drawn.filter((c) => (c["learner.learningRate"] as number) < 1e-3).length).toBeGreaterThan(15);
    expect(new Set(drawn.map((c) => c["learner.updateEpochs"])).size).toBe(4);
    expect(trialConfig(random, drawn[0], 9)).toMatchObject({ seeds: [9], learner: { learningRate: drawn[0]["learner.learningRate"] } });
  });

  test("ASHA: the (1 − 1/η) quantile of a rung's values is the bar, as numpy's percentile; nothing stops before minTrials", () => {
    expect(quantile([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4], 2 / 3)).toBe(3);
    expect(promote(1, [1, 5], 3, 3)).toBe(true); // two recorded: too few to judge
    expect(promote(2, [1, 2, 3, 4, 5, 6], 3, 3)).toBe(false);
    expect(promote(5, [1, 2, 3, 4, 5, 6], 3, 3)).toBe(true);
    expect(promote(NaN, [1, 2, 3], 2, 1)).toBe(false);
    expect(rungSteps([0.25, 0.5, 0.5], 8192)).toEqual([2048, 4096]);
  });

  test("every example sweep loads, and its reward designs read by the file they came from", () => {
    const files = readdirSync(packageFile("examples/sweeps")).filter((f) => f.endsWith(".yaml"));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const sweep = loadSweep(packageFile(`examples/sweeps/${f}`));
      expect(trialsOf(sweep).length, f).toBeGreaterThan(0);
    }
    const designs = loadSweep(packageFile("examples/sweeps/lavagap-designs.yaml"));
    const label = labeller(designs);
    expect(configurations(designs).map((c) => label("reward", c.reward))).toEqual(designs.labels!.reward);
    expect(designs.labels!.reward[0]).toBe("../optimize/baselines/sparse-lavagap.yaml");
  });

  test("bad sweeps are one line naming the field", () => {
    const refuse = (name: string, lines: string[], expected: string) => {
      const e = (() => {
        try {
          loadSweep(sweepFile(name, lines));
        } catch (x) {
          return x;
        }
      })();
      expect(e).toBeInstanceOf(UserError);
      expect((e as UserError).message).toEqual(expected);
    };
    refuse("g", ["space:", "  learner.learningRate: {uniform: [0.001, 0.01]}"], "space.learner.learningRate: a grid takes a list of values; use method: random for a distribution");
    refuse("p", ["space:", "  learner.nope.deeper: [1]"], "space.learner.nope.deeper: the base config has no learner.nope to set deeper in");
    refuse("r", ["method: random", "space:", "  learner.learningRate: {uniform: [0.01, 0.001]}"], "space.learner.learningRate.uniform: expected [low, high] with low < high");
    refuse("v", ["space:", "  learner.learningRate: [fast]"], expect.stringMatching(/^learner\.learningRate: /) as never);
    refuse("big", ["method: random", "configs: 60000", "seeds: [0, 1]"], "space: 120,000 trials (configurations × seeds): more than 100,000; narrow the space or the seeds");
  });
});

describe("a sweep on this machine", () => {
  const file = sweepFile("local", ["seeds: [0, 1]", "space:", "  learner.learningRate: [0.000001, 0.003]", "  learner.entCoef: [0.0, 0.01]", "early: {rungs: [0.5], eta: 2, minTrials: 2}"]);

  test("ASHA prunes by its rule, trials trained in steps end where straight runs end, and a stopped sweep resumes to the same results", async () => {
    const sweep = loadSweep(file);
    const run = async (path: string, stopAfter?: number) => {
      const store = await openStore(path);
      const tables = new SweepTables(store);
      const record = await tables.create(sweep.name, sweep, trialsOf(sweep));
      const stop = new SharedArrayBuffer(4);
      let steps = 0;
      const status = await runSweepLocally(store, { ...sweep, id: record.id }, { dbPath: path, workers: 1, stop, onStep: () => ++steps === stopAfter && Atomics.store(new Int32Array(stop), 0, 1) });
      return { store, tables, id: record.id, status };
    };
    const straight = await run(join(dir, "straight.db"));
    expect(straight.status).toBe("finished");
    const trials = await straight.tables.trials(straight.id);
    // One thread: trials reach the rung in order, each judged on the values recorded so far (its own included).
    const rung = await straight.tables.rungValues(straight.id, 0);
    const seen: number[] = [];
    for (const t of trials) {
      seen.push(rung.get(t.trial)!);
      expect(t.status, `trial ${t.trial}`).toBe(promote(rung.get(t.trial)!, seen, 2, 2) ? "finished" : "pruned");
    }
    expect(trials.filter((t) => t.status === "pruned").length).toBeGreaterThan(0);
    expect(trials.filter((t) => t.status === "finished").length).toBeGreaterThan(0);
    // A finished trial (paused at its rung, then resumed) ends as the same run trained straight.
    for (const t of trials.filter((x) => x.status === "finished").slice(0, 2)) {
      expect(t.value).toBe(runTraining(trialConfig(sweep, t.params, t.seed), t.seed).finalPrimary);
    }
    // Stopped after three steps, then resumed: the same statuses and values.
    const stopped = await run(join(dir, "stopped.db"), 3);
    expect(stopped.status).toBe("stopped");
    expect((await stopped.tables.get(stopped.id))!.status).toBe("stopped");
    expect(await runSweepLocally(stopped.store, { ...sweep, id: stopped.id }, { dbPath: join(dir, "stopped.db"), workers: 1 })).toBe("finished");
    const strip = (ts: typeof trials) => ts.map((t) => [t.trial, t.status, t.step, t.value]);
    expect(strip(await stopped.tables.trials(stopped.id))).toEqual(strip(trials));
    // One run per trial, whatever the pauses.
    expect((await stopped.store.listRuns()).length).toBe(trials.length);
    await straight.store.close();
    await stopped.store.close();
  }, 120_000);

  test("tpe: the startup configurations are random draws, each ended configuration makes room for one proposal, up to configs", async () => {
    const sweep = loadSweep(sweepFile("tpe", ["method: tpe", "configs: 6", "startup: 3", "seed: 4", "seeds: [0]", "space:", "  learner.learningRate: {loguniform: [1.0e-5, 1.0e-2]}", "  learner.entCoef: [0.0, 0.01]"]));
    const start = trialsOf(sweep);
    expect(start.map((t) => t.configIndex)).toEqual([0, 1, 2]);
    const path = join(dir, "tpe.db");
    const store = await openStore(path);
    const tables = new SweepTables(store);
    const record = await tables.create(sweep.name, sweep, start);
    expect(await runSweepLocally(store, { ...sweep, id: record.id }, { dbPath: path, workers: 2 })).toBe("finished");
    const trials = await tables.trials(record.id);
    expect(trials.map((t) => t.configIndex)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(trials.every((t) => t.status === "finished")).toBe(true);
    expect(trials.slice(0, 3).map((t) => t.params)).toEqual(start.map((t) => t.params));
    for (const t of trials.slice(3)) {
      expect(t.params["learner.learningRate"]).toBeGreaterThanOrEqual(1e-5);
      expect(t.params["learner.learningRate"]).toBeLessThanOrEqual(1e-2);
    }
    await store.close();
  }, 120_000);

  test("from the command line: sweep, status and report; a bad config is one line", async () => {
    const db = join(dir, "cli.db");
    const r = await runCli("sweep", file, "--db", db, "--workers", "2");
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/^sweep s\d{8}-\d{6}-[0-9a-f]{6} local: 4 configurations × 2 seeds = 8 trials, ASHA at 0\.5 of the budget \(η 2\); in /m);
    expect(r.out).toMatch(/^sweep s\S+ local \(finished\): /);
    expect(r.out).toMatch(/^config +final primary, IQM \[95%\]/m);
    expect(r.out).toMatch(/learner\.learningRate: 0\.00000100 → [\d.]+ \(n=\d\), 0\.00300 → [\d.]+ \(n=\d\)/);
    const id = /^sweep (s\S+)/m.exec(r.err)![1];
    const status = await runCli("sweep", "status", id.slice(0, 12), "--db", db);
    expect(status.out.split("\n")).toHaveLength(10);
    const report = JSON.parse((await runCli("sweep", "report", id, "--db", db, "--json")).out);
    expect(report.configurations).toHaveLength(4);
    expect(report.counts.finished + report.counts.pruned).toBe(8);
    const bad = await runCli("sweep", sweepFile("bad", ["method: bayes"]), "--db", db);
    expect([bad.code, bad.err.split("\n").length]).toEqual([2, 2]);
    expect(bad.err).toMatch(/^error: method: /);
    const noQueue = await runCli("sweep", file, "--db", join(dir, "no-queue.db"), "--queue", "redis://127.0.0.1:1");
    expect([noQueue.code, noQueue.err]).toEqual([2, expect.stringMatching(/^error: --queue: cannot reach Redis at redis:\/\/127\.0\.0\.1:1 \(.*\)\n$/)]);
    expect(existsSync(join(dir, "no-queue.db"))).toBe(false); // nothing stored for a queue that is not there
    const none = await runCli("sweep", "report", "s1999", "--db", db);
    expect([none.code, none.err]).toEqual([2, 'error: sweep: no sweep "s1999" in the store\n']);
  }, 120_000);
});
