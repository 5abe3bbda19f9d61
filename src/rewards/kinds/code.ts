/**
 * `code`: your TypeScript function of one transition. It runs in the
 * training process, once per environment per step, with the process's full
 * access (files, network) and no time or memory limit: running it in a
 * sandbox would cost a cross-process call per step. So it must be marked
 * `trusted: true` by the caller: a function they wrote or reviewed, never
 * one from a model or a dataset (score those with the agentic `code`
 * scorer, which is sandboxed).
 */
import { z } from "zod";
import { UserError } from "../../core/errors.js";
import { didYouMean } from "../../core/suggest.js";
import type { Transition } from "../batch.js";
import { defineTermKind, type TermInput } from "./kind.js";
import type { CommonOptions } from "./options.js";

export const CODE_TERM_TRUST =
  "code terms run in this process with its full access and no time or memory limit; mark a function you wrote or reviewed with code(fn, { trusted: true }), or write the term as an expression";

export const codeKind = defineTermKind({
  kind: "code",
  summary: "your TypeScript function of one transition (TypeScript API only; unsandboxed, see below)",
  typescriptOnly: true,
  fields: {
    fn: z.custom<(t: unknown) => number>((f) => typeof f === "function", "expected a function (code terms exist only in the TypeScript API)").describe("your function of one transition, (t) => number"),
    trusted: z.custom<true>((v) => v === true, CODE_TERM_TRUST).describe("true: the caller vouches for fn, which runs unsandboxed in the training process"),
  },
  defaultName: () => "code",
  /**
   * A term computed by your own function of one transition (TypeScript only).
   * It runs unsandboxed in the training process, so the caller must say
   * `trusted: true`: a function you wrote or reviewed, never generated code.
   *
   * @example code((t) => (t.event("pickup:key") ? 1 : 0), { trusted: true, name: "key" })
   */
  builder: (fn: (t: Transition) => number, opts: CommonOptions & { trusted: true }): TermInput => ({ kind: "code", fn, ...opts }),
  plan(term, ctx) {
    const fn = term.fn as (t: Transition) => number;
    const features = ctx.scope.features;
    return {
      features: new Set(features),
      usesObs: false,
      potentialBased: false,
      bind: (b, layout) => {
        let i = 0;
        const column = (name: string) => {
          const j = layout.features.indexOf(name);
          if (j < 0) throw new UserError(ctx.path, `code term read unknown feature ${JSON.stringify(name)}${didYouMean(name, features)}`);
          return j;
        };
        const view: Transition = {
          get env() {
            return i;
          },
          next: (name) => b.next[column(name)][i],
          prev: (name) => b.prev[column(name)][i],
          event: (name) => {
            const bit = layout.eventBits.get(name);
            if (bit === undefined) throw new UserError(ctx.path, `code term read unknown event ${JSON.stringify(name)}${didYouMean(name, [...layout.eventBits.keys()])}`);
            return (b.events[i] & bit) !== 0;
          },
          get action() {
            return b.actions[i * b.actionSize];
          },
          actionAt: (k) => b.actions[i * b.actionSize + k],
          get taskReward() {
            return b.taskReward[i];
          },
          get terminated() {
            return b.terminated[i] !== 0;
          },
          get truncated() {
            return b.truncated[i] !== 0;
          },
        };
        return {
          compute(out) {
            for (i = 0; i < b.n; i++) out[i] = fn(view);
          },
        };
      },
    };
  },
});
