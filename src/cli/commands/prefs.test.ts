import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { expect, test } from "vitest";
import { clipPair, comparisonsOf, readPreferences, replayClip } from "../../learn/preferences/data.js";
import { make } from "../../envs/registry.js";
import { storedPolicy } from "../../runs/policy.js";
import { openStore } from "../../runs/store/index.js";
import { runCli } from "../../test-utils/cli.js";
import { label } from "./prefs.js";

async function session(out: string, keys: string[], pairs = "4") {
  const input = new PassThrough();
  const output = new PassThrough();
  let text = "";
  output.on("data", (d) => (text += d.toString()));
  const done = label({ env: "DoorKey-5x5", out, pairs, length: "6", seed: "7" }, { input, output });
  for (const k of keys) input.write(k);
  await done;
  return text;
}

test("the labelling UI, driven through its input stream, shows clip pairs and appends each answer as a JSONL line; a second session resumes", async () => {
  const out = join(mkdtempSync(join(tmpdir(), "rewardlab-prefs-")), "prefs.jsonl");
  const first = await session(out, ["\x1b[D", "r", "q"]); // left arrow, r, quit
  expect(first).toContain("Labelling DoorKey-5x5: 4 of 4 pairs to go");
  expect(first).toContain("pair 1/4: which clip is better?");
  expect(first).toContain("first frames:");
  expect(first).toMatch(/pair 1: left\npair/);
  expect(first).toContain("pair 2: right");
  let records = readPreferences(out);
  expect(records.map((r) => [r.pair, r.label, r.by])).toEqual([[0, "left", "human"], [1, "right", "human"]]);
  // The stored clips are exactly the pairs the session was built from.
  expect([records[0].left, records[0].right]).toEqual(clipPair("DoorKey-5x5", {}, 7, 0, 6));
  const second = await session(out, ["e", "s"]);
  expect(second).toContain("2 of 4 pairs to go (2 already in");
  expect(second).toContain("Done: 4 pairs labelled");
  records = readPreferences(out);
  expect(records.map((r) => [r.pair, r.label])).toEqual([[0, "left"], [1, "right"], [2, "equal"], [3, "skip"]]);
  // Replays rebuild each clip: 7 frames (start + 6 steps) and 6 feature rows; skips are dropped for training.
  expect(replayClip("DoorKey-5x5", {}, records[0].left, 6).frames).toHaveLength(7);
  const comparisons = comparisonsOf(records);
  expect(comparisons.map((c) => c.label)).toEqual([1, 0, 0.5]);
  expect(comparisons[0].a.length).toBe(6 * (2 * 147 + 7 + 1));
});

test("a malformed preferences file is a one-line error naming the line", async () => {
  const out = join(mkdtempSync(join(tmpdir(), "rewardlab-prefs-")), "bad.jsonl");
  writeFileSync(out, '{"format":"rewardlab.preference/1","env":"DoorKey-5x5","pair":0,"left":{"seed":1,"actions":[],"from":0},"right":{"seed":2,"actions":[],"from":0},"length":3,"label":"left"}\n{"label": "up"}\n');
  expect(() => readPreferences(out)).toThrow(`${out}:2`);
  const r = await runCli("prefs", "label", "--env", "DoorKey-5x5", "--out", out);
  expect(r.code).toBe(2);
  expect(r.err).toMatch(new RegExp(`^error: ${out.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}:2`));
  expect(readFileSync(out, "utf8").split("\n")).toHaveLength(3); // nothing appended
  const cartpole = await runCli("prefs", "label", "--env", "CartPole-v1", "--out", out);
  expect(cartpole.err).toBe("error: --env: clips are shown as gridworld frames; CartPole-v1 is a control environment\n");
});

test("with --policy RUN_ID the clips are played by a stored run's policy: the trained agent's clips reach the goal where random ones do not, and are the same in every session", async () => {
  const dir = mkdtempSync(join(tmpdir(), "rewardlab-prefs-policy-"));
  const db = join(dir, "lab.db");
  const config = join(dir, "run.yaml");
  writeFileSync(config, "env: {id: DoorKey-5x5}\nnumEnvs: 8\nlearner: {algo: ppo}\nsteps: 100000\nseeds: [0]\n");
  const trained = await runCli("train", config, "--db", db, "--no-report");
  expect(trained.code).toBe(0);
  const store = await openStore(db, { create: false });
  const [run] = await store.listRuns();
  await store.close();
  const out = join(dir, "prefs.jsonl");
  const input = new PassThrough();
  const output = new PassThrough();
  let text = "";
  output.on("data", (d) => (text += d.toString()));
  const done = label({ policy: run.id, db, out, pairs: "10", length: "30", seed: "3" }, { input, output });
  for (let k = 0; k < 10; k++) input.write("e");
  await done;
  expect(text).toContain(`Labelling DoorKey-5x5 played by run ${run.id}`);
  const records = readPreferences(out);
  expect(records).toHaveLength(10);
  expect(records.every((r) => r.policy === run.id)).toBe(true);
  // Clips come from (seed, pair) alone: regenerating pair 4 with the stored policy gives the same clips.
  const policy = await (async () => {
    const s = await openStore(db, { create: false });
    try {
      return await storedPolicy(s, run.id);
    } finally {
      await s.close();
    }
  })();
  expect(clipPair("DoorKey-5x5", {}, 3, 4, 30, policy.act)).toEqual([records[4].left, records[4].right]);
  const wins = (clips: { seed: number; actions: number[] }[]) =>
    clips.filter((c) => {
      const env = make("DoorKey-5x5");
      env.reset(c.seed);
      return c.actions.some((a) => env.step(a).reward > 0);
    }).length;
  const agentClips = records.flatMap((r) => [r.left, r.right]);
  const randomClips = Array.from({ length: 10 }, (_, k) => clipPair("DoorKey-5x5", {}, 3, k, 30)).flat();
  expect(wins(agentClips)).toBeGreaterThanOrEqual(12);
  expect(wins(randomClips)).toBeLessThanOrEqual(4);
  // Errors name the flag: an unknown run, a run of another environment.
  const unknown = await runCli("prefs", "label", "--policy", "nope", "--db", db, "--out", out);
  expect(unknown.err).toMatch(/^error: --policy: /);
  const other = await runCli("prefs", "label", "--policy", run.id, "--env", "Empty-5x5", "--db", db, "--out", out);
  expect(other.err).toBe(`error: --env: Empty-5x5 is not the environment of run ${run.id} (DoorKey-5x5); drop --env or pick a run trained on it\n`);
}, 120_000);
