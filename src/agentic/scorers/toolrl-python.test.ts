import { describe, expect, test } from "vitest";
import { publishedFormat } from "./toolrl-published.js";
import { MAX_DEPTH, PyDict, PyError, pyCounter, pyCounterOverlap, pyEq, pyEqItem, pyJsonLoads, pyLen, pyRound2, pyStrip, pyWordCount } from "./toolrl-python.js";

// Each expectation is what CPython 3.11 gives for the same expression.

describe("json.loads", () => {
  test("keeps Python's types: int (exact, any size), float, bool, None, dict in key order", () => {
    expect(pyJsonLoads("9007199254740993")).toBe(9007199254740993n);
    expect(pyJsonLoads("1.0")).toBe(1);
    expect(pyJsonLoads("-0")).toBe(0n);
    expect(Object.is(pyJsonLoads("-0.0"), -0)).toBe(true);
    expect(pyJsonLoads("1e400")).toBe(Infinity);
    expect([pyJsonLoads("NaN"), pyJsonLoads(" -Infinity ")]).toEqual([NaN, -Infinity]);
    const d = pyJsonLoads('{"2": 1, "1": 2, "2": 3}') as PyDict;
    // The last duplicate's value, at the first one's place; integer-like keys are not moved first.
    expect([...d.entries]).toEqual([["2", 3n], ["1", 2n]]);
  });

  test("raises where Python raises", () => {
    for (const bad of ["", " ", "\ufeff{}", "{'a': 1}", "[1,]", '{"a": 1,}', "01", "1.", "+1", ".5", "True", "nan", "[1] x", '"a\tb"', '"\\x41"', "1" + "0".repeat(4300)]) {
      expect(() => pyJsonLoads(bad), JSON.stringify(bad.slice(0, 20))).toThrow(PyError);
    }
    expect(pyJsonLoads("1" + "0".repeat(4299))).toBe(10n ** 4299n);
    expect(() => pyJsonLoads("[".repeat(MAX_DEPTH + 1) + "]".repeat(MAX_DEPTH + 1))).toThrow(/recursion/);
    expect(() => pyJsonLoads("[".repeat(1 << 20))).toThrow(PyError);
  });
});

describe("==", () => {
  test("bool, int and float compare by exact value", () => {
    expect(pyEq(true, 1n)).toBe(true);
    expect(pyEq(true, 1)).toBe(true);
    expect(pyEq(false, -0)).toBe(true);
    expect(pyEq(9007199254740993n, 9007199254740992)).toBe(false);
    expect(pyEq(2n ** 53n, 2 ** 53)).toBe(true);
    expect(pyEq("1", 1n)).toBe(false);
    expect(pyEq(null, false)).toBe(false);
  });

  test("a NaN is unequal to itself, except as an item of a list or dict (json.loads shares one NaN object)", () => {
    expect(pyEq(NaN, NaN)).toBe(false);
    expect(pyEq([NaN], [NaN])).toBe(true);
    expect(pyEqItem(NaN, NaN)).toBe(true);
    const d = (v: number) => pyJsonLoads(`{"v": ${v}}`);
    expect(pyEq(d(NaN), d(NaN))).toBe(true);
  });

  test("Counter keys: True, 1 and 1.0 are one key; lists are unhashable", () => {
    expect(pyCounter([true, 1n, 1, "1"])).toEqual([[true, 3], ["1", 1]]);
    expect(pyCounter([NaN, NaN, 0.5, 2 ** 53, 2n ** 53n, Infinity])).toEqual([[NaN, 2], [0.5, 1], [2 ** 53, 2], [Infinity, 1]]);
    expect(pyCounterOverlap(["a", "a", 1n], ["a", true, true])).toBe(2);
    expect(() => pyCounter([[1n]])).toThrow(/unhashable/);
  });

  test("len counts code points", () => {
    expect(pyLen("😀é")).toBe(2);
    expect(() => pyLen(5n)).toThrow(PyError);
  });
});

describe("str and round", () => {
  test("strip and split() use str.isspace: a no-break space is white space, a BOM and a zero-width space are not", () => {
    expect(pyStrip("\u00a0\x1c x \u3000\x85")).toBe("x");
    expect(pyStrip("\ufeffx\u200b")).toBe("\ufeffx\u200b");
    expect(pyWordCount("a\u00a0b\u200bc\ufeffd e")).toBe(3);
  });

  test("round(x, 2) rounds the exact binary value, ties to even", () => {
    expect([pyRound2(0.125), pyRound2(0.375), pyRound2(0.625), pyRound2(2.675), pyRound2(1.005)]).toEqual([0.12, 0.38, 0.62, 2.67, 1]);
    expect([pyRound2(64 / 512), pyRound2(1 / 3), pyRound2(-0.125), pyRound2(0.015625)]).toEqual([0.12, 0.33, -0.12, 0.02]);
  });

  test("their format regex's $ also matches before a final newline", () => {
    const gold = "<tool_call>\n{}\n</tool_call>";
    expect(publishedFormat('<think>t</think>\n<tool_call>\n{"name": "a"}\n</tool_call>\n', gold, 0, "default")).toBe(1);
    expect(publishedFormat('<think>t</think>\n<tool_call>\n{"name": "a"}\n</tool_call>\n\n', gold, 0, "default")).toBe(0);
  });
});
