/**
 * TRL's GRPOTrainer playing rewardlab's worlds: rows from `rewardlab agent
 * export --format trl`, played by examples/trl/rewardlab_environment.py
 * (run with the system's python3) against a live server, called as TRL's
 * trainer calls an `environment_factory` (trl/trainer/grpo_trainer.py at
 * commit f2cd577): at init one instance per environment is built with no
 * arguments and its public methods but `reset` and `get_reward` become the
 * tools; instances are pooled and reused; before each rollout `reset(**row)`
 * with the row minus its `environment` column (the dict form), its string
 * appended to the prompt's last user message; each tool call is
 * `tool(**arguments)`, an exception becoming `{"error": str(e)}`; after the
 * rollout `get_reward()` for environments of exactly that class. TRL itself
 * needs torch and transformers, which are not installed here, so the
 * harness below is those calls, written from that source.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, test } from "vitest";
import { textWorld } from "../agentic/worlds/index.js";
import { ATTRIBUTES, HYPOTHESES } from "../agentic/worlds/twenty-questions.js";
import type { GridEnv } from "../envs/grid/engine.js";
import { ACTION_NAMES } from "../envs/grid/objects.js";
import { solve } from "../envs/grid/solver.js";
import { make } from "../envs/registry.js";
import { runCli } from "../test-utils/cli.js";
import { PYTHON, startWorldServer } from "../test-utils/world-server.js";

const MODULE = new URL("../../examples/trl/rewardlab_environment.py", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "rewardlab-worlds-trl-"));
let server: Awaited<ReturnType<typeof startWorldServer>>;
let url = "";
beforeAll(async () => {
  server = await startWorldServer();
  url = server.url;
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** TRL's calls, from grpo_trainer.py (f2cd577): `__init__`'s probe, `_generate_and_score_completions`' reset, `_tool_call_loop`, the get_reward wrapper. */
const HARNESS = `
import importlib.util, inspect, json, os, re, sys
spec = importlib.util.spec_from_file_location("rewardlab_environment", sys.argv[1])
module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module)
rows = [json.loads(l) for l in open(sys.argv[2])]
calls = json.load(open(sys.argv[3]))
factories = module.ENVIRONMENTS
env_tools, pool, schema = {}, {}, {}
for name, factory in factories.items():
    instance = factory()
    members = dict(inspect.getmembers(instance, predicate=inspect.ismethod))
    assert "reset" in members, name
    tools = [m for n, m in members.items() if n not in ("reset", "get_reward") and not n.startswith("_")]
    env_tools[name] = tools
    pool[name] = [instance]
    # What transformers' get_json_schema needs of a tool: hints on every argument and the return, each argument in the docstring's Args.
    for tool in tools:
        hints = tool.__annotations__
        doc = inspect.getdoc(tool) or ""
        params = [p for p in inspect.signature(tool).parameters]
        assert "return" in hints and all(p in hints for p in params), tool.__name__
        assert all(re.search(r"^\\s+" + p + r":", doc, re.M) for p in params), tool.__name__
    schema[name] = sorted(t.__name__ for t in tools)
out = []
for row, plan in zip(rows, calls):
    name = row["environment"]
    environment = pool[name][0]  # reused: construct once, reset often
    reset_kwargs = {k: v for k, v in row.items() if k != "environment"}
    observation = environment.reset(**reset_kwargs)
    prompt = row["prompt"]
    prompt = prompt[:-1] + [{**prompt[-1], "content": prompt[-1]["content"] + observation}]
    tools = {t.__name__: t for t in env_tools[name]}
    results = []
    for call in plan:
        try:
            results.append(tools[call["name"]](**call["arguments"]))
        except Exception as e:
            results.append({"error": str(e)})
    reward = [e.get_reward() if type(e) is type(environment) else None for e in [environment]][0]
    out.append({"first": prompt[-1]["content"], "results": results, "reward": reward})
print(json.dumps({"tools": schema, "rollouts": out}))
`;

test("TRL's environment_factory, in Python, plays exported rows through the server: tools act, rewards are the world's, an ended episode refuses", async () => {
  const config = join(dir, "grid.yaml");
  writeFileSync(config, "env: {id: DoorKey-5x5}\nreward: {terms: [{kind: task}, {name: key, kind: event, event: 'pickup:key', weight: 0.1, once: true}]}\nepisodes: 4\ngroup: 2\nseed: 10\n");
  const rowsFile = join(dir, "grid.jsonl");
  const exported = await runCli("agent", "export", config, "--format", "trl", "--out", rowsFile);
  expect(exported.code).toBe(0);
  expect(exported.out).toMatch(/^4 trl rows \(DoorKey-5x5, seeds 10–11\) written to/);
  const rows = readFileSync(rowsFile, "utf8").trim().split("\n").map((l) => JSON.parse(l));
  expect(rows.map((r) => r.seed)).toEqual([10, 10, 11, 11]);
  expect(rows[0]).toMatchObject({ environment: "grid", world: "DoorKey-5x5", kwargs: "" });
  expect(JSON.parse(rows[0].reward).terms[1]).toMatchObject({ name: "key", weight: 0.1 });
  expect(rows[0].prompt.map((m: { role: string }) => m.role)).toEqual(["system", "user"]);
  // A winning plan per row, one extra call after the end, and what the same turns pay in-process.
  const plans = rows.map((row) => {
    const env = make("DoorKey-5x5");
    env.reset(row.seed);
    return [...solve(env.core as GridEnv)!.map((a) => ({ name: "act", arguments: { action: ACTION_NAMES[a] } })), { name: "act", arguments: { action: "left" } }];
  });
  const local = rows.map((row, k) => {
    const env = textWorld("DoorKey-5x5", { reward: JSON.parse(row.reward) });
    const first = env.reset(row.seed);
    const steps = plans[k].slice(0, -1).map((c) => env.step(`Action: ${c.arguments.action}`));
    return { first, total: steps.reduce((s, t) => s + t.reward, 0), last: steps.at(-1)!.observation };
  });
  const callsFile = join(dir, "grid-calls.json");
  writeFileSync(callsFile, JSON.stringify(plans));
  // Not execFileSync: the server answering Python runs on this thread's event loop.
  const { stdout } = await promisify(execFile)(PYTHON, ["-c", HARNESS, MODULE, rowsFile, callsFile], { encoding: "utf8", timeout: 60_000, env: { ...process.env, REWARDLAB_URL: url } });
  const result = JSON.parse(stdout);
  expect(result.tools).toEqual({ grid: ["act"], TwentyQuestions: ["ask", "guess"], ToolUse: ["answer", "calculator", "search"] });
  result.rollouts.forEach((r: { first: string; results: unknown[]; reward: number }, k: number) => {
    expect(r.first).toBe(local[k].first);
    expect(r.results.at(-2)).toBe("The episode is over: you succeeded.");
    expect(r.results.at(-2)).toBe(local[k].last);
    expect(r.results.at(-1)).toEqual({ error: "the episode is over; no more actions are taken" });
    expect(r.reward).toBeCloseTo(local[k].total, 12);
    expect(r.reward).toBeGreaterThan(1); // the task's reward and the key's bonus
  });
});

test("TRL rows for twenty questions and tool use: the worlds' own tools, each call one turn paid as in-process", async () => {
  const played: { world: string; calls: { name: string; arguments: Record<string, string> }[]; messages: string[] }[] = [
    {
      world: "TwentyQuestions",
      calls: [{ name: "ask", arguments: { attribute: ATTRIBUTES[0] } }, { name: "ask", arguments: { attribute: ATTRIBUTES[5] } }, { name: "guess", arguments: { animal: HYPOTHESES.names[3] } }],
      messages: [`Question: is it ${ATTRIBUTES[0]}?`, `Question: is it ${ATTRIBUTES[5]}?`, `Guess: ${HYPOTHESES.names[3]}`],
    },
    {
      world: "ToolUse",
      calls: [{ name: "search", arguments: { query: "population" } }, { name: "calculator", arguments: { expression: "2 * (3 + 4)" } }, { name: "answer", arguments: { answer: "14" } }],
      messages: ['<tool_call>{"name": "search", "arguments": {"query": "population"}}</tool_call>', '<tool_call>{"name": "calculator", "arguments": {"expression": "2 * (3 + 4)"}}</tool_call>', "<answer>14</answer>"],
    },
  ];
  for (const { world, calls, messages } of played) {
    const config = join(dir, `${world}.yaml`);
    writeFileSync(config, `env: {id: ${world}}\nepisodes: 2\nseed: 3\n`);
    const rowsFile = join(dir, `${world}.jsonl`);
    expect((await runCli("agent", "export", config, "--format", "trl", "--out", rowsFile)).code).toBe(0);
    const rows = readFileSync(rowsFile, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(rows[0]).toMatchObject({ environment: world, world, seed: 3, reward: "" });
    const callsFile = join(dir, `${world}-calls.json`);
    writeFileSync(callsFile, JSON.stringify(rows.map(() => calls)));
    const { stdout } = await promisify(execFile)(PYTHON, ["-c", HARNESS, MODULE, rowsFile, callsFile], { encoding: "utf8", timeout: 60_000, env: { ...process.env, REWARDLAB_URL: url } });
    const rollouts = JSON.parse(stdout).rollouts as { first: string; results: string[]; reward: number }[];
    rows.forEach((row, k) => {
      const env = textWorld(world);
      expect(rollouts[k].first).toBe(env.reset(row.seed));
      const steps = messages.map((m) => env.step(m));
      expect(steps.some((s) => s.invalid)).toBe(false); // each call was a move the world understood
      expect(rollouts[k].results).toEqual(steps.map((s) => s.observation));
      expect(rollouts[k].reward).toBeCloseTo(steps.reduce((s, t) => s + t.reward, 0), 12);
    });
  }
});

test("agent export: an unknown format is one line naming --format", async () => {
  const config = join(dir, "bad.yaml");
  writeFileSync(config, "env: {id: DoorKey-5x5}\n");
  const r = await runCli("agent", "export", config, "--format", "openrlhf");
  expect(r.code).toBe(2);
  expect(r.err.trim()).toBe('error: --format: expected one of verl, trl, got "openrlhf"');
});
