import { expect, test } from "vitest";
import { openAIChat } from "../../providers/chat.js";
import { startOpenAIStub, type StubRequest } from "../../test-utils/openai-stub.js";
import { gridTextEnv } from "./grid-text.js";
import { proposerAgentEvaluator } from "./pae.js";

/**
 * One scripted server for the three roles: the proposer writes three tasks;
 * the agent turns left forever; the evaluator calls "face north" done when
 * the attempt shows the agent facing north, "walk through a wall" never,
 * and "turn around" always.
 */
function roles(r: StubRequest): string {
  const system = r.messages[0].content;
  const last = r.messages.at(-1)!.content;
  if (system.startsWith("You propose tasks")) return "Some ideas.\nTask: face north\nTask: walk through a wall\n3. Task: turn around";
  if (system.startsWith("You judge")) {
    if (last.includes("The task: walk through a wall")) return "Impossible. Answer: failure";
    if (last.includes("The task: turn around")) return "It turned. Answer: success";
    // Judged on where the attempt ended: the world's last message.
    const end = last.slice(last.lastIndexOf("World: "));
    return end.includes("You face north") ? "Answer: success" : "Answer: failure";
  }
  return "Action: left";
}

test("PAE: proposed tasks are attempted and judged; the judged success is the reward; tasks solved always or never leave the curriculum", async () => {
  const stub = await startOpenAIStub(roles);
  try {
    const model = openAIChat({ baseURL: stub.baseURL, model: "roles", maxRetries: 0 });
    const result = await proposerAgentEvaluator(model, model, model, () => gridTextEnv("Empty-Random-5x5"), { rounds: 2, tasks: 3, description: "an empty room with a goal", episodes: 8, seed: 0, maxTurns: 2, concurrency: 3 });
    const [first] = result.rounds;
    expect(first.tasks).toEqual(["face north", "walk through a wall", "turn around"]);
    expect(first.successRates[1]).toBe(0);
    expect(first.successRates[2]).toBe(1);
    // Facing north after two left turns depends on which way the episode starts: solved sometimes.
    expect(first.successRates[0]).toBeGreaterThan(0);
    expect(first.successRates[0]).toBeLessThan(1);
    expect(result.curriculum).toEqual(["face north"]);
    // The second round kept it and added the proposer's new ones (the same three here: no duplicates).
    expect(result.rounds[1].tasks).toEqual(["face north", "walk through a wall", "turn around"]);
    for (const a of result.attempts) {
      expect(a.trajectory.metadata).toMatchObject({ task: a.task, judged: a.success });
      expect((a.trajectory.prompt as { content: string }[])[0].content).toContain(`Your task: ${a.task}`);
    }
    const proposerAsks = stub.requests.filter((q) => q.messages[0].content.startsWith("You propose tasks"));
    expect(proposerAsks[1].messages[1].content).toMatch(/- face north: solved in \d+% of attempts/);
  } finally {
    await stub.close();
  }
});

test("PAE from a cassette: the recorded run replays exactly, with no server", async () => {
  const { recordThenReplay } = await import("../../test-utils/cassette.js");
  const options = { rounds: 2, tasks: 3, description: "an empty room with a goal", episodes: 4, seed: 0, maxTurns: 2, concurrency: 1 };
  const { live, replayed } = await recordThenReplay(roles, (model) => proposerAgentEvaluator(model, model, model, () => gridTextEnv("Empty-Random-5x5"), options));
  expect(replayed).toEqual(live);
});
