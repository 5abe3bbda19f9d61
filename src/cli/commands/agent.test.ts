import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, test } from "vitest";
import { parseTrajectory } from "../../agentic/trajectory.js";
import { runCli } from "../../test-utils/cli.js";
import { startOpenAIStub } from "../../test-utils/openai-stub.js";

const dir = mkdtempSync(join(tmpdir(), "rewardlab-agent-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("agent run: a model plays the example config's text world; the trajectories carry turn rewards, score takes them, and the cassette replays them", async () => {
  // Turns left until the agent faces something, then walks: enough to raise events and rewards.
  const stub = await startOpenAIStub((r) => (r.messages.filter((m) => m.role === "assistant").length % 3 === 2 ? "Action: forward" : "I will look around.\nAction: left"));
  const out = join(dir, "run.jsonl");
  const cassette = join(dir, "agent.jsonl");
  let live;
  try {
    live = await runCli("agent", "run", "examples/agent/doorkey.yaml", "--model", "scripted", "--llm", stub.baseURL, "--record", cassette, "--episodes", "3", "--out", out);
  } finally {
    await stub.close();
  }
  expect(live.err).toBe("");
  expect(live.code).toBe(0);
  expect(live.out).toMatch(/^scripted on DoorKey-5x5: 3 episodes \(seeds 0–2\)$/m);
  expect(live.out).toMatch(/ended: turns 3; 120 calls/);
  const lines = readFileSync(out, "utf8").trim().split("\n");
  expect(lines).toHaveLength(3);
  for (const line of lines) {
    const t = parseTrajectory(JSON.parse(line));
    const m = t.metadata as { turnRewards: number[]; turnTerms: Record<string, number[]>; turns: number };
    expect(m.turnRewards).toHaveLength(40);
    expect(Object.keys(m.turnTerms).sort()).toEqual(["goal", "progress"]);
    expect(t.turns).toHaveLength(80);
  }
  const scored = await runCli("score", out, "--spec", "examples/agentic/math.yaml", "--out", join(dir, "scores.jsonl"));
  expect(scored.code).toBe(0);
  expect(readFileSync(join(dir, "scores.jsonl"), "utf8").trim().split("\n")).toHaveLength(3);
  const out2 = join(dir, "replayed.jsonl");
  const replayed = await runCli("agent", "run", "examples/agent/doorkey.yaml", "--replay", cassette, "--episodes", "3", "--out", out2);
  expect(replayed.code).toBe(0);
  expect(readFileSync(out2, "utf8")).toBe(readFileSync(out, "utf8"));
}, 60_000);

test("agent run's bad input is one line, exit 2, before any call", async () => {
  const bad = join(dir, "bad.yaml");
  writeFileSync(bad, "env: {id: CartPole-v1}\n");
  const cases: [string[], string][] = [
    [["agent", "run", bad, "--model", "m", "--llm", "http://127.0.0.1:9/v1"], "error: env.id: text worlds are made from gridworlds; CartPole-v1 is a control environment\n"],
    [["agent", "run", "examples/agent/doorkey.yaml"], "error: --model: expected the model's name (with --llm URL for a local server), or --replay CASSETTE\n"],
    [["agent", "run", "examples/agent/doorkey.yaml", "--model", "m", "--episodes", "0"], 'error: --episodes: expected an integer from 1 to 100,000, got "0"\n'],
  ];
  for (const [args, expected] of cases) {
    const r = await runCli(...args);
    expect([r.code, r.err]).toEqual([2, expected]);
  }
});
