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

test("play a seat of a multi-agent game: digits choose your action, the others follow a rule; episodes end and restart", async () => {
  const input = new PassThrough();
  const output = new PassThrough();
  let text = "";
  output.on("data", (d) => (text += d.toString()));
  const done = play("PrisonersDilemma", { kwargs: '{"rounds": 2}', agent: "player_1", others: "action:1" }, { input, output });
  input.write("0"); // cooperate against a defector: the sucker's payoff
  input.write("1"); // defect: mutual defection
  input.write("9"); // not an action: ignored
  input.write("q");
  await done;
  expect(text).toContain("PrisonersDilemma  you are player_1");
  expect(text).toContain("you: action 0, reward 0.000, return 0.000, events cooperate, sucker; others: player_0 1");
  expect(text).toContain("you: action 1, reward 1.000, return 1.000, events defect, mutual:defect; others: player_0 1");
  expect(text).toContain("episode 1 over: your return 1.000; new episode");
  expect(text).not.toContain("action 9");
  // A gridworld game shows its map.
  const grid = new PassThrough();
  let drawn = "";
  const out = new PassThrough();
  out.on("data", (d) => (drawn += d.toString()));
  const tagDone = play("Tag", { agent: "runner_0" }, { input: grid, output: out });
  grid.write("2");
  grid.write("q");
  await tagDone;
  expect(drawn).toMatch(/\n[.#TRr]{8}\n/);
  expect(drawn).toMatch(/others: tagger_0 \d, runner_1 \d, runner_2 \d/);
});

test("play's multi-agent options: one line for a bad agent or background, and not on a single-agent game", async () => {
  const io = { input: new PassThrough(), output: new PassThrough() };
  await expect(play("PrisonersDilemma", { agent: "player_7" }, io)).rejects.toThrow(/^--agent: expected one of player_0, player_1, got "player_7"$/);
  await expect(play("PrisonersDilemma", { others: "defect" }, io)).rejects.toThrow(/^--others: expected random, action:N with N from 0 to 1, or run:ID, got "defect"$/);
  await expect(play("DoorKey-5x5", { agent: "player_0" }, io)).rejects.toThrow(/^--agent: DoorKey-5x5 has one agent/);
  await expect(play("PrisonersDilemma", { record: "x.jsonl" }, io)).rejects.toThrow(/^--record: records single-agent demonstrations/);
});
