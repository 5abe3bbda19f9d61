import { describe, expect, test } from "vitest";
import { parseConfig } from "../../core/config.js";
import type { Score } from "../scorer.js";
import { importTrajectory } from "../import.js";
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

describe("ToolRL gold strings, as the authors' data preparation writes them into verl rows", () => {
  const goldString = '<think> I should call a tool. </think>\n<tool_call>\n{"name": "calc", "parameters": {"expr": "6*7"}}\n</tool_call>';
  const right = answerWith([{ name: "calc", parameters: { expr: "6*7" } }]);

  test("a verl row whose ground truth is a gold string scores as the same gold given as reference.toolCalls", () => {
    const def = toolrlScorers[0];
    const scorer = def.make(parseConfig(def.options, {}), "toolrl", { baseDir: ".", env: {} });
    const row = { data_source: "rlla", prompt: [{ role: "user", content: "6·7?" }], reward_model: { style: "rule", ground_truth: goldString }, response: right };
    const [fromRow] = scorer.scoreBatch([importTrajectory(row)]) as Score[];
    // As the exact-call case: format 1 + correctness 3.
    expect(fromRow).toEqual(score({ answer: right, reference: { toolCalls: [gold("calc", { expr: "6*7" })] } }));
    expect(fromRow!.value).toBe(4);
  });

  test("the gold string is read from reference.answer, else from metadata.ground_truth", () => {
    expect(score({ answer: right, reference: { answer: goldString } }).value).toBe(4);
    expect(score({ answer: right, metadata: { ground_truth: goldString } }).value).toBe(4);
    // A plain answer is someone else's reference: the reward does not apply.
    expect(score({ answer: right, reference: { answer: "42" } }).value).toBeNull();
    expect(score({ answer: right, reference: { answer: "<think>42</think><answer>42</answer>" } }).value).toBeNull();
    // mode: published takes any string, as the authors' code does: without their tags, a <think> alone is wanted.
    expect(score({ answer: "<think>42</think>", reference: { answer: "42" } }, { mode: "published" }).value).toBe(1);
  });

  test("a gold with a <response> asks for one; a gold with only a response wants no call", () => {
    const both = `${goldString}\n<response> It is 42. </response>`;
    const full = `${right}\n<response>42</response>`;
    expect(score({ answer: full, reference: { answer: both } }).value).toBe(4);
    expect(score({ answer: right, reference: { answer: both } }).reason).toMatch(/^format 0 \(missing <response>\)/);
    const responseOnly = "<think> No tool is needed. </think>\n<response> Hello! </response>";
    expect(score({ answer: "<think>hi</think>\n<response>Hi!</response>", reference: { answer: responseOnly } })).toEqual({ value: 1, reason: "format 1; correctness 0 (no call wanted)" });
  });

  test("a gold string whose calls do not parse fails the score (null, status failed) instead of scoring the answer against nothing", () => {
    const s = score({ answer: right, reference: { answer: "<tool_call>\n{'name': 'calc'}\n</tool_call>" } });
    expect(s.value).toBeNull();
    expect(s.reason).toMatch(/^the reference's tool calls do not parse: call 1 is not JSON/);
    expect(s.status).toBe("failed");
  });
});

describe("values Python's json.loads reads and JSON.parse cannot", () => {
  const goldLine = (v: string) => `<think>t</think>\n<tool_call>\n{"name": "set", "parameters": {"v": ${v}}}\n</tool_call>`;
  const scoreValue = (gold: string, pred: string) => score({ answer: goldLine(pred), reference: { answer: goldLine(gold) } }).value;

  test("integers beyond 2^53 compare exactly", () => {
    // Equal: format 1 + correctness 3. Off by one (which a double cannot see): names 1, keys 1, values 0 →
    // S = 2 of S_max 3, R_correct = 6·2/3 − 3 = 1, so 1 + 1.
    expect(scoreValue("9007199254740993", "9007199254740993")).toBe(4);
    expect(scoreValue("9007199254740993", "9007199254740992")).toBe(2);
    expect(scoreValue("123456789012345678901234567890", "123456789012345678901234567891")).toBe(2);
    // A float is its exact binary value: 9007199254740993.0 is 2^53, not the integer above.
    expect(scoreValue("9007199254740993", "9007199254740993.0")).toBe(2);
    expect(scoreValue("9007199254740992", "9007199254740992.0")).toBe(4);
    expect(jsonEqual(2n ** 64n, 2 ** 64)).toBe(true);
  });

  test("NaN and ±Infinity literals parse, and a value equals the same literal", () => {
    expect(scoreValue("NaN", "NaN")).toBe(4);
    expect(scoreValue("Infinity", "Infinity")).toBe(4);
    expect(scoreValue("Infinity", "1e400")).toBe(4);
    expect(scoreValue("Infinity", "-Infinity")).toBe(2);
    expect(parseToolCalls('<tool_call>{"name": "a", "parameters": {"x": NaN, "y": -Infinity}}</tool_call>')).toEqual({ calls: [call("a", { x: NaN, y: -Infinity })] });
  });

  test("improved keeps a boolean apart from a number, where Python's == does not", () => {
    expect(scoreValue("true", "1")).toBe(2);
    expect(scoreValue("1", "1.0")).toBe(4);
  });

  test("a __proto__ parameter is a parameter", () => {
    const parsed = parseToolCalls('<tool_call>{"name": "a", "parameters": {"__proto__": {"x": 1}}}</tool_call>');
    expect("calls" in parsed && Object.keys(parsed.calls[0]!.args)).toEqual(["__proto__"]);
  });
});

describe("improved format decisions where the authors' regular expression differs", () => {
  const reference = { toolCalls: [gold("calc", { expr: "6*7" })] };
  const line = '{"name": "calc", "parameters": {"expr": "6*7"}}';

  test("whitespace between blocks is free: none, a BOM, a no-break space (published needs exactly one newline)", () => {
    for (const sep of ["", "\ufeff", "\u00a0", "\n\n", " \n"]) {
      expect(score({ answer: `<think>t</think>${sep}<tool_call>\n${line}\n</tool_call>`, reference }).value, JSON.stringify(sep)).toBe(4);
    }
    expect(score({ answer: `\ufeff<think>t</think><tool_call>${line}</tool_call>`, reference }).value).toBe(4);
  });

  test("two think blocks lose the format point (published accepts them)", () => {
    expect(score({ answer: `<think>a</think><think>b</think>\n<tool_call>\n${line}\n</tool_call>`, reference }).value).toBe(3);
  });
});

describe("options", () => {
  const parse = (o: Record<string, unknown>) => parseConfig(toolrlScorers[0].options, o);

  test("published settings need mode: published, and published mode takes no improved-only options", () => {
    expect(() => parse({ published: { scale: "dynamic" } })).toThrow("published: these settings apply to mode: published");
    expect(() => parse({ mode: "published", format: "either" })).toThrow(/^format: expected auto: mode: published reads these as the authors' code does/);
    expect(() => parse({ mode: "published", calls: "turns" })).toThrow(/^calls: expected text/);
    expect(() => parse({ mode: "published", scale: { min: 0, max: 1 } })).toThrow(/^scale: expected the default \[-3, 3\]/);
    expect(() => parse({ mode: "published", published: { scale: "linear" } })).toThrow(/^published\.scale: /);
    expect(() => parse({ mode: "published", published: { step: -1 } })).toThrow(/^published\.step: /);
    expect((parse({ mode: "published" }) as { published?: unknown }).published).toBeUndefined();
  });

  test("a setting that reads the step fails each trajectory that has none, or a bad one", () => {
    const answer = answerWith([{ name: "calc", parameters: { expr: "6*7" } }]);
    const reference = { toolCalls: [gold("calc", { expr: "6*7" })] };
    const options = { mode: "published", published: { scale: "dynamic" } };
    const none = score({ answer, reference }, options);
    expect([none.value, none.status]).toEqual([null, "failed"]);
    expect(none.reason).toMatch(/needs the training step/);
    expect(score({ answer, reference, metadata: { step: "30" } }, options).reason).toBe('metadata.step: expected an integer ≥ 0, got "30"');
    expect(score({ answer, reference, metadata: { step: 2.5 } }, options).reason).toBe("metadata.step: expected an integer ≥ 0, got 2.5");
    // Exact calls without the <think>: R_format is its minimum, R_correct its maximum.
    const noThink = answer.replace("<think>I should call tools.</think>\n", "");
    // Step 0: R_format ∈ {−2, 2}, R_correct ∈ [−2, 2]: −2 + 2.
    expect(score({ answer: noThink, reference }, { ...options, published: { scale: "dynamic", step: 0 } }).value).toBe(0);
    // Step 75: R_format min −2 + 2·75/150 = −1; R_correct max (3 − 2)·75/150 + 2 = 2.5.
    expect(score({ answer: noThink, reference, metadata: { step: 75 } }, options).value).toBe(1.5);
    // Step 150: R_format min −2 + 2 = 0, clamped to −1; R_correct max 3.
    expect(score({ answer: noThink, reference, metadata: { step: 150 } }, options).value).toBe(2);
  });
});
