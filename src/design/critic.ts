/**
 * The critic: what a candidate reward must pass before any training is
 * spent on it (Auto MC-Reward's reward critic, here without a model). The
 * spec must parse and compile against the environment, and a short run of
 * a uniformly random policy (`checkReward`) must find no errors (a term
 * that gave NaN or ±∞). Its warnings (an auxiliary term that dwarfs the
 * primary, one that never fires, shaping that is not potential-based) are
 * kept with the verdict: they are facts a designer may use, not reasons to
 * reject.
 */
import { UserError } from "../core/errors.js";
import { checkReward } from "../rewards/check.js";
import { makeRewarded } from "../rewards/make.js";

export interface Verdict {
  /** Whether the candidate may be trained. */
  ok: boolean;
  /** Why not: one line each (the schema or compile error, or the check's errors). */
  errors: string[];
  /** The check's warnings, one line each. */
  warnings: string[];
}

export interface CriticOptions {
  /** Steps of the random-policy check per environment (8 environments). */
  steps: number;
  seed: number;
}

export function critique(envId: string, kwargs: Record<string, unknown> | undefined, spec: unknown, options: CriticOptions): Verdict {
  let rewarded;
  try {
    rewarded = makeRewarded(envId, 8, spec, { kwargs });
  } catch (e) {
    if (e instanceof UserError) return { ok: false, errors: [e.message], warnings: [] };
    throw e;
  }
  let report;
  try {
    report = checkReward(rewarded, { steps: options.steps, seed: options.seed });
  } catch (e) {
    // A term that failed on a step (a sandboxed function that threw or ran past its limits).
    if (e instanceof UserError) return { ok: false, errors: [e.message], warnings: [] };
    throw e;
  }
  const lines = (severity: string) => report.findings.filter((f) => f.severity === severity).map((f) => `${f.code}: ${f.message}`);
  const errors = lines("error");
  return { ok: errors.length === 0, errors, warnings: lines("warning") };
}
