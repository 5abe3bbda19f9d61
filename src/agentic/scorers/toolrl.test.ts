import { describe, expect, test } from "vitest";
import { parseConfig } from "../../core/config.js";
import type { Score } from "../scorer.js";
import { parseTrajectory, type TrajectoryInput } from "../trajectory.js";
import { jsonEqual, nameScore, paramMatch, parseToolCalls, toolCorrectness, toolFormatProblem, toolrlScorers, type Call } from "./toolrl.js";

function score(input: TrajectoryInput, options: Record<string, unknown> = {}): Score {
  const def = toolrlScorers[0];
  const scorer = def.make(parseConfig(def.options, options), "toolrl", { baseDir: ".", env: {} });
  return (scorer.scoreBatch([parseTrajectory(input)]) as Score[])[0];
}

/** An answer in ToolRL's format with these calls, one JSON object per line. */
function answerWith(calls: { name: string; parameters: Record<string, unknown> }[]): string {
  return `<think>I should call tools.</think>\n<tool_call>\n${calls.map((c) => JSON.stringify(c)).join("\n")}\n</tool_call>`;
}

const gold = (name: string, args: Record<string, unknown> = {}) => ({ name, arguments: args });
const call = (name: string, args: Record<string, unknown> = {}): Call => ({ name, args });

describe("correctness, computed by hand from the formula", () => {
  test("exactly the gold call scores R_max", () => {
    // names: 1/(1+1−1) = 1. match: keys {expr}/{expr} = 1, equal values 1 → 2.
    // S = 1 + 2 = 3; S_max = 1 + (1 + 1) = 3; R = 6·3/3 − 3 = 3. With format 1: 4.
    const s = score({ answer: answerWith([{ name: "calc", parameters: { expr: "6*7" } }]), reference: { toolCalls: [gold("calc", { expr: "6*7" })] } });
    expect(s.value).toBe(4);
    expect(s.reason).toBe("format 1; correctness 3 (names 1, 1/1 calls matched, S 3/3)");
  });

  test("an extra parameter and a wrong value lose part of the match", () => {
    // names 1. keys: pred {q, n, lang}, gold {q, n}: 2 shared / 3 in union = 2/3; equal values: q only → 1.
    // S = 1 + 2/3 + 1 = 8/3; S_max = 1 + (1 + 2) = 4; R = 6·(8/3)/4 − 3 = 4 − 3 = 1.
    const c = toolCorrectness([call("search", { q: "paris", n: 3, lang: "fr" })], [call("search", { q: "paris", n: 5 })]);
    expect(c.s).toBeCloseTo(8 / 3, 12);
    expect(c.sMax).toBe(4);
    expect(c.value).toBeCloseTo(1, 12);
  });

  test("the wrong tool scores R_min", () => {
    // names: 0/(1+1−0) = 0; no predicted call named "a" → match 0. S = 0, S_max = 1 + 2 = 3; R = 0 − 3 = −3.
    expect(toolCorrectness([call("b", { x: 1 })], [call("a", { x: 1 })]).value).toBe(-3);
  });

  test("repeated tool names count as multisets and each gold call takes its best unused match", () => {
    // A = {get×2, put}, B = {get×3}: |A∩B| = 2, |A|+|B|−|A∩B| = 3+3−2 = 4 → names 0.5.
    // gold get{id:1}: candidates id 2 → 1+0, id 1 → 1+1, id 3 → 1+0: takes id 1, +2.
    // gold get{id:2}: candidates id 2 → 2, id 3 → 1: takes id 2, +2.
    // gold put{}: no "put" predicted, +0.
    // S = 0.5 + 2 + 2 = 4.5; S_max = 1 + 2 + 2 + 1 = 6; R = 6·4.5/6 − 3 = 1.5.
    const c = toolCorrectness(
      [call("get", { id: 2 }), call("get", { id: 1 }), call("get", { id: 3 })],
      [call("get", { id: 1 }), call("get", { id: 2 }), call("put")],
    );
    expect(c).toEqual({ value: 1.5, s: 4.5, sMax: 6, names: 0.5, matched: 2 });
  });

  test("a scale option rescales the same S/S_max", () => {
    // As in the extra-parameter case S/S_max = (8/3)/4 = 2/3; with [0, 1]: 1·2/3 + 0.
    const s = score(
      { answer: answerWith([{ name: "search", parameters: { q: "paris", n: 3, lang: "fr" } }]), reference: { toolCalls: [gold("search", { q: "paris", n: 5 })] } },
      { scale: { min: 0, max: 1 } },
    );
    expect(s.value).toBeCloseTo(1 + 2 / 3, 12);
  });

  test("calls without parameters agree on their empty keys", () => {
    // names 1; match: union of keys empty → 1, no values → 1 + 0. S = 2; S_max = 1 + (1 + 0) = 2; R = 3.
    expect(paramMatch({}, {})).toBe(1);
    expect(toolCorrectness([call("now")], [call("now")]).value).toBe(3);
  });

  test("with no gold call correctness is 0 and the format asks for a response, as ToolRL's", () => {
    expect(toolCorrectness([], []).value).toBe(0);
    expect(toolCorrectness([call("search")], []).value).toBe(0);
    const reference = { toolCalls: [], answer: "Hi!" };
    expect(score({ answer: "<think>no tool needed</think><response>Hi!</response>", reference })).toEqual({ value: 1, reason: "format 1; correctness 0 (no call wanted)" });
    // Calling a tool where a response was wanted fails the format: 0 + 0, below the response's 1.
    expect(score({ answer: '<think>call</think><tool_call>\n{"name": "search", "parameters": {}}\n</tool_call>', reference }).value).toBe(0);
  });

  test("auto format follows the reference: a response where a call was wanted earns no format point", () => {
    const reference = { toolCalls: [{ name: "search", arguments: { q: "x" } }] };
    // No call: format 0, correctness R_min (−3).
    expect(score({ answer: "<think>I know</think><response>x</response>", reference }).value).toBe(-3);
    // Gold calls and a gold answer: <think>, <tool_call>, then <response>.
    const both = { ...reference, answer: "done" };
    const full = '<think>t</think><tool_call>\n{"name": "search", "parameters": {"q": "x"}}\n</tool_call><response>done</response>';
    expect(score({ answer: full, reference: both }).value).toBe(4);
    expect(score({ answer: full, reference }).value).toBe(3); // the response is not asked for here
  });

  test("a same-name call that shares no parameter is not matched (ToolRL needs a score above 0)", () => {
    // Gold g(a=1) twice; predicted g(b=2), g(a=1). Names 1; gold 1 takes g(a=1) (1 + 1 = 2), gold 2 finds only g(b=2),
    // scoring 0: unmatched. S = 1 + 2 = 3 of S_max = 1 + 2 + 2 = 5.
    const c = toolCorrectness([call("g", { b: 2 }), call("g", { a: 1 })], [call("g", { a: 1 }), call("g", { a: 1 })]);
    expect([c.s, c.sMax, c.matched]).toEqual([3, 5, 1]);
  });

  test("values are compared deeply, regardless of key order, and strictly by type", () => {
    expect(jsonEqual({ a: [1, { b: "x" }], c: null }, { c: null, a: [1, { b: "x" }] })).toBe(true);
    expect(jsonEqual({ a: 1 }, { a: "1" })).toBe(false);
    expect(jsonEqual([1, 2], { 0: 1, 1: 2 })).toBe(false);
    expect(nameScore([], [call("a")])).toBe(0);
  });
});

describe("format", () => {
  test("one <think> then one <tool_call> or <response> is well formed, depending on the format option", () => {
    const toolAnswer = answerWith([{ name: "f", parameters: {} }]);
    expect(toolFormatProblem(toolAnswer, "either")).toBeNull();
    expect(toolFormatProblem(toolAnswer, "tool_call")).toBeNull();
    expect(toolFormatProblem(toolAnswer, "response")).toBe("missing <response>");
    expect(toolFormatProblem("<think>x</think><response>y</response>", "either")).toBeNull();
  });

  test("two think blocks lose the format reward but keep correctness", () => {
    const answer = `<think>a</think><think>b</think>\n<tool_call>\n{"name": "calc", "parameters": {"expr": "6*7"}}\n</tool_call>`;
    // Format 0; correctness 3 as in the exact-call case.
    expect(score({ answer, reference: { toolCalls: [gold("calc", { expr: "6*7" })] } })).toEqual({
      value: 3,
      reason: "format 0 (more than one <think>); correctness 3 (names 1, 1/1 calls matched, S 3/3)",
    });
  });

  test("missing tags lose the format reward and, without a call, most of the correctness", () => {
    // No <tool_call> block: no predicted calls. names 0, S = 0, S_max = 2 → R_correct = −3.
    const s = score({ answer: '{"name": "calc", "parameters": {}}', reference: { toolCalls: [gold("calc")] } });
    expect(s.value).toBe(-3);
    expect(s.reason).toMatch(/^format 0 \(missing <think>\)/);
    expect(toolFormatProblem("<think>x</think><response>y", "either")).toBe("missing </response>");
  });
});

describe("parsing", () => {
  test("calls are one JSON object per line, with parameters or arguments", () => {
    const text = '<tool_call>\n{"name": "a", "parameters": {"x": 1}}\n\n{"name": "b", "arguments": {"y": 2}}\n{"name": "c"}\n</tool_call>';
    expect(parseToolCalls(text)).toEqual({ calls: [call("a", { x: 1 }), call("b", { y: 2 }), call("c")] });
  });

  test("an invalid JSON line makes the calls unparsable and correctness R_min", () => {
    const answer = '<think>t</think>\n<tool_call>\n{"name": "calc", "parameters": {"expr": "6*7"}}\n{"name": "calc", parameters: {}}\n</tool_call>';
    expect(score({ answer, reference: { toolCalls: [gold("calc", { expr: "6*7" })] } })).toEqual({
      value: 1 - 3,
      reason: 'format 1; correctness -3 (call 2 is not JSON: "{\\"name\\": \\"calc\\", parameters: …")',
    });
  });

  test("non-object lines, nameless calls, non-object parameters and unclosed blocks are unparsable", () => {
    expect(parseToolCalls("<tool_call>\n[1]\n</tool_call>")).toEqual({ error: "call 1 is not a JSON object" });
    expect(parseToolCalls('<tool_call>{"parameters": {}}</tool_call>')).toEqual({ error: 'call 1 has no "name"' });
    expect(parseToolCalls('<tool_call>{"name": "a", "parameters": [1]}</tool_call>')).toEqual({ error: "call 1's parameters are not an object" });
    expect(parseToolCalls('<tool_call>{"name": "a"}')).toEqual({ error: "<tool_call> is not closed" });
  });

  test("calls: turns reads the trajectory's structured tool calls", () => {
    const s = score(
      {
        turns: [
          { role: "assistant", content: "", toolCalls: [{ name: "calc", arguments: { expr: "6*7" } }] },
          { role: "tool", content: "42" },
          { role: "assistant", content: "<think>done</think><response>42</response>" },
        ],
        reference: { toolCalls: [gold("calc", { expr: "6*7" })] },
      },
      { calls: "turns" },
    );
    // Format 1 (response variant); correctness 3 as in the exact-call case.
    expect(s.value).toBe(4);
  });

  test("without reference tool calls the score is null", () => {
    expect(score({ answer: answerWith([]) }).value).toBeNull();
  });

  test("a bad scale is caught when the options are parsed", () => {
    expect(() => parseConfig(toolrlScorers[0].options, { scale: { min: 3, max: -3 } })).toThrow(/scale\.max/);
    expect(() => parseConfig(toolrlScorers[0].options, { format: "xml" })).toThrow(/format/);
  });

  test("a 1 MB answer is scored quickly and without an exception", () => {
    const start = performance.now();
    const big = `<think>${"x".repeat(1 << 20)}</think><tool_call>\n{"name": "a", "parameters": {"v": "${"y".repeat(1 << 20)}"}}\n</tool_call>`;
    expect(score({ answer: big, reference: { toolCalls: [gold("a", { v: 1 })] } }).value).toBeCloseTo(1 + (6 * 2) / 3 - 3, 12);
    expect(score({ answer: "<tool_call>".repeat(1 << 17), reference: { toolCalls: [gold("a")] } }).value).toBe(-3);
    expect(performance.now() - start).toBeLessThan(2000);
  });
});
