import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { openStore } from "../../runs/store/index.js";
import { runCli } from "../../test-utils/cli.js";

const dir = mkdtempSync(join(tmpdir(), "rewardlab-runs-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const hash = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

const db = join(dir, "lab.db");
const ids = { finished: "20250314-093012-a1b2c3", running: "20250315-120000-0f0f0f", other: "20250316-080000-777777" };

beforeAll(async () => {
  const store = await openStore(db);
  const run = (id: string, name: string, day: number, envId = "DoorKey-8x8") =>
    store.createRun({
      id,
      name,
      config: { env: { id: envId }, steps: 4096, learner: { algo: "ppo", numSteps: 128 } },
      seed: day % 3,
      envId,
      reward: { terms: [{ kind: "task" }, { kind: "potential", phi: "-goal.distance", gamma: 0.99 }] },
      learner: "ppo",
      tags: ["cli"],
      createdAt: new Date(`2025-03-${day}T10:00:00Z`),
    });
  await run(ids.finished, "doorkey-potential", 14);
  await run(ids.running, "doorkey-sparse", 15);
  await run(ids.other, "cartpole", 16, "CartPole-v1");
  for (const id of Object.values(ids)) {
    await store.write(id, {
      metrics: [
        { step: 2048, key: "losses/approx_kl", value: 0.02 },
        { step: 4096, key: "losses/approx_kl", value: 0.01 },
        { step: 4096, key: "charts/SPS", value: 12000 },
      ],
      episodes: [
        { step: 1000, env: 0, length: 40, return: 0.5, primary: 0, success: 0, trialEpisode: 0, terms: { task: 0, potential: 0.5 } },
        { step: 4000, env: 1, length: 20, return: 1.5, primary: 1, success: 1, trialEpisode: 0, terms: { task: 1, potential: 0.5 } },
      ],
    });
  }
  await store.write(ids.finished, {
    evaluations: [0, 1].flatMap((episode) => [
      { step: 4096, policy: "sampled" as const, episode, seed: 2 ** 31 + episode, primary: episode, success: episode, length: 10 },
      { step: 4096, policy: "greedy" as const, episode, seed: 2 ** 31 + episode, primary: 0.75, success: 1, length: 12 },
    ]),
  });
  await store.saveCheckpoint(ids.finished, { step: 4096, rng: [1, 2] });
  await store.finishRun(ids.finished);
  // The "running" run's trainer is this test process: alive, so it stays running.
  await store.close();
});

describe("rewardlab runs", () => {
  test("list shows every run newest first with status, env, steps and primary return", async () => {
    const r = await runCli("runs", "list", "--db", db);
    expect(r.code).toBe(0);
    const lines = r.out.trim().split("\n");
    expect(lines[0]).toMatch(/^id +status +created \(UTC\) +name +env +learner +seed +steps +primary +success$/);
    expect(lines[1]).toMatch(new RegExp(`^${ids.other} +running +2025-03-16 10:00:00 +cartpole +CartPole-v1 +ppo +1 +4000 +0\\.500 +0\\.500$`));
    expect(lines[3]).toMatch(new RegExp(`^${ids.finished} +finished +2025-03-14 10:00:00 +doorkey-potential +DoorKey-8x8 +ppo +2 +4000 `));
    expect(lines.at(-1)).toMatch(/^3 runs;/);
  });

  test("list --json prints the runs without configs, with episode summaries, and filters", async () => {
    const r = await runCli("runs", "list", "--db", db, "--json", "--env", "DoorKey-8x8", "--status", "finished");
    expect(r.code).toBe(0);
    const runs = JSON.parse(r.out);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ id: ids.finished, status: "finished", tags: ["cli"], episodes: { episodes: 2, lastStep: 4000, meanPrimary: 0.5 } });
    expect(runs[0].config).toBeUndefined();
    expect((await runCli("runs", "list", "--db", db, "--status", "done")).err).toBe('error: --status: expected one of running, finished, failed, interrupted, got "done"\n');
  });

  test("show prints status, config, reward, last metrics and the episode summary", async () => {
    const r = await runCli("runs", "show", ids.finished, "--db", db);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`run ${ids.finished}  doorkey-potential`);
    expect(r.out).toMatch(/^status +finished, ended /m);
    expect(r.out).toContain("episodes    2, the last at step 4000");
    expect(r.out).toContain("last 2: primary return 0.500, return 1, success 0.500, length 30");
    expect(r.out).toMatch(/^ {2}losses\/approx_kl +0\.0100 +at step 4096$/m);
    expect(r.out).toMatch(/^ {2}charts\/SPS +12000 +at step 4096$/m);
    expect(r.out).toContain("checkpoints 1, the last at step 4096");
    expect(r.out).toContain("evaluations 1, on held-out episodes\n  step 4096 sampled 2 episodes: primary return 0.500, success 0.500, length 10\n  step 4096 greedy  2 episodes: primary return 0.750, success 1, length 12\n");
    expect(r.out).toMatch(/^config\n {2}env:\n {4}id: DoorKey-8x8\n/m);
    expect(r.out).toContain("phi: -goal.distance");
  });

  test("show --json, by a unique start of the id", async () => {
    const r = await runCli("runs", "show", "20250315", "--db", db, "--json");
    expect(r.code).toBe(0);
    const shown = JSON.parse(r.out);
    expect(shown.run).toMatchObject({ id: ids.running, status: "running", config: { steps: 4096 } });
    expect(shown.lastMetrics["losses/approx_kl"]).toEqual({ step: 4096, value: 0.01 });
    expect(shown.episodes).toMatchObject({ episodes: 2, last: 2, successRate: 0.5 });
    expect(shown.evaluations).toEqual([]);
  });

  test("an unknown run id exits 2 with one line naming it and the closest ids", async () => {
    const r = await runCli("runs", "show", "20250314-093012-a1b2c4", "--db", db);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`error: run: unknown run "20250314-093012-a1b2c4" (did you mean "${ids.finished}"?)\n`);
  });

  test("delete needs --yes without a terminal, refuses a run still being written, and removes only that run", async () => {
    const noYes = await runCli("runs", "delete", ids.finished, "--db", db);
    expect(noYes.code).toBe(2);
    expect(noYes.err).toMatch(/^error: --yes: deleting run 20250314-093012-a1b2c3 \(doorkey-potential, finished, 2 episodes\) needs confirmation: pass --yes\n$/);
    const live = await runCli("runs", "delete", ids.running, "--db", db, "--yes");
    expect(live.err).toBe(`error: run: run ${ids.running} is still being written by process ${process.pid}; stop it first\n`);

    const r = await runCli("runs", "delete", ids.finished, "--db", db, "--yes");
    expect(r.code).toBe(0);
    expect(r.out).toBe(`deleted run ${ids.finished} (doorkey-potential, finished, 2 episodes)`);
    const store = await openStore(db);
    try {
      expect((await store.listRuns()).map((x) => x.id)).toEqual([ids.other, ids.running]);
      expect(await store.episodes(ids.finished)).toEqual([]);
      expect(await store.episodes(ids.other)).toHaveLength(2);
    } finally {
      await store.close();
    }
  });

  test("a file that is not a run store gives a one-line error and is left unchanged", async () => {
    const notes = join(dir, "notes.txt");
    writeFileSync(notes, "not a database\n".repeat(100));
    const before = hash(notes);
    for (const command of [["list"], ["show", "x"], ["delete", "x", "--yes"]]) {
      const r = await runCli("runs", ...command, "--db", notes);
      expect(r.code).toBe(2);
      expect(r.err).toBe(`error: ${notes}: not a rewardlab run store (not an SQLite database)\n`);
    }
    expect(hash(notes)).toBe(before);
    const missing = await runCli("runs", "list", "--db", join(dir, "nothing.db"));
    expect(missing.err).toMatch(/nothing\.db: no run store here/);
  });
});
