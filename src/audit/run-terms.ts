/**
 * A stored run's reward terms as the hacking checks read them: the spec
 * compiled against the run's environment, each term with its role, weight,
 * whether it is potential-based, and the event it pays for.
 */
import { makeVector } from "../envs/registry.js";
import { compileReward } from "../rewards/program.js";
import { envInfoOf } from "../rewards/rewarded.js";
import type { RunConfig } from "../runs/config.js";
import type { AuditTerm } from "./hacking.js";

export function auditTerms(config: Pick<RunConfig, "env" | "reward">): AuditTerm[] {
  const program = compileReward(config.reward, envInfoOf(makeVector(config.env.id, 1, { kwargs: config.env.kwargs })));
  return program.terms.map((t, i) => {
    const spec = program.spec.terms[i] as { event?: string; once?: boolean };
    return { name: t.name, kind: t.kind, role: t.role, weight: t.weight, potentialBased: t.potentialBased, event: spec.event, once: spec.once };
  });
}
