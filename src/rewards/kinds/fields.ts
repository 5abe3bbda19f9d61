/**
 * The pieces every term kind's schema is made of: the fields common to all
 * terms, the value transforms, and the number and expression fields.
 */
import { z } from "zod";

export const finite = () => z.number().refine(Number.isFinite, "expected a finite number");
export const exprText = () => z.union([z.string().min(1), finite()]).describe("an expression over features, events and the action");

export const Transform = z.discriminatedUnion("type", [
  z.object({ type: z.literal("scale"), factor: finite() }).strict(),
  z.object({ type: z.literal("clip"), min: finite(), max: finite() }).strict().refine((t) => t.min <= t.max, { message: "expected min ≤ max", path: ["max"] }),
  z
    .object({
      type: z.literal("normalize"),
      gamma: z.number().min(0).max(1).default(0.99).describe("discount of the running return"),
      epsilon: z.number().positive().default(1e-8),
    })
    .strict()
    .describe("divide by the running std of the discounted return (Gymnasium's NormalizeReward)"),
  z
    .object({
      type: z.literal("sigmoid"),
      k: z.number().positive().default(1).describe("steepness"),
      ref: z.union([finite(), z.array(finite()).min(1)]).default(0).describe("reference value(s) r_ref"),
    })
    .strict()
    .describe("bounded centred sigmoid mean_m σ(k·(r − r_ref_m)) (PAR)"),
  z
    .object({
      type: z.literal("expShape"),
      vmax: z.number().positive().default(1),
      dispersion: z.number().positive().default(1),
      density: z.number().positive().default(1),
    })
    .strict()
    .describe("Lucy-SKG distance shape exp(−0.5·d/(vmax·dispersion))^(1/density)"),
  z.object({ type: z.literal("power"), density: z.number().positive() }).strict().describe("sign-preserving power sign(r)·|r|^(1/density) (Lucy-SKG)"),
]);
export type Transform = z.output<typeof Transform>;

export const Role = z.enum(["primary", "auxiliary"]);
export type Role = z.output<typeof Role>;

/** The fields every term has, whatever its kind; `primaryKinds` are the kinds whose role defaults to primary. */
export function commonFields(primaryKinds: readonly string[]) {
  return {
    name: z.string().min(1).optional().describe("unique name (defaults from the term)"),
    weight: finite().default(1).describe("multiplies the term's value"),
    role: Role.optional().describe(`primary = the true objective; auxiliary = heuristics (default: primary for ${primaryKinds.join(", ")}, auxiliary otherwise)`),
    objective: z.string().min(1).optional().describe("objective this term belongs to (multi-objective specs)"),
    transforms: z.array(Transform).default([]).describe("applied to the term's value before its weight"),
    optimize: z.boolean().default(true).describe("false: measured and shown but left out of the reward the agent learns from (a true reward kept to evaluate a learned one)"),
  };
}
export type CommonFields = ReturnType<typeof commonFields>;

/** The common fields as a term of any kind carries them once parsed. */
export interface CommonTerm {
  name?: string;
  weight: number;
  role?: Role;
  objective?: string;
  transforms: Transform[];
  optimize: boolean;
}
