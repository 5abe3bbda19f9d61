/** `learned`: a reward model learned from data (`rewardlab learn-reward`), evaluated on each transition. */
import { z } from "zod";
import { bindLearnedReward, loadLearnedReward } from "../learned.js";
import { defineTermKind, type TermInput } from "./kind.js";
import type { CommonOptions } from "./options.js";

export const learnedKind = defineTermKind({
  kind: "learned",
  summary: "a reward model learned from preferences or demonstrations (`rewardlab learn-reward`), on (s, a, s′)",
  fields: {
    model: z.union([z.string().min(1), z.record(z.string(), z.unknown())]).describe("a learned reward model: the path of the JSON `rewardlab learn-reward` wrote, or its content"),
  },
  defaultName: () => "learned",
  builder: (model: string | Record<string, unknown>, opts: CommonOptions = {}): TermInput => ({ kind: "learned", model, ...opts }),
  plan(term, ctx) {
    const model = loadLearnedReward(term.model, `${ctx.path}.model`);
    return {
      features: new Set(),
      usesObs: true,
      potentialBased: false,
      bind: (b) => ({ compute: bindLearnedReward(model, b, `${ctx.path}.model`) }),
    };
  },
});
