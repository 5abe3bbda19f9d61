/**
 * `rewardlab qd CONFIG`: which environment, which search, the policy's
 * inputs, the behaviour descriptor, and the search's own settings.
 *
 * ```yaml
 * env: {id: DeceptiveMaze-11x11, kwargs: {maxSteps: 100}}
 * algorithm: map-elites            # or novelty
 * actions: 3                      # left, right, forward: navigation needs no more
 * inputs: [range.front, range.left, range.right, goal.ahead, goal.right]
 * descriptor: [agent.x, agent.y]
 * search: {generations: 100, batch: 32, sigma: 0.5}
 * ```
 */
import { z } from "zod";
import { EnvConfig } from "../envs/config.js";

export const QdConfig = z
  .object({
    env: EnvConfig,
    algorithm: z.enum(["map-elites", "novelty"]).default("map-elites"),
    inputs: z.array(z.string()).min(1).default(["agent.x", "agent.y", "agent.dir", "front.type"]).describe("features the policy sees"),
    actions: z.number().int().positive().optional().describe("evolve policies over the first n actions only (default: all)"),
    hidden: z.number().int().positive().default(16).describe("hidden units of the policy"),
    descriptor: z.array(z.string()).min(1).default(["agent.x", "agent.y"]).describe("features at the episode's end that describe a behaviour"),
    search: z.record(z.string(), z.unknown()).default({}).describe("the algorithm's settings (generations, sigma, …)"),
    seed: z.number().int().nonnegative().default(0),
    envSeed: z.number().int().nonnegative().default(0).describe("the layout every policy is evaluated on"),
  })
  .strict();
export type QdConfig = z.output<typeof QdConfig>;
