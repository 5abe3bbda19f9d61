/** `task`: the environment's own reward. */
import type { TermInput } from "./kind.js";
import { defineTermKind } from "./kind.js";
import type { CommonOptions } from "./options.js";

export const taskKind = defineTermKind({
  kind: "task",
  summary: "the environment's own reward",
  defaultRole: "primary",
  fields: {},
  defaultName: () => "task",
  builder: (weight = 1, opts: Omit<CommonOptions, "weight"> = {}): TermInput => ({ kind: "task", weight, ...opts }),
  plan: () => ({
    features: new Set(),
    usesObs: false,
    potentialBased: false,
    bind: (b) => ({
      compute: (out) => {
        for (let i = 0; i < b.n; i++) out[i] = b.taskReward[i];
      },
    }),
  }),
});
