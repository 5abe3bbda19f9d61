/**
 * The PostgreSQL store from the command line, as users run it (the built
 * command, in child processes, against a real server: test-utils/postgres.ts):
 * runs trained by two worker threads land in it with the same results as in
 * SQLite; `REWARDLAB_DB` stands for `--db`; a run killed with SIGKILL is
 * marked interrupted and, resumed, stores exactly the rows of an
 * uninterrupted run; a server that cannot be reached, a bad URL and a
 * database holding other tables are one line each, exit 2.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { packageFile } from "../../core/paths.js";
import { pgQuery, postgresAvailable, startTestPostgres, type TestPostgres } from "../../test-utils/postgres.js";

const MAIN = packageFile("dist/src/cli/main.js");
const dir = mkdtempSync(join(tmpdir(), "rewardlab-pg-cli-"));
let server: TestPostgres;
beforeAll(async () => {
  if (postgresAvailable) server = await startTestPostgres();
}, 60_000);
afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 30_000);

const cli = (args: string[], env: Record<string, string> = {}) => spawnSync(process.execPath, [MAIN, ...args], { encoding: "utf8", env: { ...process.env, ...env } });

const select = pgQuery;

describe.skipIf(!postgresAvailable)(`the PostgreSQL store from the command line${postgresAvailable ? "" : " (no PostgreSQL here: set REWARDLAB_TEST_POSTGRES or install postgresql)"}`, () => {
  test("runs trained on two workers land in PostgreSQL with the results SQLite gets; REWARDLAB_DB stands for --db; bad stores are one line", async () => {
    const url = await server.newDatabase();
    const args = ["train", packageFile("examples/runs/cartpole-ppo.yaml"), "--steps", "8192", "--seeds", "1-3", "--workers", "2", "--no-report"];
    const toPg = cli([...args, "--db", url]);
    expect(toPg.status, toPg.stderr).toBe(0);
    const toSqlite = cli([...args, "--db", join(dir, "same.db")]);
    expect(toSqlite.status, toSqlite.stderr).toBe(0);
    const seedsLine = (out: string) => out.split("\n").find((l) => l.includes("seeds 1, 2, 3:"));
    expect(seedsLine(toPg.stdout)).toBeDefined();
    expect(seedsLine(toPg.stdout)).toBe(seedsLine(toSqlite.stdout));
    expect(toPg.stderr).toMatch(/^Stored in postgres:\/\/rewardlab@127\.0\.0\.1:\d+\/rewardlab_test_\w+: comparison c/m);
    const listed = cli(["runs", "list", "--json"], { REWARDLAB_DB: url });
    expect(listed.status, listed.stderr).toBe(0);
    const runs = JSON.parse(listed.stdout) as { seed: number; status: string }[];
    expect(runs.map((r) => [r.seed, r.status]).sort()).toEqual([
      [1, "finished"],
      [2, "finished"],
      [3, "finished"],
    ]);
    const counts = await select<{ n: number }>(url, "select count(*)::int as n from episodes");
    expect(counts[0].n).toBeGreaterThan(100);

    // A password never shows; nothing listens on port 1; not a URL; a database with other tables.
    const refused = cli(["runs", "list", "--db", "postgres://someone:secret@127.0.0.1:1/lab"]);
    expect([refused.status, refused.stderr.split("\n").length]).toEqual([2, 2]);
    expect(refused.stderr).toMatch(/^error: postgres:\/\/someone:\*\*\*@127\.0\.0\.1:1\/lab: cannot reach PostgreSQL \(/);
    expect(refused.stderr).not.toContain("secret");
    const missing = cli(["runs", "list", "--db", url.replace(/\/(\w+)$/, "/no_such_database")]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/: PostgreSQL refused \(database "no_such_database" does not exist\)\n$/);
    const foreign = await server.newDatabase();
    await select(foreign, "create table invoices (id int)");
    const other = cli(["runs", "list", "--db", foreign]);
    expect(other.status).toBe(2);
    expect(other.stderr).toMatch(/^error: postgres:\/\/rewardlab@127\.0\.0\.1:\d+\/rewardlab_test_\w+: not a rewardlab run store \(its schema has other tables: invoices\)\n$/);
    expect(await select(foreign, "select table_name from information_schema.tables where table_schema = current_schema()")).toEqual([{ table_name: "invoices" }]);
  }, 120_000);

  test("a run killed with SIGKILL is interrupted and, resumed, stores exactly the rows of an uninterrupted run", async () => {
    const config = join(dir, "cartpole.yaml");
    writeFileSync(config, ["env: {id: CartPole-v1}", "numEnvs: 4", "learner: {algo: ppo, numSteps: 128}", "steps: 163840", "seeds: [7]", "checkpoint: {seconds: 0.5}", "evaluation: {episodes: 4, every: 40960}"].join("\n"));
    const straight = await server.newDatabase();
    const killed = await server.newDatabase();
    const reference = cli(["train", config, "--db", straight, "--no-report"]);
    expect(reference.status, reference.stderr).toBe(0);

    const child = spawn(process.execPath, [MAIN, "train", config, "--db", killed, "--no-report"], { stdio: "ignore" });
    const exited = new Promise((r) => child.on("exit", r));
    // Killed once a checkpoint past the start is committed, mid-run.
    for (;;) {
      const [row] = await select<{ step: number | null }>(killed, "select max(step)::int as step from checkpoints").catch(() => [{ step: null }]);
      if ((row?.step ?? 0) >= 20480) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill("SIGKILL");
    await exited;
    const list = cli(["runs", "list", "--json", "--db", killed]);
    const [run] = JSON.parse(list.stdout) as { id: string; status: string }[];
    expect(run.status).toBe("interrupted");
    const resumed = cli(["train", "--resume", run.id, "--db", killed, "--no-report"]);
    expect(resumed.status, resumed.stderr).toBe(0);

    const rows = async (url: string) => {
      const [{ id }] = await select<{ id: string }>(url, "select id from runs");
      const all = (text: string) => select(url, text, [id]);
      return {
        metrics: await all("select step, key, value from metrics where run_id = $1 and key <> 'charts/SPS' order by key, step"),
        episodes: await all("select step, env, length, return_total, return_primary, success, terms from episodes where run_id = $1 order by step, env"),
        evaluations: await all("select step, policy, episode, seed, return_primary, success, length from evaluations where run_id = $1 order by step, policy, episode"),
        checkpoint: await all("select step, state from checkpoints where run_id = $1 order by step desc limit 1"),
        status: await all("select status from runs where id = $1"),
      };
    };
    const [a, b] = [await rows(straight), await rows(killed)];
    expect(b.metrics.length).toBeGreaterThan(100);
    expect(b.episodes).toEqual(a.episodes);
    expect(b.metrics).toEqual(a.metrics);
    expect(b.evaluations).toEqual(a.evaluations);
    expect(b.checkpoint).toEqual(a.checkpoint);
    expect(b.status).toEqual([{ status: "finished" }]);
  }, 180_000);
});
