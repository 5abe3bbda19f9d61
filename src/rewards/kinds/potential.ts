/**
 * `potential`: potential-based shaping (Ng, Harada & Russell 1999),
 * F = γ·Φ(s′) − Φ(s), which leaves the optimal policy unchanged. Φ(s′) := 0
 * when s′ is terminal (terminated, not truncated): a truncated state still
 * has a future, and zeroing it there would reward or punish running out of
 * time.
 *
 * A dynamic potential (Devlin & Kudenko 2012) may change with `time`; then
 * F = γ·Φ(s′, t′) − Φ(s, t) needs Φ(s, t) as it was when s was reached, so it
 * is cached from the previous step rather than recomputed.
 */
import { z } from "zod";
import { UserError } from "../../core/errors.js";
import { compileExpression, featuresOf, walk, type Node } from "../expr/index.js";
import { checkedExpression } from "./checked-expression.js";
import { exprText } from "./fields.js";
import { defineTermKind, type TermInput } from "./kind.js";
import type { CommonOptions } from "./options.js";
import { loadNumbers, numbers } from "./state.js";

export const potentialKind = defineTermKind({
  kind: "potential",
  summary: "F = γ·Φ(s′) − Φ(s), Φ a formula over one state",
  fields: {
    phi: exprText().describe("Φ(s), an expression over one state's features"),
    gamma: z.number().min(0).max(1).default(0.99).describe("discount in F = γΦ(s′) − Φ(s); match the learner's"),
    dynamic: z.boolean().default(false).describe("reuse Φ(s) as computed on the previous step (Devlin & Kudenko 2012), for potentials that change over time"),
  },
  defaultName: () => "potential",
  builder: (phi: string | number, opts: CommonOptions & { gamma?: number; dynamic?: boolean } = {}): TermInput => ({ kind: "potential", phi, ...opts }),
  shapingNote: (term) => ` (γ = ${term.gamma})`,
  plan(term, ctx) {
    const path = `${ctx.path}.phi`;
    const phi = checkedExpression(term.phi, ctx, path);
    walk(phi.node, (n) => {
      if (n.kind === "feature" && n.when === "prev") throw new UserError(path, `a potential is a function of one state: write ${n.name}, not prev.${n.name} (at column ${n.at})`);
      if (n.kind === "var" && n.name === "time") {
        if (!term.dynamic) throw new UserError(path, `a potential that changes with time needs dynamic: true, so Φ(s) is reused as computed when s was reached (at column ${n.at})`);
      } else if (n.kind === "event" || n.kind === "var") throw new UserError(path, `a potential reads only the state's features${n.kind === "var" && n.name === "action" ? ", not the action" : ""} (at column ${n.at})`);
    });
    const asPrev = (n: Node): Node => {
      if (n.kind === "feature") return { ...n, when: "prev" };
      if (n.kind === "unary") return { ...n, arg: asPrev(n.arg) };
      if (n.kind === "binary") return { ...n, left: asPrev(n.left), right: asPrev(n.right) };
      if (n.kind === "call") return { ...n, args: n.args.map(asPrev) };
      return n;
    };
    const gamma = term.gamma;
    return {
      features: new Set(featuresOf(phi.node).keys()),
      usesObs: false,
      potentialBased: true,
      bind: (b, layout) => {
        const phiNext = compileExpression(phi.node, phi.type, layout).batch(b);
        const phiPrev = compileExpression(asPrev(phi.node), phi.type, layout).batch(b);
        const next = new Float64Array(b.n);
        const prev = new Float64Array(b.n);
        // Dynamic potentials reuse Φ(s) as it was computed when s was reached.
        const cached = new Float64Array(b.n);
        const cacheValid = new Uint8Array(b.n);
        return {
          compute(out) {
            phiNext(b.n, next);
            if (!term.dynamic || !cacheValid.every((v) => v === 1)) phiPrev(b.n, prev);
            for (let i = 0; i < b.n; i++) {
              const phiS = term.dynamic && cacheValid[i] ? cached[i] : prev[i];
              const phiS1 = b.terminated[i] ? 0 : next[i];
              out[i] = gamma * phiS1 - phiS;
              cached[i] = next[i];
              cacheValid[i] = 1;
            }
          },
          endEpisode(i) {
            cacheValid[i] = 0;
          },
          state: () => ({ cached: numbers(cached), cacheValid: numbers(cacheValid) }),
          load(s) {
            const saved = s as { cached: unknown; cacheValid: unknown };
            loadNumbers(cached, saved.cached, `${ctx.path} (cached potentials)`);
            loadNumbers(cacheValid, saved.cacheValid, `${ctx.path} (cached potentials)`);
          },
        };
      },
    };
  },
});
