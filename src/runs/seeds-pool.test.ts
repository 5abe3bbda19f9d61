/**
 * Many seeds at once: `rewardlab train --seeds 3-6 --workers 2` (the built
 * command, worker threads on both cores) stores for each seed exactly the
 * rows that seed stores when trained alone: every metric, episode,
 * evaluation and the final checkpoint, bit for bit.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { afterAll, expect, test } from "vitest";
import { packageFile } from "../core/paths.js";

const MAIN = packageFile("dist/src/cli/main.js");
const dir = mkdtempSync(join(tmpdir(), "rewardlab-seeds-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const config = join(dir, "cartpole.yaml");
writeFileSync(config, ["env: {id: CartPole-v1}", "numEnvs: 4", "learner: {algo: ppo, numSteps: 128}", "steps: 16384", "evaluation: {episodes: 4, every: 8192}"].join("\n"));

function train(seeds: string, workers: number, db: string): void {
  const r = spawnSync(process.execPath, [MAIN, "train", config, "--seeds", seeds, "--workers", String(workers), "--db", db, "--no-report"], { encoding: "utf8" });
  expect(r.stderr).not.toMatch(/error/i);
  expect(r.status).toBe(0);
}

/** Every row of one seed's run; `charts/SPS` (wall-clock) left out. */
function rowsOf(db: string, seed: number) {
  const s = new BetterSqlite3(db, { readonly: true, fileMustExist: true });
  try {
    const run = s.prepare("select id, status, config, seed, reward, learner from runs where seed = ?").get(seed) as { id: string; config: string };
    const all = (sql: string) => s.prepare(sql).all(run.id);
    return {
      // The config differs only in the seed list of the command.
      run: { ...run, id: undefined, config: { ...JSON.parse(run.config), seeds: undefined } },
      metrics: all("select step, key, value from metrics where run_id = ? and key <> 'charts/SPS' order by key, step"),
      episodes: all("select step, env, length, return_total, return_primary, success, terms from episodes where run_id = ? order by step, env"),
      evaluations: all("select step, policy, episode, seed, return_primary, success, length from evaluations where run_id = ? order by step, policy, episode"),
      checkpoints: all("select step, data, state, rng from checkpoints where run_id = ? order by step"),
    };
  } finally {
    s.close();
  }
}

test("each of four seeds trained two at a time on worker threads stores the rows it stores when trained alone", () => {
  const pool = join(dir, "pool.db");
  train("3-6", 2, pool);
  for (const seed of [3, 6]) {
    const alone = join(dir, `alone-${seed}.db`);
    train(`${seed}-${seed}`, 1, alone);
    const a = rowsOf(alone, seed);
    const p = rowsOf(pool, seed);
    expect(a.episodes.length).toBeGreaterThan(50);
    expect(a.evaluations.length).toBeGreaterThan(0);
    expect(a.checkpoints.length).toBeGreaterThan(0);
    expect(p).toEqual(a);
  }
  // And the seeds differ from each other: the comparison above is not of empty or constant runs.
  expect(rowsOf(pool, 4).episodes).not.toEqual(rowsOf(pool, 5).episodes);
}, 120_000);
