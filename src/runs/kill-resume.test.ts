/**
 * `rewardlab train` as users run it (the built command, in child processes;
 * `npm test` builds dist/ first), killed with SIGKILL at five random moments
 * and resumed with `train --resume` each time, stores exactly the rows of an
 * uninterrupted run of the same seed: every metric, episode and the final
 * checkpoint. And `runs list` run right after each kill, before the test has
 * reaped the killed process, already says the run is interrupted.
 * (store/durability.test.ts kills a bare writer; this kills the trainer.)
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { afterAll, expect, test } from "vitest";
import { packageFile } from "../core/paths.js";
import { Rng } from "../core/rng.js";

const MAIN = packageFile("dist/src/cli/main.js");
const dir = mkdtempSync(join(tmpdir(), "rewardlab-kill-"));
const children = new Set<ChildProcess>();
afterAll(() => {
  for (const c of children) c.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

const STEPS = 327_680; // 640 PPO iterations of 512 steps: about 6 s of training here
const config = join(dir, "cartpole.yaml");
writeFileSync(
  config,
  [
    "env: {id: CartPole-v1}",
    "numEnvs: 4",
    "learner: {algo: ppo, numSteps: 128}",
    `steps: ${STEPS}`,
    "seeds: [7]",
    // Both kinds: by time and by steps. Rows are written every second, so rows after the last checkpoint are
    // on disk for the last half second or so of each 1.5 s: the rows a resumed run must not write twice.
    // Checkpoints by steps stay rare (half the run): on a fast machine, frequent ones came before every row write.
    "checkpoint: {seconds: 1.5, steps: 163840}",
    // Evaluations during training too: a resumed run stores each one once, as the uninterrupted run does.
    "evaluation: {episodes: 8, every: 81920}",
  ].join("\n"),
);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Reads the store without writing to it (no recovery, no migration); undefined until the trainer has created it. */
function read<T>(db: string, f: (sqlite: BetterSqlite3.Database) => T): T | undefined {
  let sqlite: BetterSqlite3.Database | undefined;
  try {
    sqlite = new BetterSqlite3(db, { readonly: true, fileMustExist: true });
    return f(sqlite);
  } catch {
    return undefined;
  } finally {
    sqlite?.close();
  }
}

type RunRow = { id: string; status: string; pid: number };
const runRow = (db: string) => read(db, (s) => s.prepare("select id, status, pid from runs").get() as RunRow | undefined);
/** The step of the latest checkpoint (0 without one), and of the latest metric on disk. */
const progress = (db: string) =>
  read(db, (s) => s.prepare("select coalesce((select max(step) from checkpoints), 0) as checkpoint, coalesce((select max(step) from metrics), 0) as rows").get() as { checkpoint: number; rows: number })!;

/** Starts `rewardlab ARGS`; resolves when the child is training (its run is running in its pid), with its exit. */
async function start(args: string[], db: string) {
  const child = spawn(process.execPath, [MAIN, ...args, "--db", db, "--no-report"], { stdio: ["ignore", "ignore", "pipe"] });
  children.add(child);
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on("exit", (code, signal) => (children.delete(child), resolve({ code, signal, stderr }))),
  );
  let done = false;
  void exited.then(() => (done = true));
  for (;;) {
    const run = runRow(db);
    if (run?.status === "running" && run.pid === child.pid) break;
    if (done) throw new Error(`rewardlab ${args.join(" ")} exited before training: ${stderr}`);
    await sleep(20);
  }
  return { child, exited, done: () => done };
}

/** Every row of the store's one run, in a fixed order; `charts/SPS` (a wall-clock measurement) by step only. */
function rows(db: string) {
  return read(db, (s) => {
    const run = s.prepare("select id, status, error, finished_at is not null as finished, name, config, seed, env_id, reward, learner from runs").get() as { id: string };
    const all = (sql: string) => s.prepare(sql).all(run.id);
    return {
      run: { ...run, id: undefined },
      metrics: all("select step, key, value from metrics where run_id = ? and key <> 'charts/SPS' order by key, step"),
      sps: all("select step from metrics where run_id = ? and key = 'charts/SPS' order by step"),
      episodes: all("select step, env, length, return_total, return_primary, success, terms from episodes where run_id = ? order by step, env"),
      evaluations: all("select step, policy, episode, seed, return_primary, success, length from evaluations where run_id = ? order by step, policy, episode"),
      checkpoints: all("select step, path, data, state, rng from checkpoints where run_id = ? order by step"),
    };
  });
}

test("a run killed with SIGKILL at five random moments and resumed each time stores exactly the rows of an uninterrupted run", async () => {
  // The uninterrupted run, on the other core meanwhile.
  const refDb = join(dir, "straight.db");
  const straight = start(["train", config], refDb);

  const db = join(dir, "killed.db");
  const rng = new Rng(15);
  // Five moments in order: a step the run has passed, then a random wait (a second covers the
  // phases of its row writes and checkpoints). Never past 70% of the run, so none finishes first
  // (at 85% a loaded machine once let the run finish between the last look and the kill).
  const targets = Array.from({ length: 5 }, () => Math.round(rng.uniform(0.02, 0.5) * STEPS)).sort((a, b) => a - b);
  const cap = 0.7 * STEPS;
  let id: string | undefined;
  const kills: { target: number; checkpoint: number; rows: number }[] = [];
  for (const [k, target] of targets.entries()) {
    const attempt = await start(id ? ["train", "--resume", id] : ["train", config], db);
    id ??= runRow(db)!.id;
    const reached = (step: number) => {
      const p = progress(db);
      return Math.max(p.rows, p.checkpoint) >= Math.min(step, cap) || attempt.done();
    };
    while (!reached(target)) await sleep(10);
    for (const until = performance.now() + rng.uniform(0, 1000); performance.now() < until && !reached(cap); ) await sleep(10);
    // If no kill so far left rows after its checkpoint, the last one waits for some, past the cap if need be
    // (rows come every second and checkpoints every 1.5 s, so they do long before the run's end).
    if (k === targets.length - 1 && !kills.some((c) => c.rows > c.checkpoint)) {
      for (let p = progress(db); p.rows <= p.checkpoint && !attempt.done(); p = progress(db)) await sleep(5);
    }
    attempt.child.kill("SIGKILL");
    // At once, while the killed trainer is a zombie (nothing has reaped it yet): interrupted, not running.
    const list = spawnSync(process.execPath, [MAIN, "runs", "list", "--json", "--db", db], { encoding: "utf8" });
    expect(list.status, list.stderr).toBe(0);
    expect((JSON.parse(list.stdout) as RunRow[]).map((r) => [r.id, r.status]), `kill ${k + 1}: ${list.stdout}`).toEqual([[id, "interrupted"]]);
    const exit = await attempt.exited;
    expect(exit.signal, `the run ended before its kill: ${exit.stderr}`).toBe("SIGKILL");
    kills.push({ target, ...progress(db) });
  }
  const last = await start(["train", "--resume", id!], db);
  const end = await last.exited;
  expect(end.code, end.stderr).toBe(0);

  expect((await (await straight).exited).code).toBe(0);
  const [a, b] = [rows(refDb)!, rows(db)!];
  expect(a.run).toMatchObject({ status: "finished", error: null, finished: 1 });
  expect(a.sps.length).toBe(STEPS / 512);
  expect(a.episodes.length).toBeGreaterThan(100);
  // Every 81,920 steps, the last one at the end: 4 evaluations × 2 policies × 8 episodes.
  expect(a.evaluations.length).toBe(4 * 2 * 8);
  expect(a.checkpoints.map((c) => (c as { step: number }).step)).toEqual([STEPS]); // the final state only
  expect(b).toEqual(a);
  // Some kills came after a checkpoint, some left rows after theirs.
  expect(kills.some((k) => k.checkpoint > 0)).toBe(true);
  expect(kills.some((k) => k.rows > k.checkpoint)).toBe(true);
}, 120_000);
