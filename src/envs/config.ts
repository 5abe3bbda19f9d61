/**
 * Which environment a config means: a registered id, keyword arguments
 * over the variant's, and optionally a fixed set of layouts. Run, QD and
 * preference-learning configs all embed it.
 */
import { z } from "zod";

export const EnvConfig = z
  .object({
    id: z.string().describe("environment id, see `rewardlab envs list`"),
    kwargs: z.record(z.string(), z.unknown()).default({}).describe("keyword arguments over the registered variant's"),
    layouts: z.number().int().positive().optional().describe("draw episodes from this many fixed layouts, chosen by the run's seed (1: the same layout every episode); default: a new layout every episode"),
  })
  .strict();
export type EnvConfig = z.output<typeof EnvConfig>;
