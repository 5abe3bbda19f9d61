import { expect, test } from "vitest";
import { joinPath, showValue, UserError } from "./errors.js";

test("a UserError prints as one line: path, then the problem", () => {
  const e = new UserError("env.kwargs.size", 'expected an integer ≥ 5, got "eight"');
  expect(e.message).toBe('env.kwargs.size: expected an integer ≥ 5, got "eight"');
  expect(e.message.includes("\n")).toBe(false);
  expect(e.under("run").path).toBe("run.env.kwargs.size");
});

test("paths join names with dots and indices with brackets", () => {
  expect(joinPath("terms", 2, "weight")).toBe("terms[2].weight");
  expect(joinPath("", "env")).toBe("env");
});

test("values are shown short and unambiguous", () => {
  expect(showValue("eight")).toBe('"eight"');
  expect(showValue(undefined)).toBe("nothing");
  expect(showValue([1, 2])).toBe("a list of 2");
  expect(showValue("x".repeat(100)).length).toBeLessThan(45);
});
