/** `event`: pays when the step raised an event, or one of a family (`drop:*`). */
import { z } from "zod";
import { UserError } from "../../core/errors.js";
import { didYouMean } from "../../core/suggest.js";
import { defineTermKind, type TermInput } from "./kind.js";
import type { CommonOptions } from "./options.js";
import { loadNumbers, numbers } from "./state.js";

export const eventKind = defineTermKind({
  kind: "event",
  summary: "1 when the named event fires (`pickup:key`, or a family `drop:*`)",
  fields: {
    event: z.string().min(1).describe('event name, or a family with a trailing * ("drop:*")'),
    once: z.boolean().default(false).describe("pay at most once per episode"),
    max: z.number().int().positive().optional().describe("pay at most this many times per episode"),
    decay: z.number().gt(0).max(1).default(1).describe("the nth payment in an episode is decay^(n−1)"),
  },
  defaultName: (term) => term.event,
  builder: (name: string, weight = 1, opts: Omit<CommonOptions, "weight"> & { once?: boolean; max?: number; decay?: number } = {}): TermInput => ({ kind: "event", event: name, weight, ...opts }),
  silentBecause: (term) => `event "${term.event}" never fired under a random policy`,
  plan(term, ctx) {
    const pattern = term.event;
    const prefix = pattern.endsWith("*") ? pattern.slice(0, -1) : undefined;
    const matches = ctx.scope.events.filter((e) => (prefix !== undefined ? e.startsWith(prefix) : e === pattern));
    if (matches.length === 0) {
      const known = ctx.scope.events;
      const hint = known.length ? `; events here: ${known.join(", ")}` : "; this environment raises no events";
      throw new UserError(`${ctx.path}.event`, `unknown event ${JSON.stringify(pattern)}${didYouMean(pattern, known) || hint}`);
    }
    const maxPays = term.once ? 1 : (term.max ?? Infinity);
    return {
      features: new Set(),
      usesObs: false,
      potentialBased: false,
      bind: (b, layout) => {
        let mask = 0;
        for (const m of matches) mask |= layout.eventBits.get(m)!;
        // Payments so far in each environment's episode.
        const count = new Float64Array(b.n);
        return {
          compute(out) {
            for (let i = 0; i < b.n; i++) {
              if ((b.events[i] & mask) !== 0 && count[i] < maxPays) {
                out[i] = Math.pow(term.decay, count[i]);
                count[i]++;
              } else out[i] = 0;
            }
          },
          endEpisode(i) {
            count[i] = 0;
          },
          state: () => ({ count: numbers(count) }),
          load: (s) => loadNumbers(count, (s as { count: unknown }).count, `${ctx.path} (event counts)`),
        };
      },
    };
  },
});
