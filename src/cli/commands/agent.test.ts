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

test("agent run with attempts: twenty questions, a reflection after each failed attempt, written beside the trajectories", async () => {
  const { consistentWith, greedy } = await import("../../test-utils/questioner.js");
  const stub = await startOpenAIStub((r) => {
    const system = r.messages[0].content;
    if (system.startsWith("You help an agent learn")) return "Ask questions before guessing.";
    return system.includes("Lessons from your earlier attempts") ? greedy(consistentWith(r.messages.slice(2))) : "Guess: dog";
  });
  const config = join(dir, "questions.yaml");
  writeFileSync(config, "env: {id: TwentyQuestions}\nepisodes: 3\nseed: 1\nmaxTurns: 20\nattempts: 3\n");
  const out = join(dir, "questions.jsonl");
  let r;
  try {
    r = await runCli("agent", "run", config, "--model", "learner", "--llm", stub.baseURL, "--out", out);
  } finally {
    await stub.close();
  }
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/^ {2}success 1\.00, task return 1\.000/m);
  expect(r.out).toMatch(/3 attempts at most per task; \d reflections, mean score 1\.000/);
  const reflections = readFileSync(join(dir, "questions.reflections.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
  expect(reflections.length).toBeGreaterThan(0);
  expect(reflections[0]).toMatchObject({ attempt: 0, text: "Ask questions before guessing.", score: 1 });
  expect(readFileSync(out, "utf8").trim().split("\n")).toHaveLength(3 + reflections.length);
});

test("agent run with groups and credit: episodes of one task share a seed, and each turn gets its advantage", async () => {
  let n = 0;
  const stub = await startOpenAIStub(() => (++n % 2 ? "Action: forward" : "Action: left"));
  const config = join(dir, "credit.yaml");
  writeFileSync(config, "env: {id: DoorKey-5x5}\nreward: " + JSON.stringify({ terms: [{ kind: "task" }, { kind: "event", event: "bump", weight: -0.1 }] }) + "\nepisodes: 4\ngroup: 2\nmaxTurns: 6\nconcurrency: 1\ncredit: {estimator: rloo}\n");
  const out = join(dir, "credit.jsonl");
  let r;
  try {
    r = await runCli("agent", "run", config, "--model", "m", "--llm", stub.baseURL, "--out", out);
  } finally {
    await stub.close();
  }
  expect(r.code).toBe(0);
  const ts = readFileSync(out, "utf8").trim().split("\n").map((l) => JSON.parse(l));
  expect(ts.map((t) => [t.id, t.metadata.seed])).toEqual([["DoorKey-5x5-0-0", 0], ["DoorKey-5x5-0-1", 0], ["DoorKey-5x5-1-0", 1], ["DoorKey-5x5-1-1", 1]]);
  for (const t of ts) {
    expect(t.metadata.turnAdvantages).toHaveLength(t.metadata.turns);
    for (const a of t.metadata.turnAdvantages) expect(Number.isFinite(a)).toBe(true);
  }
  const bad = join(dir, "credit-bad.yaml");
  writeFileSync(bad, "env: {id: DoorKey-5x5}\nattempts: 2\ncredit: {}\n");
  const refused = await runCli("agent", "run", bad, "--model", "m");
  expect([refused.code, refused.err]).toEqual([2, "error: credit: turn advantages are for groups of single attempts; drop attempts or credit\n"]);
});

test("agent study: arms of a learner and dense or sparse turn rewards, IQM over seeds with intervals, per seed; bad lists are one line", async () => {
  const r = await runCli("agent", "study", "--env", "Empty-5x5", "--seeds", "2", "--steps", "1024", "--episodes", "4", "--learners", "ppo");
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/^Empty-5x5 as text, the in-process text policy \(hashed words\), 1,024 steps per run, seeds 0, 1; 4 held-out episodes per run/m);
  expect(r.out).toMatch(/^ppo dense +-?\d\.\d{3} \[-?\d\.\d{3}, -?\d\.\d{3}\] +\d\.\d\d \[\d\.\d\d, \d\.\d\d\] +-?\d\.\d{3} -?\d\.\d{3}$/m);
  expect(r.out).toMatch(/^ppo sparse /m);
  expect(r.out).toMatch(/too few seeds for a verdict/);
  const tokens = await runCli("agent", "study", "--policy", "tokens", "--env", "Empty-5x5", "--seeds", "2", "--steps", "512", "--episodes", "2", "--learners", "rloo");
  expect(tokens.code).toBe(0);
  expect(tokens.out).toMatch(/^Empty-5x5 as text, the in-process text policy \(a GRU over the words\)/m);
  expect(tokens.out).toMatch(/^rloo sparse /m);
  const badPolicy = await runCli("agent", "study", "--policy", "bag");
  expect([badPolicy.code, badPolicy.err]).toEqual([2, 'error: --policy: expected words (hashed words into any learner) or tokens (the token-level GRU), got "bag"\n']);
  const bad = await runCli("agent", "study", "--learners", "ppo,dqn");
  expect([bad.code, bad.err]).toEqual([2, 'error: --learners: unknown "dqn"; expected one of: ppo, grpo, rloo\n']);
  const transfer = await runCli("agent", "study", "--env", "Empty-5x5", "--seeds", "2", "--steps", "1024", "--episodes", "4", "--learners", "ppo", "--transfer", "Empty-6x6");
  expect(transfer.code).toBe(0);
  expect(transfer.out).toMatch(/^The same policies on Empty-6x6 \(trained on Empty-5x5\):\narm +task return/m);
  expect(transfer.out.split("\n").filter((l) => l.startsWith("ppo sparse "))).toHaveLength(2);
  const notGrid = await runCli("agent", "study", "--transfer", "TwentyQuestions");
  expect([notGrid.code, notGrid.err]).toEqual([2, "error: --transfer: TwentyQuestions is not a gridworld: a policy trained on DoorKey-5x5 has no actions there\n"]);
  const unknown = await runCli("agent", "study", "--transfer", "DoorKey-5x5,Nowhere-3x3");
  expect(unknown.code).toBe(2);
  expect(unknown.err).toMatch(/^error: --transfer: Nowhere-3x3: /);
});

test("agent pae: tasks proposed, attempted and judged by the model; rounds printed with success rates, judged attempts written", async () => {
  const stub = await startOpenAIStub((r) => {
    const system = r.messages[0].content;
    const last = r.messages.at(-1)!.content;
    if (system.startsWith("You propose tasks")) return "Task: turn around\nTask: walk through a wall";
    if (system.startsWith("You judge")) return last.includes("The task: turn around") ? "Answer: success" : "Answer: failure";
    return "Action: left";
  });
  const config = join(dir, "pae.yaml");
  writeFileSync(config, "env: {id: Empty-5x5}\nepisodes: 2\nmaxTurns: 2\nconcurrency: 2\n");
  const out = join(dir, "pae.jsonl");
  let r;
  try {
    r = await runCli("agent", "pae", config, "--model", "roles", "--llm", stub.baseURL, "--rounds", "2", "--tasks", "2", "--out", out);
  } finally {
    await stub.close();
  }
  expect(r.err).toBe("");
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/^round 1:\n {2}100% {2}turn around\n {4}0% {2}walk through a wall$/m);
  expect(r.out).toMatch(/^curriculum \(solved sometimes\): \(none\)$/m);
  const attempts = readFileSync(out, "utf8").trim().split("\n").map((l) => JSON.parse(l));
  expect(attempts).toHaveLength(2 * 2 * 2);
  expect(attempts[0].metadata).toMatchObject({ task: "turn around", judged: true });
});

test("agent armap: walks, the model's triplets, a reward model, best-of-N, the tree search and MCTS, from the command line", async () => {
  let calls = 0;
  const stub = await startOpenAIStub((r) => {
    if (!r.messages[0].content.startsWith("You write training data")) return `Action: ${["left", "right", "forward"][calls++ % 3]}`;
    const text = r.messages.at(-1)!.content;
    const walk = text.slice(text.indexOf("What the agent did:\n") + 20, text.indexOf("\n\nFirst write"));
    const faces = [...walk.matchAll(/You face (\w+)/g)];
    const last = faces[faces.length - 1];
    const other = last[1] === "north" ? "south" : "north";
    return `Intent: turn until you face ${last[1]}\nNegative:\n${walk.slice(0, last.index) + `You face ${other}` + walk.slice(last.index! + last[0].length)}`;
  });
  const config = join(dir, "armap.yaml");
  writeFileSync(config, "env: {id: Empty-Random-5x5}\nmaxTurns: 3\n");
  let r;
  try {
    r = await runCli("agent", "armap", config, "--model", "writer", "--llm", stub.baseURL, "--task", "turn until you face north", "--walks", "12", "--turns", "4", "--best-of", "3", "--simulations", "16");
  } finally {
    await stub.close();
  }
  expect(r.err).toBe("");
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/^12 random walks of 4 actions on Empty-Random-5x5: 12 triplets \(0 skipped\); reward model accuracy \d+% on its training pairs, \d+% held out$/m);
  expect(r.out).toMatch(/^best of 3 attempts at "turn until you face north": scores -?\d+\.\d{3}, -?\d+\.\d{3}, -?\d+\.\d{3}; picked attempt [123]/m);
  expect(r.out).toMatch(/^tree search: (left|right|forward|pickup|drop|toggle)(, (left|right|forward|pickup|drop|toggle))* \(score -?\d+\.\d{3}\)$/m);
  expect(r.out).toMatch(/^MCTS, 16 simulations: (left|right|forward|pickup|drop|toggle)(, (left|right|forward|pickup|drop|toggle))* \(score -?\d+\.\d{3}\)$/m);
  const noTask = await runCli("agent", "armap", config, "--model", "m");
  expect([noTask.code, noTask.err]).toEqual([2, "error: --task: expected the task to plan for, in words\n"]);
}, 120_000);
