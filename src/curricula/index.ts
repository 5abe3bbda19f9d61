/**
 * The curricula a config can name: one line each. `curriculum: {kind: plr}`
 * in a universe environment's kwargs picks the task of every trial.
 */
import { z } from "zod";
import type { Curriculum, TaskRange } from "./curriculum.js";
import { TaskFilter } from "./filter.js";
import { Plr } from "./plr.js";
import { Uniform } from "./uniform.js";

export const CurriculumConfig = z
  .discriminatedUnion("kind", [
    z.object({ kind: z.literal("uniform") }).strict(),
    z
      .object({
        kind: z.literal("plr"),
        beta: z.number().positive().default(0.1).describe("β: temperature of rank prioritization"),
        staleness: z.number().min(0).max(1).default(0.1).describe("ρ: weight of staleness"),
        replayProb: z.union([z.number().min(0).max(1), z.literal("proportionate")]).default("proportionate").describe("probability of replaying a seen task, or proportionate (|seen| / |tasks|)"),
        score: z.enum(["value-loss", "success"]).default("value-loss").describe("a trial's score: the learner's positive value loss, mean max(GAE advantage, 0) over its steps (the paper's; ppo and rppo), or 1 − its success rate (any learner)"),
      })
      .strict(),
    z
      .object({
        kind: z.literal("filter"),
        low: z.number().min(0).max(1).default(0.1).describe("keep tasks the agent succeeds on at least this often"),
        high: z.number().min(0).max(1).default(0.9).describe("and at most this often"),
        tries: z.number().int().min(1).max(1000).default(10).describe("candidates drawn before keeping the last"),
        rate: z.number().positive().max(1).default(0.3).describe("weight of the newest trial in the success estimate"),
      })
      .strict(),
  ])
  .describe("how each trial's task is chosen: uniform, plr (Prioritized Level Replay) or filter (XLand's: neither too easy nor too hard)");
export type CurriculumConfig = z.output<typeof CurriculumConfig>;

export function makeCurriculum(config: CurriculumConfig, range: TaskRange): Curriculum {
  switch (config.kind) {
    case "uniform":
      return new Uniform(range);
    case "plr":
      return new Plr(range, config);
    case "filter":
      return new TaskFilter(range, config);
  }
}

export type { Curriculum, TaskRange, TrialOutcome } from "./curriculum.js";
