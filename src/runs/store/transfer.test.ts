/**
 * Runs moved between stores: SQLite → PostgreSQL → SQLite gives back every
 * row as it was; a run already in the store is skipped; a bad export file
 * is one line naming the line and field and writes nothing; the file format
 * fuzzed from a real export.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { UserError } from "../../core/errors.js";
import { FUZZ, mutants } from "../../fuzz/mutate.js";
import { postgresAvailable, startTestPostgres, type TestPostgres } from "../../test-utils/postgres.js";
import { runCli } from "../../test-utils/cli.js";
import { openStore, type AnyStore } from "./open.js";
import { saveRecording } from "./recordings.js";
import { exportRuns, importRuns, readRunsFile } from "./transfer.js";

const dir = mkdtempSync(join(tmpdir(), "rewardlab-transfer-"));
let server: TestPostgres | undefined;
beforeAll(async () => {
  if (postgresAvailable) server = await startTestPostgres();
}, 60_000);
afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 30_000);

/** A store holding two runs of a comparison and one alone, with rows of every kind (NaN, bytes, state). */
async function seeded(path: string): Promise<{ store: AnyStore; ids: string[] }> {
  const store = await openStore(path);
  const comparison = await store.createComparison({ name: "doorkey", config: { seeds: [1, 2] } });
  const ids: string[] = [];
  for (const [k, comparisonId] of [comparison.id, comparison.id, null].entries()) {
    const run = await store.createRun({ name: `run${k}`, config: { steps: 100 }, seed: k, envId: "DoorKey-5x5", reward: { terms: [{ kind: "task" }] }, learner: "ppo", comparisonId, tags: k === 0 ? ["a", "b"] : [] });
    ids.push(run.id);
    await store.write(run.id, {
      metrics: [
        { step: 10, key: "loss", value: 0.5 + k },
        { step: 20, key: "loss", value: NaN },
      ],
      episodes: [{ step: 12, env: 0, length: 7, return: 0.25, primary: 0.125, success: NaN, trialEpisode: 0, terms: { task: 0.125 } }],
      evaluations: [{ step: 20, policy: "greedy", episode: 0, seed: 2 ** 31, primary: 0.9, success: 1, length: 9 }],
      checkpoint: { step: 20, data: Uint8Array.of(0, 255, k), state: { weights: [Math.fround(0.1), 2], k }, rng: [1, 2, 3, 4] },
    });
    if (k === 0) await saveRecording(store, run.id, { visits: { width: 2, height: 1, counts: [3, 0], fromStep: 0, steps: 3, runs: 1 } });
    if (k < 2) await store.finishRun(run.id);
  }
  return { store, ids };
}

const dumpAll = async (store: AnyStore, ids: readonly string[]) => Promise.all(ids.map((id) => store.dumpRun(id)));

describe("moving runs between stores", () => {
  test(`SQLite → ${postgresAvailable ? "PostgreSQL" : "SQLite (no PostgreSQL here)"} → SQLite gives back every row as it was; a run already there is skipped`, async () => {
    const { store: source, ids } = await seeded(join(dir, "source.db"));
    const original = await dumpAll(source, ids);
    const lines: string[] = [];
    await exportRuns(source, ids, (l) => lines.push(l));
    await source.close();
    const file = join(dir, "runs.jsonl");
    writeFileSync(file, lines.join("\n") + "\n");

    const middle = await openStore(server ? await server.newDatabase() : join(dir, "middle.db"));
    expect(await importRuns(middle, await readRunsFile(file))).toEqual({ imported: ids, skipped: [] });
    expect(await dumpAll(middle, ids)).toEqual(original);
    const again: string[] = [];
    await exportRuns(middle, ids, (l) => again.push(l));
    // Imported twice: nothing doubled.
    expect(await importRuns(middle, await readRunsFile(file))).toEqual({ imported: [], skipped: ids });
    expect((await middle.dumpRun(ids[0]))!.metrics).toHaveLength(2);
    await middle.close();

    const back = join(dir, "back.jsonl");
    writeFileSync(back, again.join("\n") + "\n");
    const target = await openStore(join(dir, "target.db"));
    await importRuns(target, await readRunsFile(back));
    expect(await dumpAll(target, ids)).toEqual(original);
    const checkpoint = await target.latestCheckpoint(ids[2]);
    expect(checkpoint).toMatchObject({ step: 20, data: Uint8Array.of(0, 255, 2), state: { weights: [Math.fround(0.1), 2], k: 2 } });
    expect((await target.metricSeries(ids[1], "loss")).map((p) => p.value)).toEqual([1.5, NaN]);
    expect((await target.getRun(ids[0]))?.tags).toEqual(["a", "b"]);
    expect((await target.dumpRun(ids[0]))!.recordings).toHaveLength(1);
    await target.close();
  });

  test("a bad export is one line naming the line and the field, and writes nothing", async () => {
    const { store: source, ids } = await seeded(join(dir, "bad-source.db"));
    const lines: string[] = [];
    await exportRuns(source, ids, (l) => lines.push(l));
    await source.close();
    const refused = async (content: string | undefined, expected: string) => {
      const file = join(dir, "bad.jsonl");
      if (content !== undefined) writeFileSync(file, content);
      const e = await readRunsFile(content === undefined ? join(dir, "missing.jsonl") : file).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(UserError);
      expect((e as UserError).message.replace(dir, "DIR")).toEqual(expected);
    };
    await refused(undefined, "DIR/missing.jsonl: no such file");
    await refused("", "DIR/bad.jsonl: empty: expected an export of `rewardlab runs export`");
    await refused('{"format": "something"}\n', 'DIR/bad.jsonl:1 format: expected the header {"format": "rewardlab-runs", "version": 1} (Invalid input: expected "rewardlab-runs")');
    await refused(`${lines[0]}\n${lines[1]}\n{oops\n`, expect.stringMatching(/^DIR\/bad\.jsonl:3: not JSON \(/) as never);
    const wrongStep = JSON.parse(lines[1]);
    wrongStep.metrics[1].step = "twenty";
    await refused(`${lines[0]}\n${JSON.stringify(wrongStep)}\n`, "DIR/bad.jsonl:2 metrics[1].step: Invalid input: expected number, received string");
    const stray = JSON.parse(lines[2]);
    stray.episodes[0].run_id = "someone-else";
    await refused(`${lines[0]}\n${JSON.stringify(stray)}\n`, `DIR/bad.jsonl:2 episodes[0].run_id: expected the line's run "${ids[1]}"`);
    await refused(`${lines[0]}\n${lines[1]}\n${lines[1]}\n`, `DIR/bad.jsonl: run ${ids[0]} appears twice`);
    // From the command line: exit 2, one line, and the target store gains nothing.
    const target = join(dir, "untouched.db");
    const good = join(dir, "good.jsonl");
    writeFileSync(good, `${lines[0]}\n${lines[1]}\n`);
    expect((await runCli("runs", "import", good, "--db", target)).out).toBe(`1 run imported into ${target}`);
    writeFileSync(join(dir, "bad.jsonl"), `${lines[0]}\n${lines[2]}\n{oops\n`);
    const r = await runCli("runs", "import", join(dir, "bad.jsonl"), "--db", target);
    expect([r.code, r.err.split("\n").length]).toEqual([2, 2]);
    const store = await openStore(target);
    expect((await store.listRuns()).map((x) => x.id)).toEqual([ids[0]]);
    await store.close();
  });

  test("rewardlab runs export and import from the command line: one run or every run, counts printed", async () => {
    const { store, ids } = await seeded(join(dir, "cli.db"));
    await store.close();
    const out = join(dir, "cli.jsonl");
    const all = await runCli("runs", "export", "--db", join(dir, "cli.db"), "--out", out);
    expect(all.out).toBe(`3 runs exported from ${join(dir, "cli.db")} to ${out}`);
    expect(readFileSync(out, "utf8").trim().split("\n")).toHaveLength(4);
    const one = await runCli("runs", "export", ids[1], "--db", join(dir, "cli.db"), "--out", out);
    expect(one.code, one.err).toBe(0);
    expect(one.out).toMatch(/^1 run exported/);
    const noOut = await runCli("runs", "export", "--db", join(dir, "cli.db"));
    expect([noOut.code, noOut.err]).toEqual([2, "error: --out: expected the file to write the runs to (JSON Lines)\n"]);
    const into = await runCli("runs", "import", out, "--db", join(dir, "cli2.db"));
    expect(into.out).toBe(`1 run imported into ${join(dir, "cli2.db")}`);
    const twice = await runCli("runs", "import", out, "--db", join(dir, "cli2.db"));
    expect(twice.out).toBe(`0 runs imported into ${join(dir, "cli2.db")}; 1 already there, skipped: ${ids[1]}`);
  });

  test("the export format, fuzzed from a real export: read, or one line naming the line and field", async () => {
    const { store, ids } = await seeded(join(dir, "fuzz.db"));
    const lines: string[] = [];
    await exportRuns(store, ids, (l) => lines.push(l));
    await store.close();
    const file = join(dir, "fuzz.jsonl");
    const valid = lines.slice(1).map((l) => JSON.parse(l));
    await fc.assert(
      fc.asyncProperty(mutants(valid), async (line) => {
        writeFileSync(file, `${lines[0]}\n${JSON.stringify(line)}\n`);
        try {
          await readRunsFile(file);
        } catch (e) {
          if (!(e instanceof UserError)) throw new Error(`not a UserError: ${(e as Error)?.stack ?? String(e)}`);
          expect(e.message).not.toContain("\n");
          expect(e.message.startsWith(`${file}:2`) || e.message.startsWith(file)).toBe(true);
        }
      }),
      FUZZ,
    );
  });
});
