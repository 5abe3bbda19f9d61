/**
 * `kind: code` terms run the caller's function unsandboxed in the training
 * process, so a spec must mark each one `trusted: true`; without it the
 * spec is refused with one line naming the term.
 */
import { describe, expect, test } from "vitest";
import { makeVector } from "../envs/registry.js";
import { code, task } from "./builder.js";
import { RewardedVector } from "./rewarded.js";
import { CODE_TERM_TRUST, parseRewardSpec } from "./spec.js";

const fn = () => 1;

describe("code terms must be marked trusted", () => {
  test("a code term without trusted: true is refused at its path, in one line", () => {
    for (const term of [{ kind: "code", fn }, { kind: "code", fn, trusted: false }, { kind: "code", fn, trusted: "yes" }]) {
      expect(() => parseRewardSpec({ terms: [{ kind: "task" }, term] })).toThrow(`reward.terms[1].trusted: ${CODE_TERM_TRUST}`);
    }
    // Nested in a combine, the path is the nested term's.
    expect(() => parseRewardSpec({ terms: [{ kind: "combine", op: "sum", terms: [{ kind: "task" }, { kind: "code", fn }] }] })).toThrow(/^reward\.terms\[0\]\.terms\[1\]\.trusted: code terms run in this process/);
    expect(CODE_TERM_TRUST).not.toContain("\n");
  });

  test("a trusted code term is computed for every environment", () => {
    const rv = new RewardedVector(makeVector("Empty-5x5", 3), { terms: [task(), code((t) => t.env * 10, { name: "mine", trusted: true })] });
    rv.reset(0);
    rv.step(Int32Array.of(0, 0, 0));
    expect(Array.from(rv.rewards)).toEqual([0, 10, 20]);
  });

  test("YAML and JSON specs still have no code terms", () => {
    expect(() => parseRewardSpec({ terms: [{ kind: "code", fn, trusted: true }] }, "reward", { allowCode: false })).toThrow(/^reward\.terms\[0\]\.kind: expected one of task, event, expression, potential, intrinsic, learned, sandboxed, combine, got "code"/);
  });
});
