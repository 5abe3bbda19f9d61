import { describe, expect, it } from "vitest";
import { UserError } from "../core/errors.js";
import { fromOpenAiMessages, fromOpenRlhf, fromTrl, fromVerlRow, fromVerlScore, importTrajectory } from "./import.js";

describe("importers", () => {
  it("an OpenAI conversation splits at the last user message; tool calls' JSON-string arguments are parsed", () => {
    const t = fromOpenAiMessages([
      { role: "developer", content: "be brief" },
      { role: "user", content: [{ type: "text", text: "6*7?" }] },
      { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "calc", arguments: '{"expr": "6*7"}' } }] },
      { role: "tool", tool_call_id: "c1", content: "42" },
      { role: "assistant", content: "42" },
    ]);
    expect(t.prompt).toEqual([
      { role: "system", content: "be brief" },
      { role: "user", content: "6*7?" },
    ]);
    expect(t.turns).toHaveLength(3);
    expect(t.turns[0]!.toolCalls).toEqual([{ id: "c1", name: "calc", arguments: { expr: "6*7" } }]);
    expect(t.turns[1]!.toolCallId).toBe("c1");
    expect(t.answer).toBe("42");
  });

  it("broken tool-call JSON is kept as text for scorers to penalize, not thrown away", () => {
    const t = fromOpenAiMessages([{ role: "user", content: "q" }, { role: "assistant", content: "", tool_calls: [{ function: { name: "f", arguments: "{oops" } }] }]);
    expect(t.turns[0]!.toolCalls![0]!.arguments).toEqual({ __unparsed__: "{oops" });
  });

  it("verl rows and compute_score arguments carry the ground truth and data source", () => {
    const row = fromVerlRow({ data_source: "gsm8k", prompt: [{ role: "user", content: "2+2?" }], reward_model: { style: "rule", ground_truth: "4" }, extra_info: { split: "train" }, response: "4" });
    expect(row).toMatchObject({ answer: "4", reference: { answer: "4" }, metadata: { data_source: "gsm8k", split: "train", ground_truth: "4" } });
    const args = fromVerlScore({ data_source: "math", solution_str: "\\boxed{1}", ground_truth: ["1", "1.0"] });
    expect(args.reference.answer).toEqual(["1", "1.0"]);
    // Gold tool calls become reference.toolCalls; other structures stay readable, and the raw value is kept.
    const tools = fromVerlScore({ solution_str: "", ground_truth: [{ name: "calc", parameters: { expr: "6*7" } }] });
    expect(tools.reference.toolCalls).toEqual([{ name: "calc", arguments: { expr: "6*7" } }]);
    const mixed = fromVerlScore({ solution_str: "", ground_truth: [{ x: 1 }, 2] });
    expect(mixed.reference.answer).toEqual(['{"x":1}', 2]);
    expect(mixed.metadata.ground_truth).toEqual([{ x: 1 }, 2]);
  });

  it("an OpenRLHF query loses its prompt prefix; a query that does not start with it is kept whole", () => {
    expect(fromOpenRlhf("Q: hi A: hello", "Q: hi A: ", "x").answer).toBe("hello");
    expect(fromOpenRlhf("something else", "Q: hi", undefined).answer).toBe("something else");
  });

  it("TRL rows take text or conversational completions and the solution column as the reference", () => {
    expect(fromTrl("2+2?", "4", { solution: "4" })).toMatchObject({ answer: "4", reference: { answer: "4" } });
    const conv = fromTrl([{ role: "user", content: "2+2?" }], [{ role: "assistant", content: "4" }], { solution: "4" });
    expect(conv.answer).toBe("4");
    expect(conv.metadata).toEqual({ solution: "4" });
  });

  it("importTrajectory tells the shapes apart by their keys and keeps ids", () => {
    expect(importTrajectory({ id: "a", messages: [{ role: "user", content: "q" }, { role: "assistant", content: "r" }] })).toMatchObject({ id: "a", answer: "r" });
    expect(importTrajectory({ solution_str: "5", ground_truth: "5" }).reference.answer).toBe("5");
    expect(importTrajectory({ id: 3, prompt: "p", completion: "c" })).toMatchObject({ id: 3, answer: "c" });
    expect(importTrajectory({ answer: "plain" }).answer).toBe("plain");
  });

  it("bad rows are one-line errors with the path", () => {
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(UserError);
        return (e as UserError).message;
      }
      throw new Error("expected an error");
    };
    expect(err(() => importTrajectory("text"))).toBe("row: expected a trajectory object (or a list of chat messages)");
    expect(err(() => importTrajectory({ messages: [{ role: "robot", content: "x" }] }))).toMatch(/^row\.messages\[0\]\.role: expected system, developer, user, assistant or tool/);
    expect(err(() => importTrajectory({ answer: 5 }))).toMatch(/^answer: /);
    expect(err(() => fromTrl("p", 42))).toBe("row.completion: expected text or a list of messages");
  });
});
