/**
 * What a term kind is: its schema (the fields beyond `kind` and the common
 * ones), a one-line description, its default name and role, its TypeScript
 * builder helper, and its plan. One kind is one file exporting one
 * `defineTermKind({...})`; `./index.ts` lists them, and the spec's schema,
 * `planTerm`, the default names, the builder and the docs' table of kinds
 * are all made from that list.
 *
 * A plan is made once per spec (expressions parsed and checked, features
 * listed) and then bound to a batch, giving a `compute` that writes the
 * term's raw value (before transforms and weight) for every environment.
 */
import type { z } from "zod";
import type { RewardBatch } from "../batch.js";
import type { Layout, Node, Scope } from "../expr/index.js";
import type { IntrinsicModule } from "../intrinsic.js";
import type { CommonTerm, Role, Transform } from "./fields.js";

/** A parsed term of some kind. */
export type AnyTerm = CommonTerm & { kind: string };

/**
 * What the builder helpers return: data for the spec, checked when the spec
 * is parsed (the spec's input type, which accepts any data).
 */
export type TermInput = unknown;

export interface BoundTerm {
  compute(out: Float64Array): void;
  /** Environment i's episode ended on this step (called after `compute`). */
  endEpisode?(i: number): void;
  /** What the term carries from step to step (counters, caches), as compact JSON-ready data, for checkpoints. */
  state?(): unknown;
  /** Restores what `state()` returned, so the term continues bit for bit. */
  load?(state: unknown): void;
}

export interface TermPlan {
  readonly features: ReadonlySet<string>;
  readonly usesObs: boolean;
  /** The term is potential-based shaping (keeps the optimal policy). */
  readonly potentialBased: boolean;
  bind(batch: RewardBatch, layout: Layout): BoundTerm;
}

export interface PlanContext {
  scope: Scope;
  path: string;
  /** Named expressions (`define:`), parsed on first use. */
  define(name: string, stack: readonly string[]): Node | undefined;
  /** Plans a child term (for combine). */
  child(term: AnyTerm, path: string): TermPlan & { weight: number; transforms: Transform[] };
  intrinsic(name: string, options: Record<string, unknown>, path: string): IntrinsicModule;
}

export interface TermKind<K extends string = string, T extends AnyTerm = any> {
  readonly kind: K;
  /** What the term is worth each step, one line of Markdown (the docs' table of kinds). */
  readonly summary: string;
  /** The role a term of this kind has when its spec gives none. */
  readonly defaultRole: Role;
  /** Functions as data: accepted from the TypeScript API only, never from YAML or JSON. */
  readonly typescriptOnly: boolean;
  /**
   * The fields beyond `kind` and the common ones, with their defaults and
   * descriptions. `term` is the schema of a term, for kinds that hold terms.
   */
  fields(term: z.ZodType): z.ZodRawShape;
  /** The field holding child terms, if any: they are parsed one by one, so an error names the child's own field. */
  readonly children?: string;
  /** The term's name when the spec gives none (made unique by the program). */
  defaultName(term: T): string;
  /** The TypeScript builder helper (`build.<kind>`). */
  readonly builder: (...args: never[]) => TermInput;
  plan(term: T, ctx: PlanContext): TermPlan;
  /** Why a term of this kind may be 0 on every sampled step (reward check), when the kind knows better than the generic reason. */
  silentBecause?(term: T): string | undefined;
  /** A note on a potential-based term for reward check ("(γ = 0.99)"). */
  shapingNote?(term: T): string;
}

type ShapeOf<F> = F extends (term: z.ZodType) => infer S ? (S extends z.ZodRawShape ? S : never) : F extends z.ZodRawShape ? F : never;
/** The parsed term of a kind with these fields. */
export type KindTerm<K extends string, S extends z.ZodRawShape> = { kind: K } & (keyof S extends never ? unknown : z.output<z.ZodObject<S>>) & CommonTerm;

/**
 * Defines a term kind. The term type its `plan` and `defaultName` receive
 * is inferred from `fields`.
 *
 * @example
 * export const constantKind = defineTermKind({
 *   kind: "constant",
 *   summary: "the same value every step",
 *   fields: { value: z.number().describe("the value") },
 *   defaultName: () => "constant",
 *   builder: (value: number) => ({ kind: "constant", value }),
 *   plan: (term) => ({ features: new Set(), usesObs: false, potentialBased: false, bind: (b) => ({ compute: (out) => out.fill(term.value, 0, b.n) }) }),
 * });
 */
export function defineTermKind<const K extends string, F extends z.ZodRawShape | ((term: z.ZodType) => z.ZodRawShape), B extends (...args: never[]) => TermInput>(
  definition: {
    kind: K;
    summary: string;
    defaultRole?: Role;
    typescriptOnly?: boolean;
    fields: F;
    children?: string;
    builder: B;
  } & Omit<TermKind<K, KindTerm<K, ShapeOf<F>>>, "kind" | "summary" | "defaultRole" | "typescriptOnly" | "fields" | "children" | "builder">,
): TermKind<K, KindTerm<K, ShapeOf<F>>> & { readonly builder: B } {
  const { fields } = definition;
  return {
    ...definition,
    defaultRole: definition.defaultRole ?? "auxiliary",
    typescriptOnly: definition.typescriptOnly ?? false,
    fields: typeof fields === "function" ? fields : () => fields,
  } as TermKind<K, KindTerm<K, ShapeOf<F>>> & { readonly builder: B };
}
