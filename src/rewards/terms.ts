/**
 * Planning a term: each kind plans its own (`./kinds/`); this is the one
 * entry point the program calls, for a term of any kind of the list.
 */
import { KINDS } from "./kinds/index.js";
import type { AnyTerm, PlanContext, TermPlan } from "./kinds/kind.js";

export type { BoundTerm, PlanContext, TermPlan } from "./kinds/kind.js";

export function planTerm(term: AnyTerm, ctx: PlanContext): TermPlan {
  return KINDS.plan(term, ctx);
}
