/**
 * Gridworlds as text worlds, and the rollout runner driving a model through
 * them: per-turn rewards equal the numeric environment's under the same
 * spec, a scripted model that follows the planner wins, limits and failures
 * end episodes with their reason, and a recorded rollout replays exactly.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { make } from "../../envs/registry.js";
import type { GridEnv } from "../../envs/grid/engine.js";
import { ACTION_NAMES } from "../../envs/grid/objects.js";
import { solve } from "../../envs/grid/solver.js";
import { openAIChat, recordChat, replayChat } from "../../providers/chat.js";
import { makeRewarded } from "../../rewards/make.js";
import { startOpenAIStub, type StubRequest } from "../../test-utils/openai-stub.js";
import { groupAdvantages } from "../advantages/group.js";
import { parseTrajectory } from "../trajectory.js";
import { gridTextEnv, parseAction } from "./grid-text.js";
import { rollout } from "./runner.js";

const dir = mkdtempSync(join(tmpdir(), "rewardlab-worlds-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SPEC = { terms: [{ kind: "task" }, { name: "key", kind: "event", event: "pickup:key", weight: 0.1 }, { name: "near", kind: "potential", phi: "-goal.distance", gamma: 0.99, weight: 0.05 }] };

/** The planner's actions for DoorKey-5x5 reset with `seed`. */
function plan(seed: number): number[] {
  const env = make("DoorKey-5x5");
  env.reset(seed);
  return solve(env.core as GridEnv)!;
}

describe("gridworlds as text", () => {
  test("the first observation says the mission, the heading, what is carried, what lies ahead and what is seen", () => {
    const env = gridTextEnv("DoorKey-5x5");
    const text = env.reset(1);
    expect(text.split("\n")).toEqual([
      "Mission: use the key to open the door and then get to the goal.",
      "You face south. You carry nothing.",
      "Ahead: 1 free step, then a yellow key.",
      "You see: a locked yellow door 1 to the left; a yellow key 2 ahead.",
    ]);
    expect(env.system).toContain("Action: WORD");
  });

  test("actions: the last 'Action: WORD' line, or a message of one word", () => {
    expect(parseAction("I think so.\nAction: forward")).toBe("forward");
    expect(parseAction("Action: left... no, **Action:** right")).toBe("right");
    expect(parseAction("Pickup.")).toBe("pickup");
    expect(parseAction("go forward please")).toBeUndefined();
    // A call of the world's act tool is an action too.
    expect(parseAction('<think>go</think>\n<tool_call>{"name": "act", "arguments": {"action": "Forward"}}</tool_call>')).toBe("forward");
    expect(gridTextEnv("DoorKey-5x5").tools![0].function.parameters).toMatchObject({ properties: { action: { enum: ["left", "right", "forward", "pickup", "drop", "toggle", "done"] } } });
  });

  test("per-turn rewards and terms are the numeric environment's under the same spec; an invalid message takes no step", () => {
    const seed = 4;
    const actions = plan(seed);
    const env = gridTextEnv("DoorKey-5x5", { reward: SPEC });
    env.reset(seed);
    const rv = makeRewarded("DoorKey-5x5", 1, SPEC);
    rv.reset(seed);
    const bad = env.step("Let me think.");
    expect(bad).toMatchObject({ reward: 0, terms: {}, invalid: "no action named", terminated: false });
    let last;
    for (const a of actions) {
      last = env.step(`Action: ${ACTION_NAMES[a]}`);
      rv.step(Int32Array.of(a));
      expect(last.reward).toBe(rv.reward.total64[0]);
      expect(last.terms).toEqual({ task: rv.reward.terms[0][0], key: rv.reward.terms[1][0], near: rv.reward.terms[2][0] });
    }
    expect(last).toMatchObject({ terminated: true, success: true, observation: "The episode is over: you succeeded." });
    expect(last!.primary).toBeGreaterThan(0);
  });

  test("only gridworlds, with the agent's own view", () => {
    expect(() => gridTextEnv("CartPole-v1")).toThrow("env.id: text worlds are made from gridworlds; CartPole-v1 is a control environment");
    expect(() => gridTextEnv("DoorKey-5x5", { kwargs: { fullObs: true } })).toThrow("env.kwargs: text worlds describe the agent's own view; drop fullObs");
  });
});

describe("the rollout runner", () => {
  /** A model that plays the planner's actions for the episode its request is about (the system prompt names its seed). */
  const planner = (r: StubRequest) => {
    const seed = Number(/\(seed (\d+)\)/.exec(r.messages[0].content)![1]);
    const turn = r.messages.filter((m) => m.role === "assistant").length;
    // A little latency, so the runner's requests overlap.
    return { content: `Thinking...\nAction: ${ACTION_NAMES[plan(seed)[turn]]}`, delayMs: 2 };
  };

  test("a scripted model that follows the planner wins every episode; trajectories parse, carry their turn rewards, and take group advantages; a recording replays them exactly", async () => {
    const stub = await startOpenAIStub(planner);
    const tape = join(dir, "rollout.jsonl");
    // The system prompt names the seed, so the scripted model knows which plan to follow.
    const makeEnv = () => {
      const env = gridTextEnv("DoorKey-5x5", { reward: SPEC });
      let seed = 0;
      return { ...env, get system() { return `${env.system}\n(seed ${seed})`; }, reset: (s: number) => ((seed = s), env.reset(s)), step: env.step };
    };
    let live;
    try {
      const model = recordChat(openAIChat({ baseURL: stub.baseURL, model: "planner", maxRetries: 0 }), tape);
      live = await rollout(model, makeEnv, { episodes: 4, seed: 10, maxTurns: 60, concurrency: 3 });
      expect(stub.maxInFlight).toBeGreaterThan(1);
    } finally {
      await stub.close();
    }
    for (const [k, t] of live.entries()) {
      const m = t.metadata as { seed: number; success: boolean; ended: string; turnRewards: number[]; turnTerms: Record<string, number[]>; turns: number; return: number };
      expect(m).toMatchObject({ seed: 10 + k, success: true, ended: "terminated" });
      expect(m.turnRewards).toHaveLength(plan(10 + k).length);
      expect(m.turnTerms.key).toHaveLength(m.turns);
      expect(m.return).toBeCloseTo(m.turnRewards.reduce((a, b) => a + b, 0), 12);
      expect(parseTrajectory(JSON.parse(JSON.stringify(t)))).toEqual(t);
    }
    const returns = Float64Array.from(live.map((t) => (t.metadata as { return: number }).return));
    expect(groupAdvantages(returns, null, { estimator: "rloo" })).toHaveLength(4);
    const again = await rollout(replayChat(tape), makeEnv, { episodes: 4, seed: 10, maxTurns: 60, concurrency: 3 });
    expect(again).toEqual(live);
  });

  test("limits and failures end an episode with their reason", async () => {
    let calls = 0;
    const stub = await startOpenAIStub(() => (++calls === 3 ? { status: 400, error: "bad request" } : "Action: left"));
    try {
      const model = openAIChat({ baseURL: stub.baseURL, model: "m", maxRetries: 0 });
      const [cut] = await rollout(model, () => gridTextEnv("DoorKey-5x5"), { episodes: 1, seed: 0, maxTurns: 2, concurrency: 1 });
      expect(cut.metadata).toMatchObject({ ended: "turns", turns: 2, success: null });
      const [failed] = await rollout(model, () => gridTextEnv("DoorKey-5x5"), { episodes: 1, seed: 0, maxTurns: 5, concurrency: 1 });
      expect(failed.metadata).toMatchObject({ ended: "error", turns: 0 });
      expect((failed.metadata as { error: string }).error).toMatch(/bad request/);
    } finally {
      await stub.close();
    }
  });
});
