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
 *
 * Scored groups: a reward that failed or that no aspect applied to is
 * masked, whatever the preset: left out of its group's statistics, its
 * advantage 0, its reward null, `valid` false and `status` saying which
 * (an invalid mask, as NeMo-RL asks for; TRL's None). It is never counted
 * as a reward of 0.
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { aggregateObjectives } from "../agentic/advantages/aggregate.js";
import { groupAdvantages } from "../agentic/advantages/group.js";
import { FAILED, SCORED, STATUS_NAMES, type BatchScores, type RewardPipeline } from "../agentic/pipeline.js";
import { AdvantagesOverride } from "../agentic/spec.js";
import { completeTrajectory, type Trajectory } from "../agentic/trajectory.js";
import { parseConfig } from "../core/config.js";
import { UserError } from "../core/errors.js";
import { clientGone, jsonSchema, requireResponses } from "./requests.js";

const Options = AdvantagesOverride;

export function advantagesRoute(app: FastifyInstance, pipeline: RewardPipeline, trajectorySchema: Record<string, unknown>, score: (batch: Trajectory[], signal?: AbortSignal) => Promise<BatchScores>): void {
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
  const groupsOf = (b: unknown): [string, unknown][] => {
    const groups = typeof b === "object" && b !== null ? (b as { groups?: unknown }).groups : undefined;
    if (!Array.isArray(groups)) return [];
    return groups.flatMap((g, i) => (Array.isArray(g) ? g.map((t, j): [string, unknown] => [`body.groups[${i}][${j}]`, t]) : []));
  };
  app.post("/v1/advantages", { schema: { body }, ...requireResponses(groupsOf) }, async (request, reply) => {
    const b = request.body as { groups?: unknown[][]; rewards?: (number | null)[][]; options?: unknown };
    const o = { ...pipeline.spec.advantages, ...(b.options ? parseConfig(Options, b.options, "body.options") : {}) };
    const { aggregation, ...conventions } = o;
    if (b.rewards) {
      const sizes = b.rewards.map((g) => g.length);
      const flat = b.rewards.flat();
      try {
        const valid = new Uint8Array(flat.length);
        const advantages = groupAdvantages(flat, { sizes }, { ...conventions, valid });
        return { rewards: b.rewards, advantages: regroup(advantages, sizes), valid: regroup(Array.from(valid, (v) => v === 1), sizes) };
      } catch (e) {
        throw e instanceof UserError ? inBody(e, sizes) : e;
      }
    }
    const groups = b.groups!;
    const sizes = groups.map((g) => g.length);
    // Validated against the JSON Schema with its defaults applied, as /v1/score.
    const batch = groups.flatMap((g) => g.map((t) => completeTrajectory(t as Trajectory)));
    const scores = await score(batch, clientGone(reply));
    const masked = { ...conventions, missing: "skip" as const };
    const advantages =
      aggregation === "normalize_then_sum"
        ? aggregateObjectives(
            // An aspect that did not apply is left out of that aspect's statistics (TRL's nanmean);
            // a failed reward is left out of every aspect's.
            scores.aspects.map((a) => (scores.status.includes(FAILED) ? a.values.map((v, i) => (scores.status[i] === FAILED ? NaN : v)) : a.values)),
            scores.aspects.map((a) => a.weight),
            { sizes },
            "normalize_then_sum",
            masked,
          )
        : groupAdvantages(scores.rewards, { sizes }, masked);
    const valid = Array.from(scores.status, (c) => c === SCORED);
    return {
      rewards: regroup(Array.from(scores.rewards, (r) => (r === r ? r : null)), sizes),
      advantages: regroup(advantages, sizes),
      valid: regroup(valid, sizes),
      status: regroup(Array.from(scores.status, (c) => STATUS_NAMES[c]!), sizes),
    };
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

function regroup<T>(values: ArrayLike<T>, sizes: readonly number[]): T[][] {
  const out: T[][] = [];
  let k = 0;
  for (const size of sizes) {
    const g: T[] = [];
    for (let j = 0; j < size; j++) g.push(values[k++]!);
    out.push(g);
  }
  return out;
}

export type AdvantageOptionsInput = z.input<typeof Options>;
