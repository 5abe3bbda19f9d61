/**
 * A sweep of 24 trials on a real Redis queue and a real PostgreSQL store,
 * as users run it (the built command, in child processes): `rewardlab
 * sweep --queue` creates it and waits, two `rewardlab worker` processes
 * take the jobs, and one worker is killed with SIGKILL in the middle of a
 * trial. The other takes the dead worker's job once its lock lapses and
 * resumes that trial's run from its last checkpoint: every trial ends
 * (finished or pruned), with exactly one run whose rows are each stored
 * once, and the interrupted trial's run holds the rows of the same run
 * trained straight.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { packageFile } from "../core/paths.js";
import { pgQuery, postgresAvailable, startTestPostgres, type TestPostgres } from "../test-utils/postgres.js";
import { redisAvailable, startTestRedis, type TestRedis } from "../test-utils/redis.js";

const MAIN = packageFile("dist/src/cli/main.js");
const dir = mkdtempSync(join(tmpdir(), "rewardlab-queue-"));
const ready = postgresAvailable && redisAvailable;
let postgres: TestPostgres | undefined;
let redis: TestRedis | undefined;
const children = new Set<ChildProcess>();
beforeAll(async () => {
  if (!ready) return;
  postgres = await startTestPostgres();
  redis = await startTestRedis();
}, 60_000);
afterAll(async () => {
  for (const c of children) c.kill("SIGKILL");
  await redis?.stop();
  await postgres?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 30_000);

const select = pgQuery;

function start(args: string[]): { child: ChildProcess; exited: Promise<{ code: number | null; out: string; err: string }> } {
  const child = spawn(process.execPath, [MAIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  let out = "";
  let err = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; out: string; err: string }>((resolve) => child.on("exit", (code) => (children.delete(child), resolve({ code, out, err }))));
  return { child, exited };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!ready)(`sweeps on a queue${ready ? "" : " (no Redis or PostgreSQL here: install redis-server and postgresql, or set REWARDLAB_TEST_REDIS and REWARDLAB_TEST_POSTGRES)"}`, () => {
  test("24 trials across two workers, one killed mid-trial: every trial ends once, with one run of unique rows, the interrupted one as if trained straight", async () => {
    const db = await postgres!.newDatabase();
    writeFileSync(join(dir, "base.yaml"), ["env: {id: CartPole-v1}", "numEnvs: 4", "learner: {algo: ppo, numSteps: 128}", "steps: 40960", "seeds: [0]", "checkpoint: {seconds: 0.2}"].join("\n"));
    const sweepFile = join(dir, "sweep.yaml");
    writeFileSync(sweepFile, ["name: queued", "base: base.yaml", "seeds: [0, 1, 2, 3]", "space:", "  learner.learningRate: [0.0003, 0.001, 0.003]", "  learner.entCoef: [0.0, 0.01]", "early: {rungs: [0.5], eta: 3, minTrials: 4}"].join("\n"));
    const driver = start(["sweep", sweepFile, "--queue", redis!.url, "--db", db]);
    const [a, b] = [0, 1].map(() => start(["worker", "--queue", redis!.url, "--db", db, "--lock", "2"]));

    // Kill worker A once it is training a trial whose run has a checkpoint from this very step.
    let victim: { trial: number; run_id: string } | undefined;
    for (const deadline = Date.now() + 60_000; !victim && Date.now() < deadline; await sleep(20)) {
      const rows = await select<{ trial: number; step: string; run_id: string | null; worker: string; checkpoint: string | null }>(
        db,
        "select t.trial, t.step, t.worker, r.id as run_id, (select max(c.step) from checkpoints c where c.run_id = r.id) as checkpoint from sweep_trials t join run_tags g on g.tag = 'sweep:' || t.sweep_id || '/trial:' || t.trial join runs r on r.id = g.run_id where t.status = 'running'",
      ).catch(() => []);
      const hit = rows.find((r) => r.worker.endsWith(`:${a.child.pid}`) && r.checkpoint !== null && Number(r.checkpoint) > Number(r.step));
      if (hit) victim = { trial: hit.trial, run_id: hit.run_id! };
    }
    expect(victim, "worker A never held a checkpointed trial").toBeDefined();
    a.child.kill("SIGKILL");

    const done = await Promise.race([driver.exited, sleep(150_000).then(() => undefined)]);
    expect(done, "the sweep did not finish").toBeDefined();
    expect(done!.code, done!.err).toBe(0);
    expect(done!.out).toMatch(/^sweep s\S+ queued \(finished\): (\d+ pruned, )?\d+ finished$/m);
    b.child.kill("SIGTERM");
    await b.exited;

    const trials = await select<{ trial: number; status: string; attempts: number; config_index: number; seed: string; step: string }>(db, "select trial, status, attempts, config_index, seed, step from sweep_trials order by trial");
    expect(trials).toHaveLength(24);
    expect(trials.filter((t) => t.status !== "finished" && t.status !== "pruned")).toEqual([]);
    expect(trials.find((t) => t.trial === victim!.trial)!.attempts).toBeGreaterThanOrEqual(2);
    // Exactly one run per trial, each row stored once.
    const perTrial = await select<{ tag: string; n: number }>(db, "select tag, count(*)::int as n from run_tags group by tag order by tag");
    expect(perTrial).toHaveLength(24);
    expect(perTrial.every((r) => r.n === 1)).toBe(true);
    const dupMetrics = await select(db, "select run_id, key, step from metrics group by run_id, key, step having count(*) > 1");
    const dupEpisodes = await select(db, "select run_id, step, env from episodes group by run_id, step, env having count(*) > 1");
    expect([dupMetrics, dupEpisodes]).toEqual([[], []]);

    // The interrupted trial's run against the same config trained straight (into a store of its own).
    const [run] = await select<{ config: string; seed: string }>(db, "select config, seed from runs where id = $1", [victim!.run_id]);
    const straightConfig = join(dir, "straight.json");
    writeFileSync(straightConfig, run.config);
    const straightDb = join(dir, "straight.db");
    const trained = spawnSync(process.execPath, [MAIN, "train", straightConfig, "--db", straightDb, "--no-report"], { encoding: "utf8" });
    expect(trained.status, trained.stderr).toBe(0);
    const lastStep = Number(trials.find((t) => t.trial === victim!.trial)!.step);
    const episodesOf = (rows: { step: unknown; env: unknown; length: unknown; return_primary: unknown }[]) => rows.map((r) => [Number(r.step), Number(r.env), Number(r.length), Number(r.return_primary)]);
    const ours = episodesOf(await select(db, "select step, env, length, return_primary from episodes where run_id = $1 and step <= $2 order by step, env", [victim!.run_id, lastStep]));
    const { default: Sqlite } = await import("better-sqlite3");
    const sqlite = new Sqlite(straightDb, { readonly: true });
    const theirs = episodesOf(sqlite.prepare("select step, env, length, return_primary from episodes where step <= ? order by step, env").all(lastStep) as never[]);
    sqlite.close();
    expect(ours.length).toBeGreaterThan(50);
    expect(ours).toEqual(theirs);
  }, 240_000);
});
