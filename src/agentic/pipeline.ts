/**
 * A compiled agentic reward: scores a batch of trajectories on every
 * aspect, applies gates and PAR shaping, and sums the weighted values.
 * Every aspect's value, status and reason is kept (per-aspect logging).
 *
 * Failed is not zero: a scorer that throws, times out or cannot read its
 * input marks its aspect `failed`, and a reward with a failed aspect that
 * counts (weight ≠ 0) is itself failed, with the aspect's reason: its value
 * is NaN here and null (or the spec's `failedReward`) for a trainer.
 */
import { joinPath, UserError } from "../core/errors.js";
import { sigmoid } from "../rewards/transforms.js";
import { failed, statusOf, type Score, type Scorer, type ScorerContext, type ScoreOptions, type ScoreStatus } from "./scorer.js";
import type { Aspect, ParsedAgenticSpec } from "./spec.js";
import { resolveTemplate, withoutMarkers, type ChatTemplate } from "./templates.js";
import type { Trajectory } from "./trajectory.js";

/** Statuses as stored in typed arrays. */
export const SCORED = 0;
export const ABSTAINED = 1;
export const FAILED = 2;
export const STATUS_NAMES: readonly ScoreStatus[] = ["scored", "abstained", "failed"];
const STATUS_CODE: Record<ScoreStatus, number> = { scored: SCORED, abstained: ABSTAINED, failed: FAILED };

export interface AspectScores {
  name: string;
  weight: number;
  /** One per trajectory; NaN where the scorer abstained or failed. */
  values: Float64Array;
  /** SCORED, ABSTAINED or FAILED, one per trajectory. */
  status: Uint8Array;
  reasons: string[];
}

export interface BatchScores {
  /** Σ weight·value over the aspects that applied (an abstaining aspect counts 0); NaN where the reward is not scored. */
  rewards: Float64Array;
  /**
   * Per trajectory: FAILED when an aspect that counts failed; ABSTAINED when
   * no aspect that counts applied (every aspect, when all weights are 0);
   * SCORED otherwise.
   */
  status: Uint8Array;
  /** Per trajectory: `aspect: reason` of the first failed aspect that counts, else "". */
  failures: string[];
  aspects: AspectScores[];
}

/** One trajectory's result, the shape the server and `rewardlab score` write. */
export interface ScoreResult {
  /** null when abstained or failed (or the failed value the caller chose). */
  reward: number | null;
  status: ScoreStatus;
  /** For a failed reward: which aspect failed and why. */
  failure?: string;
  aspects: Record<string, number | null>;
  reasons: Record<string, string>;
}

/** What a caller sends for a failed reward: null, or a number (0, a penalty) when asked. */
export type FailedValue = number | null;

function isPromise<T>(x: T | Promise<T>): x is Promise<T> {
  return typeof (x as { then?: unknown })?.then === "function";
}

/** `f(x)`, after `x` resolves when it is a promise; synchronously otherwise. */
function then<T, U>(x: T | Promise<T>, f: (value: T) => U | Promise<U>): U | Promise<U> {
  return isPromise(x) ? x.then(f) : f(x);
}

export class RewardPipeline {
  private readonly scorers: Scorer[];
  /** Markers taken out of every trajectory before it is scored (the spec's `template`). */
  readonly template: ChatTemplate | "auto" | null;

  constructor(
    readonly spec: ParsedAgenticSpec,
    context: ScorerContext,
  ) {
    this.template = resolveTemplate(spec.template);
    this.scorers = spec.aspects.map((a, i) => {
      try {
        return a.definition.make(a.options, a.name, context);
      } catch (e) {
        // A scorer that cannot be built (a missing API key, a bad model file) names its aspect.
        throw e instanceof UserError ? e.under(joinPath("aspects", i)) : e;
      }
    });
  }

  get aspectNames(): string[] {
    return this.spec.aspects.map((a) => a.name);
  }

  /**
   * Scores a batch on every aspect. Synchronous scorers are called without
   * an await in between (an await per aspect costs more than a rule scorer
   * does on one trajectory); the first asynchronous one switches to promises.
   *
   * `signal` (the server's request): when it aborts, asynchronous scorers
   * are told to stop (sandboxes free their processes) and the aspects not
   * yet scored fail as cancelled.
   */
  score(batch: readonly Trajectory[], options: ScoreOptions = {}): Promise<BatchScores> {
    try {
      return Promise.resolve(this.scoreFrom(0, this.prepare(batch), [], options.signal));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** The batch with chat-template markers taken out; the same array when none had any. */
  prepare(batch: readonly Trajectory[]): readonly Trajectory[] {
    if (this.template === null) return batch;
    let out: Trajectory[] | undefined;
    for (let i = 0; i < batch.length; i++) {
      const t = withoutMarkers(batch[i]!, this.template);
      if (t === batch[i]) continue;
      out ??= batch.slice();
      out[i] = t;
    }
    return out ?? batch;
  }

  private scoreFrom(k: number, batch: readonly Trajectory[], aspects: AspectScores[], signal: AbortSignal | undefined): BatchScores | Promise<BatchScores> {
    for (; k < this.spec.aspects.length; k++) {
      const aspect = this.spec.aspects[k]!;
      const scores = signal?.aborted ? new Array<Score>(batch.length).fill(failed(CANCELLED)) : this.scoreAspect(aspect, this.scorers[k]!, batch, aspects, signal);
      if (isPromise(scores)) {
        const next = k + 1;
        return scores.then((done) => {
          aspects.push(this.record(aspect, done, batch.length));
          return this.scoreFrom(next, batch, aspects, signal);
        });
      }
      aspects.push(this.record(aspect, scores, batch.length));
    }
    return combine(batch.length, aspects);
  }

  private record(aspect: Aspect, scores: Score[], n: number): AspectScores {
    const values = new Float64Array(n);
    const status = new Uint8Array(n);
    const reasons = new Array<string>(n);
    if (!Array.isArray(scores) || scores.length !== n) {
      // A scorer that returns the wrong number of scores has a bug: every trajectory fails, none is misattributed.
      const got = Array.isArray(scores) ? `${scores.length} scores` : "no list of scores";
      values.fill(NaN);
      status.fill(FAILED);
      reasons.fill(`scorer returned ${got} for ${n} trajectories`);
      return { name: aspect.name, weight: aspect.weight, values, status, reasons };
    }
    for (let i = 0; i < n; i++) {
      const s = scores[i];
      if (typeof s !== "object" || s === null) {
        values[i] = NaN;
        status[i] = FAILED;
        reasons[i] = `scorer returned ${s === null ? "null" : typeof s} instead of a score`;
        continue;
      }
      let code = STATUS_CODE[statusOf(s)] ?? FAILED;
      let reason = s.reason;
      if (code === SCORED && (typeof s.value !== "number" || !Number.isFinite(s.value))) {
        // A scorer that returned NaN or ±∞ has a bug or met garbage: a failure, not a value that poisons the sum.
        code = FAILED;
        reason = `non-finite value ${s.value}; ${s.reason}`;
      }
      values[i] = code === SCORED ? s.value! : NaN;
      status[i] = code;
      reasons[i] = reason;
    }
    return { name: aspect.name, weight: aspect.weight, values, status, reasons };
  }

  /**
   * Scores, skipping (not calling) the scorer for trajectories whose gate is
   * closed; what the scorer does wrong (a throw, a missed deadline) fails
   * only the trajectories it was asked about.
   */
  private scoreAspect(aspect: Aspect, scorer: Scorer, batch: readonly Trajectory[], earlier: readonly AspectScores[], signal: AbortSignal | undefined): Score[] | Promise<Score[]> {
    const score = (b: readonly Trajectory[]) => guarded((stop) => this.shaped(aspect, scorer, b, stop), b.length, aspect.deadlineMs, signal);
    if (!aspect.gate) return score(batch);
    const gate = aspect.gate;
    const on = earlier.find((a) => a.name === gate.on)!;
    const open: number[] = [];
    const out = new Array<Score>(batch.length);
    const closed: Score = { value: gate.otherwise, reason: `gated: ${gate.on} < ${gate.min}` };
    const gateFailed = failed(`gate ${gate.on} failed`);
    // A gate whose aspect did not apply cannot say open or closed: the gated aspect does not apply either.
    const gateAbstained: Score = { value: null, reason: `gate ${gate.on} did not apply` };
    for (let i = 0; i < batch.length; i++) {
      if (on.status[i] === FAILED) out[i] = gateFailed;
      else if (on.status[i] === ABSTAINED) out[i] = gateAbstained;
      else if (on.values[i]! >= gate.min) open.push(i);
      else out[i] = closed;
    }
    if (open.length === 0) return out;
    return then(score(open.length === batch.length ? batch : open.map((i) => batch[i]!)), (scored) => {
      const wrongLength = !Array.isArray(scored) || scored.length !== open.length;
      const bad = failed(`scorer returned ${Array.isArray(scored) ? `${scored.length} scores` : "no list of scores"} for ${open.length} trajectories`);
      for (let j = 0; j < open.length; j++) out[open[j]!] = wrongLength ? bad : scored[j]!;
      return out;
    });
  }

  /**
   * PAR (Fu et al. 2025, "Reward Shaping to Mitigate Reward Hacking in
   * RLHF"): the value r becomes mean_m σ(k·(r − r_ref_m)), r_ref_m the same
   * scorer's value on the trajectory's reference responses; bounded, and
   * flat once the answer beats the references.
   */
  private shaped(aspect: Aspect, scorer: Scorer, batch: readonly Trajectory[], options: ScoreOptions): Score[] | Promise<Score[]> {
    const scored = scorer.scoreBatch(batch, options);
    const par = aspect.par;
    if (!par) return scored;
    const refs: Trajectory[] = [];
    const offsets = new Int32Array(batch.length + 1);
    for (let i = 0; i < batch.length; i++) {
      const t = batch[i]!;
      for (const response of t.reference.responses ?? []) refs.push({ ...t, answer: response, turns: [] });
      offsets[i + 1] = refs.length;
    }
    return then(scored, (scores) =>
      then(refs.length > 0 ? scorer.scoreBatch(refs, options) : [], (refScores) =>
        scores.map((s, i) => {
          const m0 = offsets[i]!;
          const m1 = offsets[i + 1]!;
          if (s.value === null || s.status === "failed") return s;
          if (m1 === m0) return { value: null, reason: "PAR needs reference.responses" };
          let sum = 0;
          let count = 0;
          for (let m = m0; m < m1; m++) {
            const ref = refScores[m]!.value;
            if (ref === null || !Number.isFinite(ref)) continue;
            sum += sigmoid(par.k * (s.value - ref));
            count++;
          }
          if (count === 0) return failed("PAR: no reference response could be scored");
          return { value: sum / count, reason: `PAR over ${count} references; raw ${s.value}: ${s.reason}` };
        }),
      ),
    );
  }

  /**
   * The batch's per-trajectory results: null where an aspect or the reward
   * did not apply or failed; a failed reward is `failedValue` (null unless
   * the caller asked for a number).
   */
  static results(scores: BatchScores, failedValue: FailedValue = null): ScoreResult[] {
    const out: ScoreResult[] = [];
    for (let i = 0; i < scores.rewards.length; i++) {
      const aspects: Record<string, number | null> = {};
      const reasons: Record<string, string> = {};
      for (const a of scores.aspects) {
        const v = a.values[i]!;
        aspects[a.name] = v === v ? v : null;
        reasons[a.name] = a.reasons[i]!;
      }
      const code = scores.status[i]!;
      const status = STATUS_NAMES[code]!;
      const reward = code === SCORED ? scores.rewards[i]! : code === FAILED ? failedValue : null;
      out.push(code === FAILED ? { reward, status, failure: scores.failures[i]!, aspects, reasons } : { reward, status, aspects, reasons });
    }
    return out;
  }

  async close(): Promise<void> {
    for (const s of this.scorers) await s.close?.();
  }
}

/** The reward and its status from the aspects' values and statuses. */
function combine(n: number, aspects: AspectScores[]): BatchScores {
  const rewards = new Float64Array(n);
  const status = new Uint8Array(n).fill(ABSTAINED);
  const failures = new Array<string>(n).fill("");
  // With every weight 0 the reward is 0 wherever an aspect applied: they all "count" for the status.
  const allZero = aspects.every((a) => a.weight === 0);
  for (const a of aspects) {
    if (a.weight === 0 && !allZero) continue;
    for (let i = 0; i < n; i++) {
      const code = a.status[i]!;
      if (code === SCORED) {
        rewards[i]! += a.weight * a.values[i]!;
        if (status[i] === ABSTAINED) status[i] = SCORED;
      } else if (code === FAILED && status[i] !== FAILED) {
        status[i] = FAILED;
        failures[i] = `${a.name}: ${a.reasons[i]}`;
      }
    }
  }
  for (let i = 0; i < n; i++) if (status[i] !== SCORED) rewards[i] = NaN;
  return { rewards, status, failures, aspects };
}

const CANCELLED = "cancelled: the request was aborted";

/**
 * A scorer's batch, with every way it can go wrong turned into failed
 * scores: an exception (synchronous or not), no answer within `deadlineMs`,
 * or the caller's `signal` aborting (asynchronous scorers only; a
 * synchronous one cannot be interrupted here). On a missed deadline or an
 * abort the scorer's own signal aborts, so a scorer that honours it (the
 * code sandbox) stops its work and frees what it holds; a late result is
 * dropped.
 */
function guarded(run: (options: ScoreOptions) => Score[] | Promise<Score[]>, n: number, deadlineMs: number | undefined, signal: AbortSignal | undefined): Score[] | Promise<Score[]> {
  const allFailed = (reason: string): Score[] => new Array<Score>(n).fill(failed(reason));
  const thrown = (e: unknown) => allFailed(`scorer threw: ${e instanceof Error ? e.message : String(e)}`.replace(/\s+/g, " "));
  // One controller per call: aborted by the deadline or by the caller's signal, never reused.
  const stop = deadlineMs !== undefined || signal ? new AbortController() : undefined;
  let scores: Score[] | Promise<Score[]>;
  try {
    scores = run(stop ? { signal: stop.signal } : {});
  } catch (e) {
    return thrown(e);
  }
  if (!isPromise(scores)) return scores;
  const settled = scores.catch(thrown);
  if (!stop) return settled;
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const stopped = new Promise<Score[]>((resolve) => {
    const end = (reason: string) => {
      resolve(allFailed(reason));
      stop.abort(new Error(reason));
    };
    if (deadlineMs !== undefined) timer = setTimeout(() => end(`no scores within the aspect's deadline of ${deadlineMs} ms`), deadlineMs);
    if (signal) {
      onAbort = () => end(CANCELLED);
      if (signal.aborted) onAbort();
      else signal.addEventListener("abort", onAbort, { once: true });
    }
  });
  return Promise.race([settled, stopped]).finally(() => {
    clearTimeout(timer);
    if (onAbort) signal!.removeEventListener("abort", onAbort);
  });
}
