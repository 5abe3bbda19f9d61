import { expect, test } from "vitest";
import { runCli } from "../../test-utils/cli.js";

const BASE = ["reward", "teacher", "--env", "DoorKey-5x5", "--episodes", "300", "--features", "2"];

async function json(...args: string[]): Promise<{ seeds: number[]; designs: { episodes: (number | null)[] }[] }> {
  const r = await runCli(...BASE, ...args, "--json");
  expect(r.err).toBe("");
  return JSON.parse(r.out);
}

test("reward teacher trains its Q-learning runs on the seeds named by --seeds; --runs n is the count form, from 1000 × the layout seed", async () => {
  const chosen = await runCli(...BASE, "--seeds", "3,4");
  expect(chosen.code).toBe(0);
  expect(chosen.out).toContain("2 runs per design on seeds 3–4:");
  expect(chosen.out).toMatch(/\(\d\/2 runs within the budget\)/);
  const [mine, first, byCount] = [await json("--seeds", "3,4"), await json("--seeds", "0,1"), await json("--runs", "2")];
  expect(mine.seeds).toEqual([3, 4]);
  expect(first.seeds).toEqual([0, 1]);
  // Other seeds, other runs: the interpretable design's episodes differ.
  expect(mine.designs[2].episodes).not.toEqual(first.designs[2].episodes);
  expect(byCount).toEqual(first);
  // A count and --runs start at 1000 × the layout seed, as the runs always have.
  expect((await json("--seed", "1", "--runs", "2")).seeds).toEqual([1000, 1001]);
  expect((await json("--seed", "1", "--seeds", "2")).seeds).toEqual([1000, 1001]);
  expect((await json("--seed", "1", "--runs", "2", "--seeds", "1000-1001")).seeds).toEqual([1000, 1001]);
  expect((await json()).seeds).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
}, 60_000);

test("reward teacher's bad --seeds and --runs are one-line errors naming the option", async () => {
  const bad = await runCli(...BASE, "--seeds", "3,3");
  expect(bad.code).toBe(2);
  expect(bad.err).toMatch(/^error: --seeds: expected a count .*seed 3 is named twice\n$/);
  const runs = await runCli(...BASE, "--runs", "0");
  expect(runs.err).toBe('error: --runs: expected an integer from 1 to 10,000, got "0"\n');
  const both = await runCli(...BASE, "--runs", "3", "--seeds", "7,8,9");
  expect(both.code).toBe(2);
  expect(both.err).toBe("error: --runs: --runs 3 means seeds 0–2 but --seeds 7,8,9 names 7–9; give one of them\n");
});
