import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { expect, test } from "vitest";
import { clipPair, comparisonsOf, readPreferences, replayClip } from "../../learn/preferences/data.js";
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
