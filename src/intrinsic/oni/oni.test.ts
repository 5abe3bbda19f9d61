/**
 * ONI against a chat-completions server in a process of its own (the
 * training thread blocks while it waits for labels, so the server cannot
 * share it): captions are annotated while training goes on, labels are used
 * a fixed number of steps after a caption is first seen, and a run replayed
 * from its recording is the live run, bit for bit.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { RunConfig } from "../../runs/config.js";
import { runTraining } from "../../runs/train.js";
import { startStubProcess, type StubProcess } from "../../test-utils/openai-stub-process.js";
import type { ModuleBatch } from "../module.js";
import { labelOf, oniReward } from "./oni.js";

const dir = mkdtempSync(join(tmpdir(), "rewardlab-oni-"));
let stub: StubProcess;
beforeAll(async () => {
  stub = await startStubProcess(["pickup:key", "unlock:door"], 5);
});
afterAll(() => {
  stub.close();
  rmSync(dir, { recursive: true, force: true });
});

const TASK = "pick up the key, unlock the door and reach the goal";

/** A module fed event masks directly: events a = 1, b = 2, c = 4. */
function fed(options: Record<string, unknown>) {
  const m = oniReward({ task: TASK, model: "stub", baseURL: stub.baseURL, delay: 0, beta: 0, ...options }, "oni");
  m.init({ n: 1, obsSize: 0, actionSize: 1, events: new Map([["pickup:key", 1], ["bump", 2], ["toggle", 4]]) });
  const out = new Float64Array(1);
  const step = (mask: number) => {
    m.compute({ n: 1, obsSize: 0, actionSize: 1, actions: [0], taskReward: [0], terminated: [0], truncated: [0], episodeStep: [1], events: [mask] } as ModuleBatch, out);
    return out[0];
  };
  return { m, step };
}

describe("ONI", () => {
  test("labels: the last 'Answer: 1/0' (or yes/no) of a reply", () => {
    expect(labelOf("Maybe. Answer: 0\nOn reflection, Answer: 1")).toBe(1);
    expect(labelOf("**Answer:** no")).toBe(0);
    expect(labelOf("Answer = yes")).toBe(1);
    expect(labelOf("I cannot tell.")).toBeUndefined();
  });

  test("retrieval: a caption pays nothing until its label is in, then its label decayed by its count", async () => {
    const { m, step } = fed({ reward: "retrieval", beta: 1 });
    expect(step(1)).toBe(0); // pickup:key seen, sent
    expect(step(1)).toBe(1 / 2); // label 1 taken (delay 0), count 2
    expect(step(2)).toBe(0); // bump: sent
    expect(step(2)).toBe(0); // label 0
    expect(step(0)).toBe(0); // no events, no caption
    expect(step(1)).toBe(1 / 3);
    expect(m.captions()).toEqual([
      { caption: "pickup:key", label: 1, count: 3 },
      { caption: "bump", label: 0, count: 2 },
    ]);
    expect(m.update!()).toEqual({ captions: 2, labelled: 2, positive: 1, failed: 0 });
    expect((await stub.requests()).slice(-2)).toEqual([expect.stringContaining("these events happened: pickup:key"), expect.stringContaining("these events happened: bump")]);
  });

  test("classification: trained between rollouts on the labels so far, it judges a caption never labelled by the events it shares", () => {
    const { m, step } = fed({ reward: "classification" });
    step(1);
    step(2);
    step(6);
    step(0); // every label in
    expect(step(1)).toBe(0); // not trained yet: nothing paid
    m.update!();
    // pickup:key with toggle was never seen: the classifier still rates it above toggle with bump.
    const withKey = step(5);
    const without = step(3);
    expect(withKey).toBeGreaterThan(0.5);
    expect(without).toBeLessThan(0.5);
  });

  test("a run with ONI replayed from its recording pays the same rewards, bit for bit, with no server; evaluation episodes call nothing", async () => {
    const record = join(dir, "oni.jsonl");
    const config = (oni: Record<string, unknown>) =>
      RunConfig.parse({
        env: { id: "DoorKey-5x5" },
        numEnvs: 4,
        learner: { algo: "ppo", numSteps: 32 },
        steps: 2048,
        evaluation: { episodes: 4, every: 1024 },
        reward: { terms: [{ kind: "task" }, { kind: "intrinsic", module: "oni", weight: 0.1, options: { task: TASK, delay: 8, ...oni } }] },
      });
    const before = (await stub.requests()).length;
    const live = runTraining(config({ model: "stub", baseURL: stub.baseURL, record }), 3);
    const asked = (await stub.requests()).length - before;
    const lines = readFileSync(record, "utf8").trim().split("\n");
    expect(asked).toBeGreaterThan(1);
    // Every request was taken and recorded (evaluations sent none).
    expect(lines).toHaveLength(asked);
    expect(live.termReturns.oni).toBeGreaterThan(0);
    const replayed = runTraining(config({ replay: record }), 3);
    expect(replayed.curve).toEqual(live.curve);
    expect(replayed.evaluations).toEqual(live.evaluations);
    expect((await stub.requests()).length - before).toBe(asked);
  }, 60_000);

  test("bad options are one line", () => {
    expect(() => oniReward({ task: TASK }, "reward.terms[1].options")).toThrow("reward.terms[1].options.model: expected the annotating model's name (with baseURL for a local server), or replay: a recording");
    expect(() => oniReward({ task: TASK, replay: "a", record: "b" }, "o")).toThrow("o.record: records a live model; replay answers from a recording: use one of them");
    expect(() => oniReward({ task: TASK, model: "m", beta: -1 }, "o")).toThrow(/^o\.beta: /);
    const missing = join(dir, "none.jsonl");
    expect(existsSync(missing)).toBe(false);
    const m = oniReward({ task: TASK, replay: missing }, "o");
    expect(() => m.init({ n: 1, obsSize: 0, actionSize: 1, events: new Map([["bump", 1]]) })).toThrow(`o.replay: cannot read ${missing}`);
  });
});
