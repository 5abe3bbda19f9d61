import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { runCli } from "../../test-utils/cli.js";

function config(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), "rewardlab-qd-")), "qd.yaml");
  writeFileSync(file, text);
  return file;
}

test("qd runs a search and prints coverage, the best return and a behaviour map", async () => {
  const r = await runCli("qd", config("env: {id: DeceptiveMaze-11x11, kwargs: {maxSteps: 40}}\nalgorithm: novelty\nsearch: {generations: 5, population: 10, parents: 3}\n"));
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/behaviours covered: \d+/);
  expect(r.out).toContain("best return:");
  expect(r.out).toContain("behaviour map");
  expect(r.out).toMatch(/#/);
});

test("qd --seed and --env-seed override the config's: printed, and another seed searches differently", async () => {
  const file = config("env: {id: DeceptiveMaze-11x11, kwargs: {maxSteps: 40}}\nalgorithm: novelty\nsearch: {generations: 4, population: 10, parents: 3}\nseed: 5\n");
  const byConfig = await runCli("qd", file);
  expect(byConfig.out).toContain("4 generations (seed 5, layout seed 0)");
  const chosen = await runCli("qd", file, "--seed", "3", "--env-seed", "7");
  expect(chosen.code).toBe(0);
  expect(chosen.out).toContain("4 generations (seed 3, layout seed 7)");
  const other = await runCli("qd", file, "--seed", "3");
  const again = await runCli("qd", file, "--seed", "5");
  const map = (out: string) => out.slice(out.indexOf("behaviours covered"));
  expect(map(again.out)).toBe(map(byConfig.out));
  expect(map(other.out)).not.toBe(map(byConfig.out));
  expect((await runCli("qd", file, "--seed", "x")).err).toBe('error: --seed: expected an integer ≥ 0, got "x"\n');
  const bad = await runCli("qd", file, "--env-seed", "1.5");
  expect(bad.code).toBe(2);
  expect(bad.err).toBe('error: --env-seed: expected an integer ≥ 0, got "1.5"\n');
});

test("qd's bad configs are one-line errors with the path", async () => {
  const bad = await runCli("qd", config("env: {id: DeceptiveMaze-11x11}\ndescriptor: [agent.z]\n"));
  expect(bad.code).toBe(2);
  expect(bad.err).toMatch(/^error: descriptor\[0\]: unknown feature "agent\.z"/);
  const search = await runCli("qd", config("env: {id: DeceptiveMaze-11x11}\nsearch: {generations: many}\n"));
  expect(search.err).toBe('error: search.generations: expected an integer > 0, got "many"\n');
  const actions = await runCli("qd", config("env: {id: DeceptiveMaze-11x11}\nactions: 9\n"));
  expect(actions.err).toBe("error: actions: expected at most 7, the actions of DeceptiveMaze-11x11; got 9\n");
  const continuous = await runCli("qd", config("env: {id: Pendulum-v1}\n"));
  expect(continuous.err).toMatch(/^error: env\.id: quality-diversity search here evolves discrete-action policies/);
});
