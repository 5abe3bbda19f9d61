/**
 * The `toolrl` kind's options: rewardlab's reading of the paper
 * (`mode: improved`, the default) or the authors' code as published
 * (`mode: published`) with the reward variants their README lists, each
 * a typed setting instead of an environment variable.
 *
 * ```yaml
 * - {kind: toolrl}                                   # improved
 * - {kind: toolrl, mode: published}                  # their default reward
 * - {kind: toolrl, mode: published, published: {scale: dynamic, length: dynamic}}
 * ```
 */
import { z } from "zod";

const Published = z
  .object({
    template: z
      .enum(["qwen", "llama"])
      .default("qwen")
      .describe("the chat template their compute_score cuts the response out with (their EXPERIMENT_NAME names qwen or llama)"),
    granularity: z
      .enum(["default", "refined", "intermediate", "coarse"])
      .default("default")
      .describe("Section 5.3: refined (REFINEDREWARD=1) needs identical name and key lists; intermediate (INTERMEDIATEREWARD=1) scores whole calls; coarse (COARSEREWARD=1) all or nothing"),
    scale: z
      .enum(["default", "equal", "two-stage", "dynamic"])
      .default("default")
      .describe("Section 5.2: equal (CORRECTMAX1=1) R_correct in [-1, 1]; two-stage (MAX1STEP30MAX3=1) switches at step 30; dynamic (SCHEDULEREWARD=1) moves over 150 steps"),
    length: z
      .enum(["off", "fixed", "dynamic"])
      .default("off")
      .describe("Section 5.1: fixed (WITHLENGTH=1) adds words in <think> / 512; dynamic (also SCHEDULELENGTH=1) / (256·step/105 + 384)"),
    step: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe("the training step two-stage and dynamic settings read (verl's global_steps); absent: each trajectory's metadata.step"),
  })
  .strict();
export type PublishedOptions = z.output<typeof Published>;

const DEFAULT_SCALE = { min: -3, max: 3 };

export const ToolRLOptions = z
  .object({
    mode: z
      .enum(["improved", "published"])
      .default("improved")
      .describe("improved: rewardlab's reading of the paper; published: the authors' compute_score exactly, quirks included (docs/agentic.md lists the differences)"),
    format: z
      .enum(["auto", "tool_call", "response", "either"])
      .default("auto")
      .describe("what follows <think>: as the reference holds (auto, ToolRL's), a <tool_call> block, a <response> block, or either one"),
    calls: z.enum(["text", "turns"]).default("text").describe("predicted calls from the answer's <tool_call> block or from the trajectory's structured tool calls"),
    scale: z
      .object({
        min: z.number().default(-3).describe("R_min, the correctness of entirely wrong or unparsable calls"),
        max: z.number().default(3).describe("R_max, the correctness of exactly the gold calls"),
      })
      .strict()
      .refine((s) => s.min < s.max, { message: "expected min < max", path: ["max"] })
      .prefault({})
      .describe("the range of R_correct (improved)"),
    published: Published.optional().describe("mode: published only: which of the authors' reward variants (each an environment variable of theirs)"),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (o.mode === "improved") {
      if (o.published !== undefined) ctx.addIssue({ code: "custom", path: ["published"], message: "these settings apply to mode: published" });
      return;
    }
    const fixed = "mode: published reads these as the authors' code does; leave it out or use mode: improved";
    if (o.format !== "auto") ctx.addIssue({ code: "custom", path: ["format"], message: `expected auto: ${fixed}` });
    if (o.calls !== "text") ctx.addIssue({ code: "custom", path: ["calls"], message: `expected text: ${fixed}` });
    if (o.scale.min !== DEFAULT_SCALE.min || o.scale.max !== DEFAULT_SCALE.max) {
      ctx.addIssue({ code: "custom", path: ["scale"], message: `expected the default [-3, 3]: ${fixed} (published.scale picks their variants)` });
    }
  });
export type ToolRLOptions = z.output<typeof ToolRLOptions>;

/** The published settings with their defaults. */
export function publishedSettings(o: ToolRLOptions): PublishedOptions {
  return o.published ?? Published.parse({});
}
