import { expect, test } from "vitest";
import { openAIChat } from "../../providers/chat.js";
import { startOpenAIStub, type StubRequest } from "../../test-utils/openai-stub.js";
import { toolCorrectness } from "../scorers/toolrl.js";
import { rollout } from "./runner.js";
import { arithmetic, toolUse } from "./tool-use.js";

const call = (name: string, args: object) => `<tool_call>${JSON.stringify({ name, arguments: args })}</tool_call>`;

/** A tool user that searches each town the question names, computes, and answers. */
function solver(messages: { role: string; content: string }[]): string {
  const question = messages.find((m) => m.role === "user")!.content;
  const towns = [...question.matchAll(/\b([A-Z][a-z]+)\b/g)].map((m) => m[1]).filter((w) => !["How"].includes(w));
  const found = messages.filter((m) => m.role === "user").flatMap((m) => [...m.content.matchAll(/([A-Z][a-z]+) is a town of ([\d,]+) people/g)]);
  const population = (t: string) => Number(found.find((f) => f[1] === t)?.[2].replace(/,/g, ""));
  const last = messages.at(-1)!.content;
  if (found.length < 2) return `<think>look both up</think>\n${call("search", { query: towns[0] })}\n${call("search", { query: towns[1] })}`;
  const op = question.includes("together") ? "+" : "-";
  if (!/^<tool_response>-?\d+<\/tool_response>$/.test(last)) return call("calculator", { expression: `${population(towns[0])} ${op} ${population(towns[1])}` });
  return `<answer>${/-?\d+/.exec(last)![0]}</answer>`;
}

test("arithmetic: + - * / and parentheses, commas in numbers; nothing else", () => {
  expect(arithmetic("12,340 + 5678")).toBe(18018);
  expect(arithmetic("(2 + 3) * -4 / 2")).toBe(-10);
  expect(arithmetic("process.exit(1)")).toBeUndefined();
  expect(arithmetic("2 +")).toBeUndefined();
  expect(arithmetic("1/0")).toBeUndefined();
});

test("a solving tool user: searches pay ToolRL's correctness against the reference calls, the right answer pays 1", () => {
  const env = toolUse();
  const messages = [{ role: "user", content: env.reset(5) }];
  let step;
  const rewards = [];
  do {
    const move = solver(messages);
    step = env.step(move);
    rewards.push(step.terms);
    messages.push({ role: "assistant", content: move }, { role: "user", content: step.observation });
  } while (!step.terminated && !step.truncated);
  expect(step).toMatchObject({ terminated: true, success: true, primary: 1 });
  expect(rewards).toHaveLength(3);
  // Both searches name their town as the reference does: ToolRL's R_correct is R_max (3), weighted 0.1/3.
  expect(rewards[0].tools).toBeCloseTo(0.1, 12);
  // The calculator's expression is the reference's, character for character.
  expect(rewards[1].tools).toBeCloseTo(0.1, 12);
  expect(toolCorrectness([{ name: "search", args: { query: "Elsewhere" } }], [{ name: "search", args: { query: "Avonford" } }]).value).toBeLessThan(3);
  expect(rewards[0].format).toBe(0.1);
  expect(rewards[2]).toEqual({ task: 1, format: 0.1, tools: 0 });
});

test("a reply that is neither a call nor an answer is told so; a third search has no reference left and earns R_min", () => {
  const env = toolUse();
  env.reset(1);
  expect(env.step("I think it is about 5000.")).toMatchObject({ invalid: "no <tool_call> and no <answer>", reward: 0 });
  expect(env.step(call("search", { query: "x" })).terms.tools).toBeGreaterThan(-0.1);
  env.step(call("search", { query: "y" }));
  expect(env.step(call("search", { query: "z" })).terms.tools).toBeCloseTo((0.1 / 3) * -3, 12);
  expect(env.step("<answer>12</answer>")).toMatchObject({ terminated: true, success: false, primary: 0 });
});

test("the rollout runner plays it: the scripted tool user behind a chat-completions server answers every question", async () => {
  const stub = await startOpenAIStub((r: StubRequest) => solver(r.messages.slice(1)));
  try {
    const model = openAIChat({ baseURL: stub.baseURL, model: "tools", maxRetries: 0 });
    const trajectories = await rollout(model, () => toolUse(), { episodes: 6, seed: 0, maxTurns: 8, concurrency: 3 });
    for (const t of trajectories) expect(t.metadata).toMatchObject({ success: true, primaryReturn: 1, turns: 3 });
  } finally {
    await stub.close();
  }
});
