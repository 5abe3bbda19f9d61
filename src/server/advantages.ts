/**
 * `POST /v1/advantages`: group advantages (GRPO, Dr. GRPO, RLOO, REINFORCE)
 * for groups of responses to the same prompt. Send trajectories (they are
 * scored by the spec) or rewards already computed:
 *
 *   {"groups": [[trajectory, ...], ...], "options": {"estimator": "rloo"}}
 *   {"rewards": [[1, 0, 0.5], [0, 0]], "options": {"preset": "trl"}}
 *
 * The reply keeps the grouping: `{"rewards": [[...]], "advantages": [[...]]}`.
 * Options default to the spec's `advantages:` section.
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { aggregateObjectives } from "../agentic/advantages/aggregate.js";
import { groupAdvantages } from "../agentic/advantages/group.js";
import type { BatchScores, RewardPipeline } from "../agentic/pipeline.js";
import { AdvantagesOverride } from "../agentic/spec.js";
import { completeTrajectory, type Trajectory } from "../agentic/trajectory.js";
import { parseConfig } from "../core/config.js";
import { UserError } from "../core/errors.js";
import { jsonSchema } from "./app.js";

const Options = AdvantagesOverride;

export function advantagesRoute(app: FastifyInstance, pipeline: RewardPipeline, trajectorySchema: Record<string, unknown>, score: (batch: Trajectory[]) => Promise<BatchScores>): void {
  const options = jsonSchema(Options);
  const body = {
    type: "object",
    properties: {
      groups: { type: "array", items: { type: "array", items: trajectorySchema, minItems: 1 }, minItems: 1 },
      rewards: { type: "array", items: { type: "array", items: { type: ["number", "null"] }, minItems: 1 }, minItems: 1 },
      options,
    },
    oneOf: [{ required: ["groups"] }, { required: ["rewards"] }],
    additionalProperties: false,
  };
  app.post("/v1/advantages", { schema: { body } }, async (request) => {
    const b = request.body as { groups?: unknown[][]; rewards?: (number | null)[][]; options?: unknown };
    const o = { ...pipeline.spec.advantages, ...(b.options ? parseConfig(Options, b.options, "body.options") : {}) };
    const { aggregation, ...conventions } = o;
    if (b.rewards) {
      const sizes = b.rewards.map((g) => g.length);
      const flat = b.rewards.flat();
      try {
        return { rewards: b.rewards, advantages: regroup(groupAdvantages(flat, { sizes }, conventions), sizes) };
      } catch (e) {
        throw e instanceof UserError ? inBody(e, sizes) : e;
      }
    }
    const groups = b.groups!;
    const sizes = groups.map((g) => g.length);
    // Validated against the JSON Schema with its defaults applied, as /v1/score.
    const batch = groups.flatMap((g) => g.map((t) => completeTrajectory(t as Trajectory)));
    const scores = await score(batch);
    // normalize_then_sum: an aspect that did not apply (null) is left out of that aspect's statistics,
    // and a response none applies to sums to 0, as the reward does (missing: "zero").
    const advantages =
      aggregation === "normalize_then_sum"
        ? aggregateObjectives(
            scores.aspects.map((a) => a.values),
            scores.aspects.map((a) => a.weight),
            { sizes },
            "normalize_then_sum",
            { ...conventions, missing: "zero" },
          )
        : groupAdvantages(scores.rewards, { sizes }, conventions);
    return { rewards: regroup(scores.rewards, sizes), advantages: regroup(advantages, sizes) };
  });
}

/** An error about the flat `rewards[k]` as one about `body.rewards[g][j]`. */
function inBody(e: UserError, sizes: readonly number[]): UserError {
  const m = /^rewards\[(\d+)\]$/.exec(e.path);
  if (!m) return e.under("body");
  let k = Number(m[1]);
  let g = 0;
  while (g < sizes.length - 1 && k >= sizes[g]!) k -= sizes[g++]!;
  return new UserError(`body.rewards[${g}][${k}]`, e.problem);
}

function regroup(values: ArrayLike<number>, sizes: readonly number[]): number[][] {
  const out: number[][] = [];
  let k = 0;
  for (const size of sizes) {
    const g: number[] = [];
    for (let j = 0; j < size; j++) g.push(values[k++]!);
    out.push(g);
  }
  return out;
}

export type AdvantageOptionsInput = z.input<typeof Options>;
