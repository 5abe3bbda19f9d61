/**
 * What a report shows of a gridworld run beyond its curves, collected while
 * it trains: how often the agent stood on each cell over the last part of
 * training, and after training a few evaluation episodes of the final
 * policy, of which the best and the worst (by primary return) are kept
 * frame by frame (`renderGrid` text) with each step's rewards and events.
 *
 * Everything recorded is plain data (numbers, strings, arrays), so it
 * crosses worker threads inside a `RunSummary`.
 *
 * @example
 * const recorder = Recorder.attach(env, config.steps, { visitFraction: 0.25 });
 * learner.train(config.steps);
 * const recording = recorder?.finish(learner, seed); // undefined for non-grid envs
 */
import type { EnvCore } from "../../envs/core.js";
import { eventNames } from "../../envs/env.js";
import { GridEnv } from "../../envs/grid/engine.js";
import { ACTION_NAMES } from "../../envs/grid/objects.js";
import { renderGrid } from "../../envs/grid/render.js";
import type { RewardedVector } from "../../rewards/rewarded.js";
import type { AgentVisits } from "./agent-visits.js";

export interface RecordOptions {
  /** The fraction of training, at its end, over which visited cells are counted (0–1). */
  visitFraction?: number;
  /** Evaluation episodes of the final policy (rounded up to a multiple of the number of environments). */
  evalEpisodes?: number;
}

/** How often the agent occupied each cell: `counts[y·width + x]`. */
export interface Visits {
  width: number;
  height: number;
  counts: number[];
  /** The environment step from which cells were counted, and the steps counted. */
  fromStep: number;
  steps: number;
}

/** One evaluation episode, frame by frame: `frames[t]` is the state acted on at step t; the last frame is the final state. */
export interface Replay {
  /** The seed the environment was reset with; null for its later episodes, which continue its random stream. */
  seed: number | null;
  primary: number;
  return: number;
  /** 1 or 0 (NaN for tasks without success). */
  success: number;
  length: number;
  frames: string[];
  /** Per step (length entries each). */
  actions: string[];
  rewards: number[];
  primaryRewards: number[];
  terms: Record<string, number[]>;
  events: string[][];
}

export interface Evaluation {
  /** Primary return of every evaluation episode, in the order they ended. */
  primaries: number[];
  success: number;
  best: Replay;
  worst: Replay;
}

export interface RunRecording {
  visits: Visits;
  evaluation?: Evaluation;
  /** Multi-agent board games: each agent's own visits (`visits` is their sum). */
  agentVisits?: AgentVisits;
}

/** The gridworld under a core, through reward-machine products (`inner`). */
export function gridOf(core: EnvCore): GridEnv | undefined {
  let c: unknown = core;
  for (let depth = 0; depth < 4 && c; depth++) {
    if (c instanceof GridEnv) return c;
    c = (c as { inner?: EnvCore }).inner;
  }
  return undefined;
}

export class Recorder {
  private readonly counts: number[];
  private readonly fromStep: number;
  private stepsSeen = 0;
  private counting = true;

  private constructor(
    private readonly env: RewardedVector,
    private readonly grids: GridEnv[],
    totalSteps: number,
    private readonly options: Required<RecordOptions>,
  ) {
    const { width, height } = grids[0].grid;
    this.counts = new Array<number>(width * height).fill(0);
    this.fromStep = Math.floor(totalSteps * (1 - options.visitFraction));
    // Count the state each step acts from (before the step), and the final
    // state of each episode, which the vector's autoreset replaces within the step.
    const step = env.step.bind(env);
    env.step = (actions) => {
      if (this.counting && this.stepsSeen >= this.fromStep) for (const g of this.grids) this.visit(g);
      step(actions);
      this.stepsSeen += env.n;
    };
    const previous = env.vec.onEpisodeEnd;
    env.vec.onEpisodeEnd = (i, core) => {
      previous?.(i, core);
      if (this.counting && this.stepsSeen >= this.fromStep) this.visit(this.grids[i]);
    };
  }

  /** Starts recording on a gridworld vector (call after the learner is built); undefined for other environments. */
  static attach(env: RewardedVector, totalSteps: number, options: RecordOptions = {}): Recorder | undefined {
    const grids = env.vec.cores.map(gridOf);
    if (!grids.every((g): g is GridEnv => g !== undefined)) return undefined;
    const visitFraction = Math.min(1, Math.max(0, options.visitFraction ?? 0.25));
    return new Recorder(env, grids, totalSteps, { visitFraction, evalEpisodes: options.evalEpisodes ?? 8 });
  }

  private visit(g: GridEnv): void {
    const { width, height } = g.grid;
    // Tasks of one id keep one grid size; a cell off the counted grid is skipped rather than misplaced.
    if (width * height !== this.counts.length) return;
    this.counts[g.agentY * width + g.agentX]++;
  }

  get visits(): Visits {
    const { width, height } = this.grids[0].grid;
    return { width, height, counts: [...this.counts], fromStep: this.fromStep, steps: Math.max(0, this.stepsSeen - this.fromStep) };
  }

  /** Stops counting, evaluates the final policy (`act`) and returns everything recorded. */
  finish(learner: { act(obs: Float32Array): ArrayLike<number> }, evalSeed: number): RunRecording {
    this.counting = false;
    const visits = this.visits;
    const evaluation = this.options.evalEpisodes > 0 ? this.evaluate(learner, evalSeed) : undefined;
    return evaluation ? { visits, evaluation } : { visits };
  }

  /**
   * Plays ⌈evalEpisodes / n⌉ episodes in every environment from `seed` (a
   * quota per environment, so short episodes are not over-represented) and
   * keeps the best and the worst by primary return.
   */
  private evaluate(learner: { act(obs: Float32Array): ArrayLike<number> }, seed: number): Evaluation | undefined {
    const { env, grids } = this;
    const vec = env.vec;
    const n = vec.n;
    const quota = Math.ceil(this.options.evalEpisodes / n);
    const termNames = env.program.terms.map((t) => t.name);
    const successMask = ["success", "reach:goal"].filter((e) => vec.eventNames.includes(e)).reduce((m, e) => m | vec.eventMask(e), 0);
    const done = new Int32Array(n);
    const finals: (string | undefined)[] = new Array(n);
    const start = (i: number, first: boolean): Replay => ({
      seed: first ? seed + i : null,
      primary: 0,
      return: 0,
      success: successMask ? 0 : NaN,
      length: 0,
      frames: [renderGrid(grids[i])],
      actions: [],
      rewards: [],
      primaryRewards: [],
      terms: Object.fromEntries(termNames.map((t) => [t, []])),
      events: [],
    });
    const previous = vec.onEpisodeEnd;
    vec.onEpisodeEnd = (i, core) => {
      previous?.(i, core);
      finals[i] = renderGrid(grids[i]);
    };
    const primaries: number[] = [];
    let successes = 0;
    let best: Replay | undefined;
    let worst: Replay | undefined;
    try {
      env.reset(seed);
      const current = Array.from({ length: n }, (_, i) => start(i, true));
      const names = vec.actionSpace.kind === "discrete" ? ACTION_NAMES : [];
      for (let guard = 0; done.some((d) => d < quota) && guard < (quota + 1) * vec.maxSteps; guard++) {
        const actions = learner.act(vec.obs);
        env.step(actions);
        for (let i = 0; i < n; i++) {
          if (done[i] >= quota) continue;
          const r = current[i];
          r.actions.push(names[actions[i]] ?? String(actions[i]));
          r.rewards.push(env.rewards[i]);
          r.primaryRewards.push(env.reward.primary[i]);
          termNames.forEach((t, k) => r.terms[t].push(env.reward.terms[k][i]));
          r.events.push(eventNames(vec.eventNames, vec.events[i]));
          if (vec.events[i] & successMask) r.success = 1;
          r.length++;
          if (!vec.terminated[i] && !vec.truncated[i]) {
            r.frames.push(renderGrid(grids[i]));
            continue;
          }
          r.frames.push(finals[i] ?? renderGrid(grids[i]));
          finals[i] = undefined;
          r.primary = env.reward.finishedPrimary[i];
          r.return = env.reward.finishedTotal[i];
          primaries.push(r.primary);
          if (r.success === 1) successes++;
          // Ties: the best is the shorter episode (the first met), the worst the longer (the last met),
          // so with two or more episodes the two differ even when every return is equal.
          if (!best || r.primary > best.primary || (r.primary === best.primary && r.length < best.length)) best = r;
          if (!worst || r.primary < worst.primary || (r.primary === worst.primary && r.length >= worst.length)) worst = r;
          done[i]++;
          current[i] = start(i, false);
        }
      }
    } finally {
      vec.onEpisodeEnd = previous;
    }
    if (!best || !worst) return undefined;
    return { primaries, success: successMask ? successes / primaries.length : NaN, best, worst };
  }
}
