/**
 * A compiled agentic reward: scores a batch of trajectories on every
 * aspect, applies gates and PAR shaping, and sums the weighted values.
 * Every aspect's value and reason is kept (per-aspect logging).
 */
import { joinPath, UserError } from "../core/errors.js";
import { sigmoid } from "../rewards/transforms.js";
import type { Score, Scorer, ScorerContext } from "./scorer.js";
import type { Aspect, ParsedAgenticSpec } from "./spec.js";
import type { Trajectory } from "./trajectory.js";

export interface AspectScores {
  name: string;
  weight: number;
  /** One per trajectory; NaN where the scorer did not apply (null). */
  values: Float64Array;
  reasons: string[];
}

export interface BatchScores {
  /** Σ weight·value over the aspects that applied (a null counts 0). */
  rewards: Float64Array;
  aspects: AspectScores[];
}

/** One trajectory's result, the shape the server and `rewardlab score` write. */
export interface ScoreResult {
  reward: number;
  aspects: Record<string, number | null>;
  reasons: Record<string, string>;
}


function isPromise<T>(x: T | Promise<T>): x is Promise<T> {
  return typeof (x as { then?: unknown })?.then === "function";
}

/** `f(x)`, after `x` resolves when it is a promise; synchronously otherwise. */
function then<T, U>(x: T | Promise<T>, f: (value: T) => U | Promise<U>): U | Promise<U> {
  return isPromise(x) ? x.then(f) : f(x);
}

export class RewardPipeline {
  private readonly scorers: Scorer[];

  constructor(
    readonly spec: ParsedAgenticSpec,
    context: ScorerContext,
  ) {
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
   */
  score(batch: readonly Trajectory[]): Promise<BatchScores> {
    try {
      return Promise.resolve(this.scoreFrom(0, batch, []));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  private scoreFrom(k: number, batch: readonly Trajectory[], aspects: AspectScores[]): BatchScores | Promise<BatchScores> {
    for (; k < this.spec.aspects.length; k++) {
      const scores = this.scoreAspect(this.spec.aspects[k]!, this.scorers[k]!, batch, aspects);
      if (isPromise(scores)) {
        const next = k + 1;
        return scores.then((done) => {
          aspects.push(this.record(this.spec.aspects[next - 1]!, done));
          return this.scoreFrom(next, batch, aspects);
        });
      }
      aspects.push(this.record(this.spec.aspects[k]!, scores));
    }
    const n = batch.length;
    const rewards = new Float64Array(n);
    for (const a of aspects) {
      if (a.weight === 0) continue;
      for (let i = 0; i < n; i++) {
        const v = a.values[i]!;
        if (v === v) rewards[i]! += a.weight * v;
      }
    }
    return { rewards, aspects };
  }

  private record(aspect: Aspect, scores: Score[]): AspectScores {
    const n = scores.length;
    const values = new Float64Array(n);
    const reasons = new Array<string>(n);
    for (let i = 0; i < n; i++) {
      const s = scores[i]!;
      values[i] = s.value === null || !Number.isFinite(s.value) ? NaN : s.value;
      // A scorer that returned NaN or ±∞ has a bug or met garbage: say so rather than poison the sum.
      reasons[i] = s.value !== null && !Number.isFinite(s.value) ? `non-finite value ${s.value} treated as not applicable; ${s.reason}` : s.reason;
    }
    return { name: aspect.name, weight: aspect.weight, values, reasons };
  }

  /** Scores, skipping (not calling) the scorer for trajectories whose gate is closed. */
  private scoreAspect(aspect: Aspect, scorer: Scorer, batch: readonly Trajectory[], earlier: readonly AspectScores[]): Score[] | Promise<Score[]> {
    if (!aspect.gate) return this.shaped(aspect, scorer, batch);
    const gate = aspect.gate;
    const on = earlier.find((a) => a.name === gate.on)!;
    const open: number[] = [];
    for (let i = 0; i < batch.length; i++) if (on.values[i]! >= gate.min) open.push(i);
    const out = new Array<Score>(batch.length);
    const closed: Score = { value: gate.otherwise, reason: `gated: ${gate.on} < ${gate.min}` };
    out.fill(closed);
    if (open.length === 0) return out;
    return then(this.shaped(aspect, scorer, open.length === batch.length ? batch : open.map((i) => batch[i]!)), (scored) => {
      for (let j = 0; j < open.length; j++) out[open[j]!] = scored[j]!;
      return out;
    });
  }

  /**
   * PAR (Fu et al. 2025, "Reward Shaping to Mitigate Reward Hacking in
   * RLHF"): the value r becomes mean_m σ(k·(r − r_ref_m)), r_ref_m the same
   * scorer's value on the trajectory's reference responses; bounded, and
   * flat once the answer beats the references.
   */
  private shaped(aspect: Aspect, scorer: Scorer, batch: readonly Trajectory[]): Score[] | Promise<Score[]> {
    const scored = scorer.scoreBatch(batch);
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
      then(refs.length > 0 ? scorer.scoreBatch(refs) : [], (refScores) =>
        scores.map((s, i) => {
          const m0 = offsets[i]!;
          const m1 = offsets[i + 1]!;
          if (s.value === null) return s;
          if (m1 === m0) return { value: null, reason: "PAR needs reference.responses" };
          let sum = 0;
          let count = 0;
          for (let m = m0; m < m1; m++) {
            const ref = refScores[m]!.value;
            if (ref === null || !Number.isFinite(ref)) continue;
            sum += sigmoid(par.k * (s.value - ref));
            count++;
          }
          if (count === 0) return { value: null, reason: "PAR: no reference response could be scored" };
          return { value: sum / count, reason: `PAR over ${count} references; raw ${s.value}: ${s.reason}` };
        }),
      ),
    );
  }

  /** The batch's per-trajectory results (null where an aspect did not apply). */
  static results(scores: BatchScores): ScoreResult[] {
    const out: ScoreResult[] = [];
    for (let i = 0; i < scores.rewards.length; i++) {
      const aspects: Record<string, number | null> = {};
      const reasons: Record<string, string> = {};
      for (const a of scores.aspects) {
        const v = a.values[i]!;
        aspects[a.name] = v === v ? v : null;
        reasons[a.name] = a.reasons[i]!;
      }
      out.push({ reward: scores.rewards[i]!, aspects, reasons });
    }
    return out;
  }

  async close(): Promise<void> {
    for (const s of this.scorers) await s.close?.();
  }
}
