/**
 * Text worlds over HTTP, and verl's multi-turn interaction playing them:
 * examples/verl/rewardlab_interaction.py, run with the system's python3
 * against a live server on rows `rewardlab agent export` wrote, called as
 * verl calls an interaction (start_interaction with the row's
 * interaction_kwargs, generate_response with the message list after each
 * assistant turn, calculate_score, finalize_interaction).
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { gridTextEnv } from "../agentic/worlds/grid-text.js";
import { make } from "../envs/registry.js";
import type { GridEnv } from "../envs/grid/engine.js";
import { ACTION_NAMES } from "../envs/grid/objects.js";
import { solve } from "../envs/grid/solver.js";
import { runCli } from "../test-utils/cli.js";
import { PYTHON, startWorldServer } from "../test-utils/world-server.js";

const dir = mkdtempSync(join(tmpdir(), "rewardlab-worlds-http-"));
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

const post = async (path: string, body: unknown) => {
  const res = await fetch(`${url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as any };
};

test("an episode over HTTP steps as the world does in-process; bad worlds and ended sessions are one line", async () => {
  const started = await post("/v1/worlds", { world: "DoorKey-5x5", seed: 4 });
  expect(started.status).toBe(200);
  const local = gridTextEnv("DoorKey-5x5");
  expect(started.json.observation).toBe(local.reset(4));
  expect(started.json.tools[0].function.name).toBe("act");
  for (const word of ["left", "forward", "toggle"]) {
    const remote = await post(`/v1/worlds/${started.json.id}/step`, { message: `Action: ${word}` });
    expect(remote.json).toEqual(JSON.parse(JSON.stringify(local.step(`Action: ${word}`))));
  }
  const del = await fetch(`${url}/v1/worlds/${started.json.id}`, { method: "DELETE" });
  expect(del.status).toBe(204);
  const gone = await post(`/v1/worlds/${started.json.id}/step`, { message: "Action: left" });
  expect(gone.status).toBe(404);
  expect(gone.json.error).toMatch(/^world session "[0-9a-f]{16}": no such session/);
  const bad = await post("/v1/worlds", { world: "CartPole-v1", seed: 0 });
  expect(bad).toEqual({ status: 400, json: { error: "body.world: text worlds are made from gridworlds; CartPole-v1 is a control environment" } });
  const badReward = await post("/v1/worlds", { world: "DoorKey-5x5", seed: 0, reward: { terms: [{ kind: "tsak" }] } });
  expect(badReward.status).toBe(400);
  expect(badReward.json.error).toMatch(/^body\.reward\.terms\[0\]\.kind: expected one of/);
  expect((await post("/v1/worlds", { world: "DoorKey-5x5" })).status).toBe(400);
});

test("verl's interaction, in Python, plays exported rows through the server: the planner's replies win every episode, turn rewards summed", async () => {
  const config = join(dir, "agent.yaml");
  writeFileSync(config, "env: {id: DoorKey-5x5}\nreward: {terms: [{kind: task}, {name: key, kind: event, event: 'pickup:key', weight: 0.1, once: true}]}\nepisodes: 3\nseed: 10\n");
  const rows = join(dir, "rows.jsonl");
  const exported = await runCli("agent", "export", config, "--out", rows);
  expect(exported.code).toBe(0);
  const lines = readFileSync(rows, "utf8").trim().split("\n").map((l) => JSON.parse(l));
  expect(lines[0]).toMatchObject({ data_source: "rewardlab/DoorKey-5x5", ability: "agent", extra_info: { index: 0, interaction_kwargs: { name: "rewardlab", world: "DoorKey-5x5", seed: 10 } } });
  // The planner's replies for each row's seed, and what the same episode pays in-process.
  const plans = lines.map((row) => {
    const env = make("DoorKey-5x5");
    env.reset(row.extra_info.interaction_kwargs.seed);
    return solve(env.core as GridEnv)!.map((a) => `<think>plan</think>\nAction: ${ACTION_NAMES[a]}`);
  });
  const expected = lines.map((row, k) => {
    const env = gridTextEnv("DoorKey-5x5", { reward: row.extra_info.interaction_kwargs.reward });
    env.reset(row.extra_info.interaction_kwargs.seed);
    return plans[k].reduce((sum, reply) => sum + env.step(reply).reward, 0);
  });
  const script = join(dir, "play.py");
  writeFileSync(
    script,
    `
import asyncio, importlib.util, json, sys
spec = importlib.util.spec_from_file_location("rewardlab_interaction", sys.argv[1])
module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module)
rows = [json.loads(l) for l in open(sys.argv[2])]
plans = json.load(open(sys.argv[3]))
async def main():
    interaction = module.RewardlabInteraction({"name": "rewardlab", "url": sys.argv[4]})
    out = []
    for row, plan in zip(rows, plans):
        kwargs = dict(row["extra_info"]["interaction_kwargs"])
        instance = await interaction.start_interaction(None, **kwargs)
        messages = list(row["prompt"])
        done, turns, scores = False, 0, []
        for reply in plan:
            messages.append({"role": "assistant", "content": reply})
            done, response, score, extra = await interaction.generate_response(instance, messages)
            messages.append({"role": "user", "content": response})
            scores.append(score)
            turns += 1
            if done:
                break
        total = await interaction.calculate_score(instance)
        await interaction.finalize_interaction(instance)
        out.append({"done": done, "turns": turns, "total": total, "sum": sum(scores), "last": messages[-1]["content"]})
    print(json.dumps(out))
asyncio.run(main())
`,
  );
  const plansFile = join(dir, "plans.json");
  writeFileSync(plansFile, JSON.stringify(plans));
  // Not execFileSync: the server answering Python runs on this thread's event loop.
  const { stdout } = await promisify(execFile)(PYTHON, [script, new URL("../../examples/verl/rewardlab_interaction.py", import.meta.url).pathname, rows, plansFile, url], { encoding: "utf8", timeout: 60_000 });
  const result = JSON.parse(stdout);
  result.forEach((r: { done: boolean; turns: number; total: number; sum: number; last: string }, k: number) => {
    expect(r).toMatchObject({ done: true, turns: plans[k].length, last: "The episode is over: you succeeded." });
    expect(r.total).toBeCloseTo(expected[k], 12);
    expect(r.sum).toBeCloseTo(expected[k], 12);
  });
});
