/** `intrinsic`: an exploration bonus module (count, episodic novelty, RND, E3B…), which keeps its own state. */
import { z } from "zod";
import { defineTermKind, type TermInput } from "./kind.js";
import type { CommonOptions } from "./options.js";

export const intrinsicKind = defineTermKind({
  kind: "intrinsic",
  summary: "an exploration bonus module (below)",
  fields: {
    module: z.string().min(1).describe("exploration bonus module"),
    options: z.record(z.string(), z.unknown()).default({}).describe("the module's own options (below)"),
  },
  defaultName: (term) => term.module,
  builder: (module: string, opts: CommonOptions & { options?: Record<string, unknown> } = {}): TermInput => ({ kind: "intrinsic", module, ...opts }),
  plan(term, ctx) {
    const module = ctx.intrinsic(term.module, term.options, ctx.path);
    return {
      features: new Set(),
      usesObs: true,
      potentialBased: false,
      bind: (b, layout) => {
        module.init({ n: b.n, obsSize: b.obsSize, actionSize: b.actionSize, actionCount: b.actionCount, events: layout.eventBits, evaluation: b.evaluation });
        // The module's state is its own: counts, embeddings, trained weights.
        return { compute: (out) => module.compute(b, out), endEpisode: (i) => module.endEpisode?.(i), state: () => module.state(), load: (s) => module.load(s) };
      },
    };
  },
});
