import { expect, test } from "vitest";
import { compareDesigns } from "../compare.js";
import { SOCIETY_VARIANTS, socialSuite, socialVerdicts } from "./social.js";

test("the social suite: one comparison per society variant, mechanisms added one by one, 8 players, evaluation in whole tables", () => {
  const entries = socialSuite({ steps: 1000, seeds: 5 });
  expect(entries.map((e) => e.config.env.id)).toEqual([...SOCIETY_VARIANTS]);
  for (const e of entries) {
    expect(e.config.env.kwargs).toEqual({ players: 8, rounds: 30 });
    expect(e.config.seeds).toEqual([0, 1, 2, 3, 4]);
    expect(e.config.evaluation.episodes % 8).toBe(0);
  }
  expect(socialSuite({ steps: 1000, seeds: [7, 8], variants: ["Society-DP"] }).map((e) => [e.variant, e.config.seeds])).toEqual([["Society-DP", [7, 8]]]);
});

test("each variant's runs are measured as a population and compared on cooperation and collective return with verdict wording", async () => {
  const entries = socialSuite({ steps: 2048, seeds: 5, variants: ["Society", "Society-DP"] });
  const summaries = [];
  for (const e of entries) summaries.push(...(await compareDesigns(e.config, e.designs)));
  for (const s of summaries) {
    expect(s.runs).toHaveLength(5);
    expect(s.social!.cooperation!.point).toBeGreaterThanOrEqual(0);
    expect(s.social!.cooperation!.point).toBeLessThanOrEqual(1);
  }
  const lines = socialVerdicts(summaries);
  expect(lines).toHaveLength(2);
  expect(lines[0]).toMatch(/ on the cooperation rate: P\((Society|Society-DP) > (Society|Society-DP)\) = \d\.\d\d \[/);
  expect(lines[1]).toMatch(/ on collective return: P\((Society|Society-DP) > (Society|Society-DP)\) = \d\.\d\d \[/);
}, 60_000);

test("the commons study: the same harvest with the zap beam on and off, evaluated in whole tables of four", () => {
  const entries = socialSuite({ steps: 1000, seeds: 5, study: "commons" });
  expect(entries.map((e) => [e.variant, e.config.env.id, e.config.env.kwargs])).toEqual([
    ["zap", "CommonsHarvest", { players: 4, zap: true }],
    ["no zap", "CommonsHarvest", { players: 4, zap: false }],
  ]);
  for (const e of entries) expect(e.config.evaluation.episodes % 4).toBe(0);
});

test("the studies run with independent learners on request", () => {
  for (const study of ["society", "commons"] as const) {
    expect(socialSuite({ steps: 1000, seeds: 2, study, learner: "ippo" }).every((e) => e.config.learner.algo === "ippo")).toBe(true);
    expect(socialSuite({ steps: 1000, seeds: 2, study }).every((e) => e.config.learner.algo === "ppo")).toBe(true);
  }
});
