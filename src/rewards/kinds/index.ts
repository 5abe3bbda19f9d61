/**
 * Every term kind a reward spec can name: the one list. The spec's schema
 * and parser, `planTerm`, default names and roles, the builder helpers and
 * the docs' table of kinds are made from it (`./registry.ts`).
 *
 * Its order is the order of `TERM_KINDS` in error messages and of the
 * schema's union (TypeScript-only kinds are left out of YAML's).
 */
import type { CommonTerm } from "./fields.js";
import type { TermKind } from "./kind.js";
import { codeKind } from "./code.js";
import { combineKind, type CombineOp } from "./combine.js";
import { eventKind } from "./event.js";
import { expressionKind } from "./expression.js";
import { intrinsicKind } from "./intrinsic.js";
import { learnedKind } from "./learned.js";
import { potentialKind } from "./potential.js";
import { sandboxedKind } from "./sandboxed.js";
import { taskKind } from "./task.js";
import { termKinds } from "./registry.js";

export const TERM_KIND_LIST = [taskKind, eventKind, expressionKind, potentialKind, intrinsicKind, learnedKind, codeKind, sandboxedKind, combineKind] as const;

/** The kinds of the list, by name: `planTerm`, `parseRewardSpec` and the builder read them here. */
export const KINDS = termKinds(TERM_KIND_LIST);

type Listed = (typeof TERM_KIND_LIST)[number];
type TermOfKind<D> = D extends TermKind<string, infer T> ? T : never;

/** A combine term, its children terms again. */
export interface CombineTerm extends CommonTerm {
  kind: "combine";
  op: CombineOp;
  terms: Term[];
}
/** A parsed term, of any kind of the list. */
export type Term = TermOfKind<Exclude<Listed, typeof combineKind>> | CombineTerm;

/** Each kind's builder helper, by kind. */
export const TERM_BUILDERS = Object.fromEntries(TERM_KIND_LIST.map((k) => [k.kind, k.builder])) as { [D in Listed as D["kind"]]: D["builder"] };
