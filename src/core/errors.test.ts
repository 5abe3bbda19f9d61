import { expect, test } from "vitest";
import { joinPath, reviveError, serializeError, showValue, UserError } from "./errors.js";

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

test("a UserError crosses a thread or process as data and comes back as the same UserError", () => {
  const e = new UserError("env.kwargs.size", 'expected an integer ≥ 5, got "eight"');
  for (const carried of [structuredClone(serializeError(e)), JSON.parse(JSON.stringify(serializeError(e)))]) {
    const back = reviveError(carried);
    expect(back).toBeInstanceOf(UserError);
    expect((back as UserError).path).toBe("env.kwargs.size");
    expect((back as UserError).message).toBe(e.message);
  }
  // Structured clone alone loses the class: that is the bug this prevents.
  expect(structuredClone(e)).not.toBeInstanceOf(UserError);
});

test("other errors and values pass through serializeError and reviveError unchanged", () => {
  const bug = new TypeError("x is undefined");
  expect(serializeError(bug)).toBe(bug);
  expect(reviveError(bug)).toBe(bug);
  expect(reviveError({ rewardlabUserError: { path: 1 } })).toEqual({ rewardlabUserError: { path: 1 } });
  expect(reviveError(null)).toBe(null);
});
