/**
 * Sandboxed terms: the same values as a TypeScript `code` term with the
 * same function, and every way a function can go wrong (loop forever,
 * allocate without end, reach for Node, return nonsense, not compile) ends
 * in a one-line error at the term, while the training process goes on.
 */
import { describe, expect, test } from "vitest";
import { Rng } from "../../core/rng.js";
import { makeVector } from "../../envs/registry.js";
import { RunConfig } from "../../runs/config.js";
import { runTraining } from "../../runs/train.js";
import { RewardedVector } from "../rewarded.js";
import { parseRewardSpec } from "../spec.js";
import type { Transition } from "../batch.js";

const SOURCE = '(t) => (t.event("pickup:key") ? 1 : 0) + 0.1 * (t.prev("goal.distance") - t.next("goal.distance")) + (t.terminated ? t.taskReward : 0) + 0.01 * t.action';
// The same function, as TypeScript.
const fn = (t: Transition) => (t.event("pickup:key") ? 1 : 0) + 0.1 * (t.prev("goal.distance") - t.next("goal.distance")) + (t.terminated ? t.taskReward : 0) + 0.01 * t.action;

function rewards(term: object, steps: number, seed: number): number[][] {
  const rv = new RewardedVector(makeVector("DoorKey-5x5", 4), { terms: [{ kind: "task" }, { name: "x", ...term }] });
  const rng = new Rng(seed);
  rv.reset(seed);
  const out: number[][] = [];
  for (let k = 0; k < steps; k++) {
    rv.step(Int32Array.from({ length: 4 }, () => rng.int(7)));
    out.push(Array.from(rv.reward.terms[1]));
  }
  return out;
}

describe("sandboxed terms", () => {
  test("pay what the same function pays as a TypeScript code term, step for step, over episode ends", () => {
    const sandboxed = rewards({ kind: "sandboxed", code: SOURCE }, 600, 3);
    const trusted = rewards({ kind: "code", fn, trusted: true }, 600, 3);
    expect(sandboxed).toEqual(trusted);
    // It did pay something other than 0.
    expect(sandboxed.flat().some((v) => v !== 0)).toBe(true);
  });

  test("a YAML spec may hold one (it is not TypeScript-only)", () => {
    expect(() => parseRewardSpec({ terms: [{ kind: "task" }, { kind: "sandboxed", code: "(t) => 0" }] }, "reward", { allowCode: false })).not.toThrow();
  });

  test.each([
    ["a loop that never ends", "(t) => { for (;;) {} }", /^reward\.terms\[1\]\.code: the sandboxed function failed: stopped: it ran past its time limit of 50 ms$/],
    ["an allocation without end", "(t) => { const a = []; for (;;) a.push(new Array(100000).fill(t.action)); }", /^reward\.terms\[1\]\.code: the sandboxed function failed: (stopped: it ran past its (memory limit of 16 MB|time limit of 50 ms)|the sandbox process ended .*)$/],
    ["Node's process", "(t) => process.exit(1)", /^reward\.terms\[1\]\.code: the sandboxed function failed: ReferenceError: process is not defined \(term\.js:1:\d+\)$/],
    ["require", '(t) => require("fs").readFileSync("/etc/passwd").length', /^reward\.terms\[1\]\.code: the sandboxed function failed: ReferenceError: require is not defined \(term\.js:1:\d+\)$/],
    ["a string for a number", '(t) => "1"', /^reward\.terms\[1\]\.code: the sandboxed function failed: TypeError: the function returned string, expected a number/],
    ["an unknown feature", '(t) => t.next("agent.speed")', /^reward\.terms\[1\]\.code: the sandboxed function failed: Error: unknown feature "agent\.speed"/],
    ["code that does not compile", "(t) => {", /^reward\.terms\[1\]\.code: the sandboxed function failed: SyntaxError: /],
    ["no function at all", "42", /^reward\.terms\[1\]\.code: the sandboxed function failed: TypeError: the code is a number, expected a function of one transition/],
  ])("%s: a one-line error at the term, and this process goes on", (_, code, expected) => {
    const t0 = performance.now();
    let message = "";
    try {
      rewards({ kind: "sandboxed", code, timeoutMs: 50, memoryMb: 16 }, 3, 0);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(expected);
    expect(message).not.toContain("\n");
    expect(performance.now() - t0).toBeLessThan(10_000);
  });

  test("a run whose sandboxed term fails stops with the reason: it is not paid 0", () => {
    const config = RunConfig.parse({ env: { id: "DoorKey-5x5" }, numEnvs: 2, learner: { algo: "ppo", numSteps: 16 }, steps: 256, reward: { terms: [{ kind: "task" }, { kind: "sandboxed", code: '(t) => { if (t.event("bump")) throw new Error("no bumping"); return 0; }' }] } });
    expect(() => runTraining(config, 0)).toThrow(/^reward\.terms\[1\]\.code: the sandboxed function failed: Error: no bumping \(term\.js:1:\d+\)$/);
  });
});

test("a sandbox closed (to keep few processes open) starts again when its term is next used, with the same values", async () => {
  const { MAX_OPEN_SANDBOXES } = await import("./sandbox.js");
  const before = rewards({ kind: "sandboxed", code: SOURCE }, 50, 5);
  const rv = new RewardedVector(makeVector("DoorKey-5x5", 4), { terms: [{ kind: "task" }, { name: "x", kind: "sandboxed", code: SOURCE }] });
  // Open more sandboxes than are kept: the first one is closed.
  for (let k = 0; k <= MAX_OPEN_SANDBOXES; k++) rewards({ kind: "sandboxed", code: `(t) => ${k}` }, 1, 0);
  const rng = new Rng(5);
  rv.reset(5);
  const after: number[][] = [];
  for (let k = 0; k < 50; k++) {
    rv.step(Int32Array.from({ length: 4 }, () => rng.int(7)));
    after.push(Array.from(rv.reward.terms[1]));
  }
  expect(after).toEqual(before);
});
