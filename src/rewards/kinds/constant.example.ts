/** `constant`: the same value every step (the example of docs/rewards.md, "Adding a term kind"). */
import { z } from "zod";
import { finite } from "./fields.js";
import { defineTermKind, type TermInput } from "./kind.js";
import type { CommonOptions } from "./options.js";

export const constantKind = defineTermKind({
  kind: "constant",
  summary: "the same value every step",
  fields: { value: finite().describe("the value paid each step"), live: z.boolean().default(true).describe("false: pay 0") },
  defaultName: (term) => `constant ${term.value}`,
  builder: (value: number, opts: CommonOptions = {}): TermInput => ({ kind: "constant", value, ...opts }),
  plan: (term) => ({
    features: new Set(),
    usesObs: false,
    potentialBased: false,
    bind: (b) => ({ compute: (out) => out.fill(term.live ? term.value : 0, 0, b.n) }),
  }),
});
