/**
 * Scorers: pure functions from trajectories to a value and a reason. Every
 * scorer is batched (`scoreBatch`); rule-based ones are synchronous, those
 * that call a model, an endpoint or a sandbox return a promise.
 *
 * A `ScorerDefinition` is a kind a spec can name (`kind: exact`): its
 * options schema (zod) and a factory. The registry (`scorers/registry.ts`)
 * lists them all.
 */
import type { z } from "zod";
import type { Trajectory } from "./trajectory.js";

/**
 * What became of a score:
 * - `scored`    it has a value;
 * - `abstained` the scorer does not apply here (no reference, say): TRL's None;
 * - `failed`    it should apply but could not be computed (an endpoint down,
 *               a timeout, a reference that does not parse, a scorer that
 *               threw). Never read as 0: the reason says what went wrong.
 */
export type ScoreStatus = "scored" | "abstained" | "failed";

export interface Score {
  /** The score; null when abstained or failed. */
  value: number | null;
  /** Why, in a few words a person can read in a log. */
  reason: string;
  /** Absent: `scored` when there is a value, `abstained` when it is null. A failure must say so. */
  status?: ScoreStatus;
}

/** A score that could not be computed, with the reason. */
export function failed(reason: string): Score {
  return { value: null, reason, status: "failed" };
}

/** A score's status, filled in when the scorer left it implicit. */
export function statusOf(s: Score): ScoreStatus {
  return s.status ?? (s.value === null ? "abstained" : "scored");
}

/** What a caller passes with a batch. */
export interface ScoreOptions {
  /**
   * Aborts when nobody waits for the scores any more (the aspect's deadline
   * passed, or the server's client went away). A scorer that holds scarce
   * resources (sandbox processes, endpoint connections) should stop its work
   * for this batch; its scores are not read after the abort.
   */
  signal?: AbortSignal;
}

export interface Scorer {
  readonly name: string;
  scoreBatch(batch: readonly Trajectory[], options?: ScoreOptions): Score[] | Promise<Score[]>;
  /** Releases what the scorer holds (sandboxes, sockets); optional. */
  close?(): Promise<void> | void;
}

/** What a factory may need beyond its options. */
export interface ScorerContext {
  /** Directory that relative paths in options are resolved against (the spec's). */
  baseDir: string;
  /** Environment variables (API keys), defaulting to process.env. */
  env: Record<string, string | undefined>;
}

export interface ScorerDefinition<S extends z.ZodType = z.ZodType> {
  kind: string;
  /** One line for `rewardlab score --list` and the docs. */
  description: string;
  /** Options beyond `kind`, `name`, `weight` (a strict zod object with defaults). */
  options: S;
  make(options: z.output<S>, name: string, context: ScorerContext): Scorer;
}

/** Defines a scorer kind with its options' types inferred. */
export function defineScorer<S extends z.ZodType>(definition: ScorerDefinition<S>): ScorerDefinition<S> {
  return definition;
}

/** A synchronous batched scorer from a per-trajectory function. */
export function ruleScorer(name: string, score: (t: Trajectory) => Score): Scorer {
  return {
    name,
    scoreBatch(batch) {
      const out = new Array<Score>(batch.length);
      for (let i = 0; i < batch.length; i++) out[i] = score(batch[i]!);
      return out;
    },
  };
}
