/**
 * `sandboxed`: a JavaScript function of one transition, given as text
 * (from YAML, or written by a model in `rewardlab design`), run in a
 * sandbox process with time and memory limits (../sandbox/). It sees the
 * same transition as a TypeScript `code` term: `t.next("agent.x")`,
 * `t.prev(…)`, `t.event("pickup:key")`, `t.action`, `t.taskReward`,
 * `t.terminated`, `t.truncated`. Each vector step is one call into the
 * sandbox for every environment. A function that throws, returns a
 * non-number, or runs past a limit fails the term with the reason: the run
 * stops, it is never paid 0.
 */
import { z } from "zod";
import { UserError } from "../../core/errors.js";
import { sandboxFor, SandboxFailure, type Sandbox } from "../sandbox/sandbox.js";
import { defineTermKind, type TermInput } from "./kind.js";
import type { CommonOptions } from "./options.js";

export const sandboxedKind = defineTermKind({
  kind: "sandboxed",
  summary: "a JavaScript function of one transition, as text, run in a sandbox process with time and memory limits",
  fields: {
    code: z.string().min(1).max(20_000).describe('a function of one transition, (t) => number: t.next("feature"), t.prev("feature"), t.event("name"), t.action, t.taskReward, t.terminated, t.truncated'),
    timeoutMs: z.number().int().min(1).max(60_000).default(100).describe("milliseconds per vector step"),
    memoryMb: z.number().int().min(8).max(1024).default(32).describe("heap limit of the sandbox, MB"),
  },
  defaultName: () => "sandboxed",
  /**
   * A term computed by a function given as text, in a sandbox process.
   *
   * @example sandboxed('(t) => t.event("pickup:key") ? 1 : 0', { name: "key" })
   */
  builder: (code: string, opts: CommonOptions & { timeoutMs?: number; memoryMb?: number } = {}): TermInput => ({ kind: "sandboxed", code, ...opts }),
  plan(term, ctx) {
    const features = ctx.scope.features;
    return {
      features: new Set(features),
      usesObs: false,
      potentialBased: false,
      bind: (b, layout) => {
        const F = layout.features.length;
        let sandbox: Sandbox;
        try {
          sandbox = sandboxFor({ code: term.code, features: layout.features, events: [...layout.eventBits], timeoutMs: term.timeoutMs, memoryMb: term.memoryMb });
        } catch (e) {
          throw failed(e, ctx.path);
        }
        const width = sandbox.rowWidth;
        return {
          compute(out) {
            const x = sandbox.input;
            for (let i = 0; i < b.n; i++) {
              const base = i * width;
              for (let j = 0; j < F; j++) {
                x[base + j] = b.next[j][i];
                x[base + F + j] = b.prev[j][i];
              }
              x[base + 2 * F] = b.events[i];
              x[base + 2 * F + 1] = b.actions[i * b.actionSize];
              x[base + 2 * F + 2] = b.taskReward[i];
              x[base + 2 * F + 3] = b.terminated[i];
              x[base + 2 * F + 4] = b.truncated[i];
            }
            let values: Float64Array;
            try {
              values = sandbox.run(b.n);
            } catch (e) {
              throw failed(e, ctx.path);
            }
            for (let i = 0; i < b.n; i++) out[i] = values[i];
          },
        };
      },
    };
  },
});

/** A sandbox's failure as a one-line error at the term's path. */
function failed(e: unknown, path: string): unknown {
  return e instanceof SandboxFailure ? new UserError(`${path}.code`, `the sandboxed function failed: ${e.message}`) : e;
}
