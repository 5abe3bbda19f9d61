import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { runCli } from "../../test-utils/cli.js";

test("suite exploration trains each bonus on each task variant, prints the table and writes a report per variant", async () => {
  const dir = join(mkdtempSync(join(tmpdir(), "rewardlab-suite-")), "reports");
  const r = await runCli("suite", "exploration", "--steps", "4096", "--seeds", "1", "--tasks", "Empty-5x5", "--bonuses", "none,count×episodic", "--no-db", "--report", dir);
  expect(r.err).not.toMatch(/error/);
  expect(r.code).toBe(0);
  for (const variant of ["contextual", "singleton"]) {
    expect(r.out).toContain(`Empty-5x5 ${variant}`);
    expect(existsSync(join(dir, `Empty-5x5-${variant}.html`))).toBe(true);
  }
  // A random-ish policy finds the goal of a 5×5 room within 4096 steps: each row has a first success.
  // IQM [interval] over the one seed (a single value: the interval is that value), and the seed's own values beneath.
  expect(r.out).toMatch(/none\s+(\d\.\d\d) \[\1, \1\]\s+(\d+k) \[\2, \2\] \(1\/1\)\n\s+seed 0: success \1; first success \2/);
  expect(r.out).toMatch(/count×episodic\s+\d\.\d\d \[\d\.\d\d, \d\.\d\d\]\s+\d+k \[\d+k, \d+k\] \(1\/1\)/);
  expect(r.out).toMatch(/ vs (none|count×episodic) on success: too few seeds for a verdict \(5 each needed\): P\(/);
  expect(r.out).not.toMatch(/better than/);
  const index = readFileSync(join(dir, "index.html"), "utf8");
  expect(index).toContain('href="Empty-5x5-singleton.html"');
});

test("suite's bad options are one-line errors naming the option", async () => {
  const suite = await runCli("suite", "exploraton");
  expect(suite.err).toBe('error: suite: unknown suite "exploraton" (did you mean "exploration"?)\n');
  const bonus = await runCli("suite", "exploration", "--bonuses", "none,rdn");
  expect(bonus.err).toBe('error: --bonuses: unknown "rdn" (did you mean "rnd"?)\n');
  const task = await runCli("suite", "exploration", "--tasks", "DoorKey-5x5,KeyCoridorS3R3");
  expect(task.err).toMatch(/^error: --tasks\[1\]: unknown environment "KeyCoridorS3R3" \(did you mean "KeyCorridorS3R3"\?\)/);
  const steps = await runCli("suite", "exploration", "--steps", "lots");
  expect(steps.code).toBe(2);
  expect(steps.err).toMatch(/^error: --steps: /);
});

test("suite social prints the variants' table with the population block and verdict lines; a bad variant is one line", async () => {
  const r = await runCli("suite", "social", "--steps", "1024", "--seeds", "2", "--societies", "Society,Society-DP-TP-PS-Rep", "--no-db", "--workers", "1");
  expect(r.code, r.err).toBe(0);
  expect(r.out).toMatch(/^rewardlab suite social: 8 PPO learners .* in 2 society variants, 2 seeds, 1,024 agent-steps per run \(4 runs\)/);
  expect(r.out).toMatch(/population, per table episode of the final evaluation/);
  expect(r.out).toMatch(/\nSociety-DP-TP-PS-Rep\n {2}collective return/);
  expect(r.out).toMatch(/on the cooperation rate: too few seeds for a verdict \(5 each needed\): P\(/);
  const bad = await runCli("suite", "social", "--societies", "Society,Societ-DP");
  expect(bad.code).toBe(2);
  expect(bad.err).toBe('error: --societies: unknown "Societ-DP" (did you mean "Society-DP"?)\n');
  const wrongStudy = await runCli("suite", "social", "--study", "commons", "--societies", "Society");
  expect(wrongStudy.err).toBe("error: --societies: chooses society variants: use it with --study society\n");
  const noStudy = await runCli("suite", "social", "--study", "commos");
  expect(noStudy.err).toBe('error: --study: unknown "commos" (did you mean "commons"?)\n');
});

test("suite social --study donor evolves rules with and without punishment and prints the table, the curve and a verdict; LLM options are checked", async () => {
  const r = await runCli("suite", "social", "--study", "donor", "--seeds", "5", "--generations", "3", "--games", "2");
  expect(r.err).not.toMatch(/error/);
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/^rewardlab suite social --study donor: 12 players, rules of indirect reciprocity .* 3 generations of 2 games, with and without costly punishment, 5 seeds/);
  expect(r.out).toMatch(/\| DonorGame \| \d+\.\d\d \[\d+\.\d\d, \d+\.\d\d\] \| (\d+\.\d\d, ){4}\d+\.\d\d \|/);
  expect(r.out).toMatch(/\| DonorGame-Punish \| \d+\.\d\d \[/);
  expect(r.out).toMatch(/\| DonorGame \| \d+\.\d\d \| \d+\.\d\d \| \d+\.\d\d \|\n/); // the curve: one column per generation
  expect(r.out).toMatch(/(better than|No clear difference between) .* on mean final resources in the last generation: P\(/);
  expect(r.out).toMatch(/DonorGame, seed 0, last generation's strategies:\n {2}(image|standing|unconditional): give \d+%/);
  // The same seeds give the same study.
  const again = await runCli("suite", "social", "--study", "donor", "--seeds", "5", "--generations", "3", "--games", "2");
  expect(again.out.replace(/\n\d+ s\n?$/, "")).toBe(r.out.replace(/\n\d+ s\n?$/, ""));

  const noModel = await runCli("suite", "social", "--study", "donor", "--strategies", "llm");
  expect(noModel.err).toBe("error: --model: LLM strategies need a model name (and --base-url for a local endpoint), or --replay FILE\n");
  expect(noModel.code).toBe(2);
  const both = await runCli("suite", "social", "--study", "donor", "--strategies", "llm", "--record", "a.jsonl", "--replay", "b.jsonl");
  expect(both.err).toBe("error: --record: records a live model; --replay answers from a recording: use one of them\n");
  const stray = await runCli("suite", "social", "--study", "donor", "--model", "gpt");
  expect(stray.err).toBe("error: --model: is for LLM strategies: use it with --strategies llm\n");
  const missing = await runCli("suite", "social", "--study", "donor", "--strategies", "llm", "--replay", "/nonexistent/tape.jsonl");
  expect(missing.err).toMatch(/^error: --replay: cannot read \/nonexistent\/tape\.jsonl: /);
  expect(missing.code).toBe(2);
});
