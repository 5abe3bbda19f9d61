import { PassThrough } from "node:stream";
import { expect, test } from "vitest";
import type { GridEnv } from "../../envs/grid/engine.js";
import { solve } from "../../envs/grid/solver.js";
import { make } from "../../envs/registry.js";
import { play } from "./play.js";

const KEY_OF_ACTION = ["\x1b[D", "\x1b[C", "\x1b[A", "p", "d", "t", " "];

test("keys piped into play drive the episode to success, showing rewards and events", async () => {
  // Plan the episode with the planner, then type it.
  const env = make("DoorKey-5x5");
  env.reset(3);
  const plan = solve(env.core as GridEnv)!;
  const input = new PassThrough();
  const output = new PassThrough();
  let text = "";
  output.on("data", (d) => (text += d.toString()));
  const done = play("DoorKey-5x5", { seed: "3" }, { input, output });
  for (const action of plan) input.write(KEY_OF_ACTION[action]);
  input.write("q");
  await done;
  expect(text).toContain("mission: use the key to open the door and then get to the goal");
  expect(text).toContain("pickup: reward 0.000");
  expect(text).toContain("events pickup:key");
  expect(text).toContain("events open:door, unlock:door");
  expect(text).toMatch(/events reach:goal, success/);
  expect(text).toMatch(/episode 1 terminated with return 0\.9\d\d/);
});

test("play ends when input ends", async () => {
  const input = new PassThrough();
  const output = new PassThrough();
  output.resume();
  const done = play("Empty-5x5", {}, { input, output });
  input.end();
  await expect(done).resolves.toBeUndefined();
});

test("play --record appends each finished episode as a demonstration that replays to the same outcome", async () => {
  const { mkdtempSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const { readDemonstrations } = await import("../../learn/demos/demos.js");
  const file = join(mkdtempSync(join(tmpdir(), "rewardlab-play-")), "demos.jsonl");
  const env = make("DoorKey-5x5");
  env.reset(3);
  const plan = solve(env.core as GridEnv)!;
  const input = new PassThrough();
  const output = new PassThrough();
  output.resume();
  const done = play("DoorKey-5x5", { seed: "3", record: file }, { input, output });
  for (const action of plan) input.write(KEY_OF_ACTION[action]);
  input.write("q");
  await done;
  const [demo] = readDemonstrations(file);
  expect(demo).toMatchObject({ env: "DoorKey-5x5", seed: 3, actions: plan, by: "human" });
  // Replaying the record wins the episode.
  env.reset(demo.seed);
  let last;
  for (const a of demo.actions) last = env.step(a);
  expect(last!.terminated && last!.reward > 0).toBe(true);
});
