import { describe, expect, test } from "vitest";
import { parseConfig } from "../../core/config.js";
import { UserError } from "../../core/errors.js";
import type { Score } from "../scorer.js";
import { parseTrajectory, type TrajectoryInput } from "../trajectory.js";
import { duplicateKey, fencedJson, formatScorers, tagPairs, tagStructureProblem } from "./format.js";

function scorer(kind: string, options: Record<string, unknown> = {}) {
  const def = formatScorers.find((d) => d.kind === kind)!;
  return def.make(parseConfig(def.options, options), kind, { baseDir: ".", env: {} });
}

function score(kind: string, input: TrajectoryInput, options: Record<string, unknown> = {}): Score {
  return (scorer(kind, options).scoreBatch([parseTrajectory(input)]) as Score[])[0];
}

function optionError(kind: string, options: Record<string, unknown>): UserError {
  const def = formatScorers.find((d) => d.kind === kind)!;
  try {
    parseConfig(def.options, options);
  } catch (e) {
    return e as UserError;
  }
  throw new Error("the options were accepted");
}

const MB = 1 << 20;

describe("regex", () => {
  test("scores 1 when the pattern matches the answer and 0 when it does not", () => {
    expect(score("regex", { answer: "Final: 42" }, { pattern: "\\d+$" })).toEqual({ value: 1, reason: "matches /\\d+$/" });
    expect(score("regex", { answer: "Final: forty-two" }, { pattern: "\\d+$" })).toEqual({ value: 0, reason: "does not match /\\d+$/" });
    expect(score("regex", { answer: "FINAL" }, { pattern: "final", flags: "i" }).value).toBe(1);
  });

  test("the g flag does not make a scorer remember where its last match ended", () => {
    const s = scorer("regex", { pattern: "a", flags: "g" });
    const t = parseTrajectory({ answer: "a" });
    expect((s.scoreBatch([t, t, t]) as Score[]).map((x) => x.value)).toEqual([1, 1, 1]);
  });

  test("an invalid pattern or flags is a UserError naming the option", () => {
    expect(optionError("regex", { pattern: "(" }).path).toBe("pattern");
    expect(optionError("regex", { pattern: "a", flags: "q" }).path).toBe("flags");
    expect(optionError("regex", {}).path).toBe("pattern");
    const def = formatScorers.find((d) => d.kind === "regex")!;
    expect(() => def.make({ pattern: "[", flags: "", maxChars: 10 }, "r", { baseDir: ".", env: {} })).toThrow(UserError);
  });

  test("a 1 MB answer is matched only up to maxChars, quickly", () => {
    const start = performance.now();
    const s = score("regex", { answer: "x".repeat(MB) + "END" }, { pattern: "END" });
    expect(s).toEqual({ value: 0, reason: "does not match /END/ (first 100000 chars)" });
    expect(score("regex", { answer: "x".repeat(MB) + "END" }, { pattern: "END", maxChars: 2 * MB }).value).toBe(1);
    expect(performance.now() - start).toBeLessThan(2000);
  });
});

describe("tags", () => {
  test("a <think> then <answer> answer is well formed, whatever it answers", () => {
    expect(score("tags", { answer: "<think>6·7 = 41</think>\n<answer>41</answer>\n", reference: { answer: "42" } })).toEqual({ value: 1, reason: "well formed: <think><answer>" });
  });

  test("missing, repeated, reversed and nested tags are named in the reason", () => {
    const problem = (answer: string) => score("tags", { answer }).reason;
    expect(problem("<think>x</think>")).toBe("missing <answer>");
    expect(problem("<think>x</think><answer>y")).toBe("missing </answer>");
    expect(problem("<think>a</think><think>b</think><answer>y</answer>")).toBe("more than one <think>");
    expect(problem("<answer>y</answer><think>x</think>")).toBe("<answer> before </think>");
    expect(problem("<think>x<answer>y</answer></think>")).toBe("<answer> before </think>");
    expect(problem("</think>x<think><answer>y</answer>")).toBe("</think> before <think>");
    expect(score("tags", { answer: "<think>a</think><think>b</think><answer>y</answer>" }).value).toBe(0);
  });

  test("strict mode rejects text outside the tags and non-strict mode allows it", () => {
    const answer = "Sure! <think>x</think> then <answer>y</answer> bye";
    expect(score("tags", { answer })).toEqual({ value: 0, reason: 'text before <think>: "Sure!"' });
    expect(score("tags", { answer: "<think>x</think> then <answer>y</answer>" }).reason).toBe('text between </think> and <answer>: "then"');
    expect(score("tags", { answer: "<think>x</think><answer>y</answer> bye" }).reason).toBe('text after </answer>: "bye"');
    expect(score("tags", { answer }, { strict: false }).value).toBe(1);
    expect(score("tags", { answer: "<answer>y</answer><think>x</think>" }, { strict: false }).value).toBe(0);
  });

  test("the tags option sets which tags and in what order", () => {
    expect(score("tags", { answer: "<reasoning>r</reasoning><code>c</code>" }, { tags: ["reasoning", "code"] }).value).toBe(1);
    expect(optionError("tags", { tags: ["think", "think"] }).path).toBe("tags");
    expect(optionError("tags", { tags: ["<think>"] }).path).toBe("tags[0]");
    expect(optionError("tags", { tags: [] }).path).toBe("tags");
  });

  test("tagStructureProblem runs in linear time on 1 MB answers", () => {
    const pairs = tagPairs(["think", "answer"]);
    const start = performance.now();
    expect(tagStructureProblem(`<think>${"x".repeat(MB)}</think><answer>1</answer>`, pairs, true)).toBeNull();
    expect(tagStructureProblem("<think>".repeat(MB / 7), pairs, true)).toBe("more than one <think>");
    expect(tagStructureProblem(`<think>a</think><answer>b</answer>${" ".repeat(MB)}!`, pairs, true)).toBe('text after </answer>: "!"');
    expect(performance.now() - start).toBeLessThan(2000);
  });
});

describe("json", () => {
  test("duplicateKey finds a key repeated in one object, decoding escapes, at any depth", () => {
    expect(duplicateKey('{"a": 1, "a": 2}')).toBe("a");
    expect(duplicateKey('{"a": 1, "\\u0061": 2}')).toBe("a");
    expect(duplicateKey('[{"x": {"b": 1, "c": [1, {"b": 2}], "b": 3}}]')).toBe("b");
    expect(duplicateKey('{"a": {"a": 1}, "b": [{"a": 1}, {"a": 2}]}')).toBeNull();
    expect(duplicateKey('{"a": "{\\"a\\": 1, \\"a\\": 2}", "b": "a"}')).toBeNull();
  });

  test("valid JSON scores 1 and invalid JSON 0 with the parser's message", () => {
    expect(score("json", { answer: ' {"a": [1, 2]} ' })).toEqual({ value: 1, reason: "answer is valid JSON" });
    const bad = score("json", { answer: "{'a': 1}" });
    expect(bad.value).toBe(0);
    expect(bad.reason).toMatch(/^answer is not JSON \(/);
    expect(score("json", { answer: "" }).reason).toBe("empty answer");
  });

  test("JSON with duplicate keys fails although JSON.parse accepts it", () => {
    expect(score("json", { answer: '{"answer": 1, "answer": 2}' })).toEqual({ value: 0, reason: 'duplicate key "answer" in the answer' });
  });

  test("the last ```json block is parsed when there is one, unless fenced is false", () => {
    const answer = 'Here:\n```python\nprint(1)\n```\nand\n```json\n{"a": 1}\n```\nDone.';
    expect(fencedJson(answer)).toBe('{"a": 1}\n');
    expect(score("json", { answer })).toEqual({ value: 1, reason: "```json block is valid JSON" });
    expect(score("json", { answer }, { fenced: false }).value).toBe(0);
    expect(fencedJson("```python\nx\n```\nprose\n```")).toBeNull();
  });

  test("a schema option is enforced and a trajectory's reference.schema takes precedence", () => {
    const schema = { type: "object", properties: { age: { type: "integer" } }, required: ["age"] };
    expect(score("json", { answer: '{"age": 3}' }, { schema }).value).toBe(1);
    expect(score("json", { answer: '{"age": 3.5}' }, { schema })).toEqual({ value: 0, reason: "does not conform to the schema: /age must be integer" });
    expect(score("json", { answer: '{"age": 3}', reference: { schema: { type: "array" } } }, { schema }).value).toBe(0);
    expect(score("json", { answer: "[]", reference: { schema: { type: "array" } } }).value).toBe(1);
  });

  test("draft 2020-12 schemas are validated as such", () => {
    const schema = { $schema: "https://json-schema.org/draft/2020-12/schema", type: "array", prefixItems: [{ type: "string" }] };
    expect(score("json", { answer: '["a", 1]', reference: { schema } }).value).toBe(1);
    expect(score("json", { answer: "[1]", reference: { schema } }).value).toBe(0);
  });

  test("an invalid schema option is a UserError naming schema; an invalid reference schema gives null", () => {
    expect(optionError("json", { schema: { type: "no-such-type" } }).path).toBe("schema");
    expect(score("json", { answer: "1", reference: { schema: { type: 12 } } }).value).toBeNull();
  });

  test("1 MB and deeply nested answers are scored quickly and without an exception", () => {
    const start = performance.now();
    const big = JSON.stringify(Array.from({ length: MB / 8 }, (_, i) => ({ k: i })));
    expect(score("json", { answer: big }).value).toBe(1);
    expect(score("json", { answer: "[".repeat(MB / 2) + "]".repeat(MB / 2) }, { schema: { type: "array" } }).value).toBe(1);
    expect(score("json", { answer: "{".repeat(MB) }).value).toBe(0);
    expect(performance.now() - start).toBeLessThan(3000);
  });
});
