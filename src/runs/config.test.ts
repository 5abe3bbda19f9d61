import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { UserError } from "../core/errors.js";
import { loadRunConfig } from "./config.js";

function errorOf(yaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), "rewardlab-run-config-"));
  writeFileSync(join(dir, "reward.yaml"), "terms: [{kind: task}]\n");
  const file = join(dir, "run.yaml");
  writeFileSync(file, yaml);
  try {
    loadRunConfig(file);
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    expect((e as Error).message).not.toContain("\n");
    return (e as Error).message;
  }
  throw new Error("expected a UserError");
}

test("bad run configs give one line with the path", () => {
  expect(errorOf("env: {id: DoorKey-8x8}\nlearner: {algo: ppo, learningRate: fast}\n")).toBe('learner.learningRate: expected a number > 0, got "fast"');
  expect(errorOf("env: {id: DoorKey-8x8}\nlearner: {algo: ppo, lerningRate: 0.1}\n")).toBe('learner: unknown key "lerningRate" (did you mean "learningRate"?)');
  expect(errorOf("env: {id: DoorKey-8x8}\nsteps: -5\n")).toBe("steps: expected an integer > 0, got -5");
  expect(errorOf("env: {id: DoorKey-8x8}\nreward: missing.yaml\n")).toMatch(/missing\.yaml: no such file$/);
  expect(errorOf("envv: {id: DoorKey-8x8}\n")).toBe(`envv: unknown key "envv" (did you mean "env"?) (and 1 more problem)`);
});

test("an unknown top-level key is named as the path", () => {
  expect(errorOf("env: {id: DoorKey-8x8}\nfoo: 1\n")).toMatch(/^foo: unknown key "foo" \(expected one of: name, env, numEnvs, reward, learner, steps, seeds, /);
});

test("an unknown learner names the valid algorithms and the string given, not the object", () => {
  const algos = '"ppo", "rppo", "ippo", "mappo", "self-play", "q-learning", "sarsa", "reinforce"';
  expect(errorOf("env: {id: DoorKey-8x8}\nlearner: {algo: ppo2}\n")).toBe(`learner.algo: expected one of ${algos}, got "ppo2" (did you mean "ppo"?)`);
  expect(errorOf("env: {id: DoorKey-8x8}\nlearner: {algo: 3, numSteps: 8}\n")).toBe(`learner.algo: expected one of ${algos}, got 3`);
  expect(errorOf("env: {id: DoorKey-8x8}\nlearner: {numSteps: 8}\n")).toBe(`learner.algo: missing; expected one of ${algos}`);
});

test("a reward given as a path is read relative to the config file", () => {
  const dir = mkdtempSync(join(tmpdir(), "rewardlab-run-config-"));
  writeFileSync(join(dir, "r.yaml"), "terms: [{kind: task}, {kind: expression, expr: '-0.01', name: step}]\n");
  writeFileSync(join(dir, "run.yaml"), "env: {id: DoorKey-8x8}\nreward: r.yaml\n");
  const config = loadRunConfig(join(dir, "run.yaml"));
  expect((config.reward as { terms: unknown[] }).terms).toHaveLength(2);
});
