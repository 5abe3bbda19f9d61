/**
 * Prioritized Level Replay (Jiang, Grefenstette & Rocktäschel 2021): replay
 * the tasks with the most left to learn, judged by a score of their last
 * trial, mixed with how long ago each was played.
 *
 * Each seen task i keeps its last score S_i and the episode count C_i when it
 * was last played; c counts every trial so far. A replayed task is drawn from
 *
 *   P_replay(i) = (1 − ρ)·P_S(i) + ρ·P_C(i),
 *   P_S(i) = h(S_i)^{1/β} / Σ_j h(S_j)^{1/β},  h(S_i) = 1 / rank(S_i),
 *   P_C(i) = (c − C_i) / Σ_j (c − C_j).
 *
 * Whether to replay or to try an unseen task: with probability |seen| /
 * |tasks| (the paper's "proportionate" schedule) or a fixed `replayProb`.
 * The score S_i is, as in the paper, the positive value loss: the mean of
 * max(Â_t, 0) over the trial's steps, with Â the learner's GAE advantages
 * (`score: value-loss`, for learners that compute them: ppo, rppo). The
 * environment holds each trial until the learner has scored all its steps.
 * `score: success` uses 1 − the trial's success rate instead, so unsolved
 * tasks come back, with any learner.
 */
import type { Rng } from "../core/rng.js";
import type { Curriculum, TaskRange, TrialOutcome } from "./curriculum.js";

export interface PlrOptions {
  /** β: temperature of the rank prioritization (smaller: more greedy). */
  beta: number;
  /** ρ: weight of staleness. */
  staleness: number;
  /** Probability of replaying a seen task; "proportionate": |seen| / |tasks|. */
  replayProb: number | "proportionate";
  /** S_i: the learner's positive value loss, or 1 − success. */
  score: "value-loss" | "success";
}

interface PlrState {
  tasks: number[];
  scores: number[];
  lastPlayed: number[];
  count: number;
}

export class Plr implements Curriculum {
  readonly kind = "plr";
  /** Seen tasks, their last scores S_i and when they were last played C_i. */
  private tasks: number[] = [];
  private scores: number[] = [];
  private lastPlayed: number[] = [];
  /** Position of each seen task in the lists (plain data, so checkpoints capture it). */
  private where: Record<number, number> = {};
  /** c: trials recorded so far. */
  private count = 0;

  constructor(
    private readonly range: TaskRange,
    readonly options: PlrOptions,
  ) {}

  get scoredByLearner(): boolean {
    return this.options.score === "value-loss";
  }

  next(rng: Rng): number {
    const size = this.range.end - this.range.start;
    const seen = this.tasks.length;
    const replay = this.options.replayProb === "proportionate" ? seen / size : this.options.replayProb;
    if (seen === 0 || (seen < size && rng.float() >= replay)) return this.unseen(rng);
    return this.tasks[sampleIndex(this.replayWeights(), rng)];
  }

  record(task: number, outcome: TrialOutcome): void {
    const score = this.scoredByLearner ? outcome.score : 1 - outcome.success;
    if (score === undefined) throw new Error("PLR scored by value loss heard of a trial the learner did not score");
    this.count++;
    let k = this.where[task];
    if (k === undefined) {
      k = this.tasks.length;
      this.where[task] = k;
      this.tasks.push(task);
      this.scores.push(0);
      this.lastPlayed.push(0);
    }
    this.scores[k] = score;
    this.lastPlayed[k] = this.count;
  }

  /** (1 − ρ)·P_S + ρ·P_C over the seen tasks. */
  replayWeights(): Float64Array {
    const n = this.tasks.length;
    const { beta, staleness } = this.options;
    // Ranks by score, highest first (ties by seen order, so the draw is deterministic).
    const order = Array.from({ length: n }, (_, k) => k).sort((a, b) => this.scores[b] - this.scores[a] || a - b);
    const ps = new Float64Array(n);
    order.forEach((k, r) => (ps[k] = (1 / (r + 1)) ** (1 / beta)));
    const psSum = ps.reduce((s, x) => s + x, 0);
    const pc = new Float64Array(n);
    for (let k = 0; k < n; k++) pc[k] = this.count - this.lastPlayed[k];
    const pcSum = pc.reduce((s, x) => s + x, 0);
    const w = new Float64Array(n);
    for (let k = 0; k < n; k++) w[k] = (1 - staleness) * (ps[k] / psSum) + staleness * (pcSum > 0 ? pc[k] / pcSum : 1 / n);
    return w;
  }

  /** A task not seen yet, uniformly (by rejection while most are unseen, else by listing them). */
  private unseen(rng: Rng): number {
    const { start, end } = this.range;
    const size = end - start;
    if (this.tasks.length < size / 2) {
      for (;;) {
        const t = start + rng.int(size);
        if (this.where[t] === undefined) return t;
      }
    }
    const free: number[] = [];
    for (let t = start; t < end; t++) if (this.where[t] === undefined) free.push(t);
    return free[rng.int(free.length)];
  }

  state(): PlrState {
    return { tasks: [...this.tasks], scores: [...this.scores], lastPlayed: [...this.lastPlayed], count: this.count };
  }

  load(state: unknown): void {
    const s = state as PlrState;
    this.tasks = [...s.tasks];
    this.scores = [...s.scores];
    this.lastPlayed = [...s.lastPlayed];
    this.count = s.count;
    this.where = {};
    this.tasks.forEach((t, k) => (this.where[t] = k));
  }
}

/** An index drawn with probability proportional to `w`. */
export function sampleIndex(w: Float64Array, rng: Rng): number {
  let total = 0;
  for (const x of w) total += x;
  let u = rng.float() * total;
  for (let k = 0; k < w.length; k++) {
    u -= w[k];
    if (u < 0) return k;
  }
  return w.length - 1;
}
