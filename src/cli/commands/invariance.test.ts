import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { packageFile } from "../../core/paths.js";
import { runCli } from "../../test-utils/cli.js";

test("reward invariance: the potential example is invariant, the naive one misleads states and shows where", async () => {
  const potential = await runCli("reward", "invariance", packageFile("examples/rewards/doorkey-potential.yaml"), "--env", "DoorKey-5x5", "--seed", "1");
  expect(potential.code).toBe(0);
  expect(potential.out).toContain("invariant: every state keeps its optimal actions (260 states)");
  const naive = await runCli("reward", "invariance", packageFile("examples/rewards/doorkey-naive.yaml"), "--env", "DoorKey-5x5", "--seed", "1", "--json");
  const r = JSON.parse(naive.out) as { misled: number[]; primaryOptimum: number; primaryUnderLearned: number; cells: Record<string, number> };
  expect(r.misled.length).toBeGreaterThan(50);
  expect(r.primaryUnderLearned).toBeLessThan(r.primaryOptimum / 2);
  expect(Object.values(r.cells).reduce((s, v) => s + v, 0)).toBe(r.misled.length);
  const bad = await runCli("reward", "invariance", packageFile("examples/rewards/doorkey-naive.yaml"), "--env", "DoorKey-5x5", "--gamma", "1");
  expect(bad.err).toBe('error: --gamma: expected a number in [0, 1), got "1"\n');
});

test("reward invariance, sampled: CartPole has no tabular model, so trained policies are compared; a step penalty is caught", async () => {
  const dir = mkdtempSync(join(tmpdir(), "rewardlab-invariance-"));
  const hurry = join(dir, "cartpole-hurry.yaml");
  writeFileSync(hurry, "terms:\n  - {name: alive, kind: task}\n  - {name: hurry, kind: expression, expr: '-2'}\n");
  const r = await runCli("reward", "invariance", hurry, "--env", "CartPole-v1", "--steps", "20000", "--episodes", "8");
  expect(r.code).toBe(0);
  expect(r.out).toContain("on CartPole-v1: sampled comparison, CartPole-v1 has no tabular model");
  expect(r.out).toContain("ppo (γ = 0.99), 20000 steps per run; seeds 0–1 on all terms, 2–3 on the primary terms alone; 8 sampled episodes per policy");
  expect(r.out).toMatch(/across the two rewards +\d+\.\d%/);
  expect(r.out).toMatch(/primary return per policy, mean \[95% bootstrap interval\] over its episodes: all terms \d+\.\d \[\d+\.\d, \d+\.\d\], \d+\.\d \[/);
  expect(r.out).not.toContain("±");
  expect(r.out).toMatch(/changed the learned behaviour: policies of the two rewards agree on \d+\.\d% of states, against \d+\.\d% between seeds of one reward; and the primary returns separate/);
  const bad = await runCli("reward", "invariance", hurry, "--env", "CartPole-v1", "--seeds", "1");
  expect(bad.err).toBe('error: --seeds: expected an integer ≥ 2, got "1"\n');
});

test("reward invariance --sampled: forced on a gridworld that has a tabular model, as JSON", async () => {
  const r = await runCli("reward", "invariance", packageFile("examples/rewards/doorkey-potential.yaml"), "--env", "DoorKey-5x5", "--sampled", "--steps", "2048", "--episodes", "2", "--seed", "3", "--json");
  expect(r.code).toBe(0);
  const report = JSON.parse(r.out) as { mode: string; sampledBecause: string; env: string; policies: { design: string; seed: number; states: number }[]; states: number; changed: boolean };
  expect(report.mode).toBe("sampled");
  expect(report.sampledBecause).toBe("as asked (--sampled)");
  expect(report.env).toBe("DoorKey-5x5");
  expect(report.policies.map((p) => `${p.design} ${p.seed}`)).toEqual(["full 3", "full 4", "primary 5", "primary 6"]);
  // The pool is every policy's visited states.
  expect(report.states).toBe(report.policies.reduce((n, p) => n + p.states, 0));
  // Potential shaping; and after 2k steps the policies are near uniform, where agreeing on a most likely action is chance.
  expect(report.changed).toBe(false);
});

test("reward invariance --sampled refuses a single rollout episode: its interval would have no width", async () => {
  const r = await runCli("reward", "invariance", packageFile("examples/rewards/doorkey-potential.yaml"), "--env", "DoorKey-5x5", "--sampled", "--episodes", "1");
  expect(r.code).toBe(2);
  expect(r.err).toMatch(/^error: --episodes: expected an integer ≥ 2/);
});

test("reward invariance, sampled, --seeds as a list: the first half trains on all terms, the second on the primary terms alone", async () => {
  const dir = mkdtempSync(join(tmpdir(), "rewardlab-invariance-seeds-"));
  const hurry = join(dir, "cartpole-hurry.yaml");
  writeFileSync(hurry, "terms:\n  - {name: alive, kind: task}\n  - {name: hurry, kind: expression, expr: '-2'}\n");
  const r = await runCli("reward", "invariance", hurry, "--env", "CartPole-v1", "--steps", "2048", "--episodes", "2", "--seeds", "4,5,9,11", "--json");
  expect(r.code).toBe(0);
  const report = JSON.parse(r.out) as { policies: { design: string; seed: number }[] };
  expect(report.policies.map((p) => [p.design, p.seed])).toEqual([["full", 4], ["full", 5], ["primary", 9], ["primary", 11]]);
  const text = await runCli("reward", "invariance", hurry, "--env", "CartPole-v1", "--steps", "2048", "--episodes", "2", "--seeds", "10-13");
  expect(text.out).toContain("seeds 10–11 on all terms, 12–13 on the primary terms alone");
  const odd = await runCli("reward", "invariance", hurry, "--env", "CartPole-v1", "--seeds", "1,2,3");
  expect(odd.code).toBe(2);
  expect(odd.err).toBe("error: --seeds: expected a count per reward (2) or an even number of at least 4 seeds, the first half for all terms and the second for the primary terms alone, got 3 (1–3)\n");
  const twice = await runCli("reward", "invariance", hurry, "--env", "CartPole-v1", "--seeds", "1,2,2,3");
  expect(twice.err).toMatch(/^error: --seeds: expected .*, got "1,2,2,3": seed 2 is named twice\n$/);
}, 60_000);
