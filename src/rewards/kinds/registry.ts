/**
 * What a list of term kinds gives: the schema of a term (a union over the
 * kinds, recursive through kinds that hold terms), a parser whose errors
 * name the term's own field, plans, default names and roles.
 */
import { z } from "zod";
import { parseConfig } from "../../core/config.js";
import { joinPath, showValue, UserError } from "../../core/errors.js";
import { didYouMean } from "../../core/suggest.js";
import { commonFields, type Role } from "./fields.js";
import type { AnyTerm, PlanContext, TermKind, TermPlan } from "./kind.js";

export interface TermKinds {
  readonly list: readonly TermKind[];
  /** Every kind's name, in the list's order. */
  readonly names: readonly string[];
  get(kind: string): TermKind | undefined;
  /** The schema of one term: every kind, or (`allowCode` false) those YAML and JSON can hold. */
  termSchema(allowCode: boolean): z.ZodType;
  /** Checks a term against the schema of its own kind, so an error names the term's field (`terms[2].weight`) rather than "no union member matched". */
  parseTerm(data: unknown, path: string, allowCode: boolean): AnyTerm;
  plan(term: AnyTerm, ctx: PlanContext): TermPlan;
  defaultName(term: AnyTerm): string;
  defaultRole(term: AnyTerm): Role;
}

export function termKinds(list: readonly TermKind[]): TermKinds {
  const byName = new Map(list.map((k) => [k.kind, k]));
  const names = list.map((k) => k.kind);
  const common = commonFields(list.filter((k) => k.defaultRole === "primary").map((k) => k.kind));
  const allowed = (allowCode: boolean) => list.filter((k) => allowCode || !k.typescriptOnly);
  const objectOf = (k: TermKind, term: z.ZodType) => z.object({ kind: z.literal(k.kind), ...k.fields(term), ...common }).strict();
  const kindOf = (term: AnyTerm): TermKind => {
    const k = byName.get(term.kind);
    if (!k) throw new Error(`unknown term kind ${JSON.stringify(term.kind)}`);
    return k;
  };

  function termSchema(allowCode: boolean): z.ZodType {
    // Kinds that hold terms are built lazily: their fields refer to the term schema being built.
    const members = allowed(allowCode).map((k) => (k.children ? z.lazy(() => objectOf(k, term)) : objectOf(k, z.never())));
    const term: z.ZodType = z.lazy(() => z.union(members as unknown as [z.ZodType, z.ZodType, ...z.ZodType[]]));
    return term;
  }

  function parseTerm(data: unknown, path: string, allowCode: boolean): AnyTerm {
    if (data === null || typeof data !== "object" || Array.isArray(data)) throw new UserError(path, `expected a term (an object with a kind), got ${showValue(data)}`);
    const kind = (data as { kind?: unknown }).kind;
    const known = allowed(allowCode).map((k) => k.kind);
    if (typeof kind !== "string" || !known.includes(kind)) {
      const hint = typeof kind === "string" ? didYouMean(kind, known) : "";
      throw new UserError(joinPath(path, "kind"), `expected one of ${known.join(", ")}, got ${showValue(kind)}${hint}`);
    }
    const k = byName.get(kind)!;
    if (!k.children) return parseConfig(objectOf(k, z.never()), data, path) as AnyTerm;
    // The term itself with its children as they are, then each child on its own path.
    const head = parseConfig(objectOf(k, z.unknown()), data, path) as AnyTerm & Record<string, unknown[]>;
    return { ...head, [k.children]: head[k.children].map((t, i) => parseTerm(t, joinPath(path, k.children!, i), allowCode)) };
  }

  return {
    list,
    names,
    get: (kind) => byName.get(kind),
    termSchema,
    parseTerm,
    plan: (term, ctx) => kindOf(term).plan(term, ctx),
    defaultName: (term) => kindOf(term).defaultName(term),
    defaultRole: (term) => kindOf(term).defaultRole,
  };
}
