import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test, vi } from "vitest";
import { z } from "zod";
import { loadConfigFile, parseConfig, parseConfigText } from "./config.js";
import { UserError } from "./errors.js";

const Run = z
  .object({
    env: z
      .object({
        id: z.string(),
        kwargs: z.object({ size: z.number().int().min(5).optional(), mode: z.enum(["easy", "hard"]).optional() }).strict().default({}),
      })
      .strict(),
    seeds: z.array(z.number().int().nonnegative()).default([0]),
  })
  .strict();

function errorOf(data: unknown): string {
  try {
    parseConfig(Run, data);
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return (e as Error).message;
  }
  throw new Error("expected a UserError");
}

test("valid configs parse and get defaults", () => {
  expect(parseConfig(Run, { env: { id: "DoorKey-8x8" } })).toEqual({ env: { id: "DoorKey-8x8", kwargs: {} }, seeds: [0] });
});

test("a wrong type names the path, what was expected and what was given", () => {
  expect(errorOf({ env: { id: "x", kwargs: { size: "eight" } } })).toBe('env.kwargs.size: expected an integer ≥ 5, got "eight"');
  expect(errorOf({ env: { id: "x", kwargs: { size: 3 } } })).toBe("env.kwargs.size: expected an integer ≥ 5, got 3");
  expect(errorOf({ env: { id: "x", kwargs: { mode: "medium" } } })).toBe('env.kwargs.mode: expected one of "easy", "hard", got "medium"');
  expect(errorOf({ env: { id: "x" }, seeds: [1, -2] })).toBe("seeds[1]: expected an integer ≥ 0, got -2");
});

test("a missing field and an unknown key are named, with a suggestion", () => {
  expect(errorOf({ env: {} })).toBe("env.id: missing; expected a string");
  expect(errorOf({ env: { id: "x", kwargs: { sise: 8 } } })).toBe('env.kwargs: unknown key "sise" (did you mean "size"?)');
});

test("YAML files load; syntax errors name the file and line", () => {
  const dir = mkdtempSync(join(tmpdir(), "rewardlab-config-"));
  const good = join(dir, "run.yaml");
  writeFileSync(good, "env:\n  id: DoorKey-8x8\n  kwargs: {size: 8}\n");
  expect(loadConfigFile(good, Run).env.kwargs.size).toBe(8);
  const bad = join(dir, "bad.yaml");
  writeFileSync(bad, "env:\n  id: [unclosed\n");
  expect(() => loadConfigFile(bad, Run)).toThrow(/bad\.yaml:\d+:\d+: not valid YAML or JSON/);
  expect(() => loadConfigFile(join(dir, "none.yaml"), Run)).toThrow(/none\.yaml: no such file/);
  expect(() => parseConfigText("a: 1\na: 2")).toThrow(/not valid YAML/);
});

test("a YAML tag such as !!js/function is one error naming the file, line, column and key, with no warning printed", () => {
  const warn = vi.spyOn(process, "emitWarning");
  try {
    expect(() => parseConfigText('env: {id: x}\nname: !!js/function "function(){}"\n', "run.yaml")).toThrow(
      new UserError("run.yaml:2:7 name", "unsupported YAML tag !!js/function: a config is plain data (text, numbers, true/false, lists and maps)"),
    );
    expect(() => parseConfigText("terms:\n  - {kind: task}\n  - {kind: expression, expr: !!js/regexp /a/}\n", "r.yaml")).toThrow(/^r\.yaml:3:30 terms\[1\]\.expr: unsupported YAML tag !!js\/regexp: /);
    expect(() => parseConfigText("!!js/undefined x\n", "top.yaml")).toThrow(/^top\.yaml:1:1: unsupported YAML tag !!js\/undefined: /);
    expect(warn).not.toHaveBeenCalled();
  } finally {
    warn.mockRestore();
  }
  // Standard tags are still read.
  expect(parseConfigText("a: !!str 5\nb: !!int '7'\n")).toEqual({ a: "5", b: 7 });
});
