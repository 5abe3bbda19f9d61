/**
 * `EnvCore` is one environment instance's logic, written once and driven by
 * both APIs: `Env` (one environment, Gymnasium's object-per-step API) and
 * `VectorEnv` (n environments stepped together over typed arrays, no
 * allocation per step).
 *
 * A core writes its observation into a slice of a caller's `Float32Array`,
 * reports the step's outcome in its fields (`terminated`, `truncated`,
 * `eventMask`), and computes named features only when asked.
 */
import { Rng } from "../core/rng.js";
import type { Space } from "../core/spaces.js";

/** A named number read off the current state, for reward specs (`agent.x`, `pole.angle`). */
export interface Feature<C = EnvCore> {
  readonly name: string;
  readonly description: string;
  read(core: C): number;
}

/** Declares a feature; `read` is only called when a reward asks for the feature. */
export function feature<C>(name: string, description: string, read: (core: C) => number): Feature<C> {
  return { name, description, read };
}

/** The most events an environment may declare: one bit each in a uint32 mask. */
export const MAX_EVENTS = 32;

export abstract class EnvCore {
  abstract readonly observationSpace: Space;
  abstract readonly actionSpace: Space;
  /** Named numbers of the current state. */
  abstract readonly features: readonly Feature<any>[];
  /** Named flags a step can raise; bit i of `eventMask` is `events[i]`. */
  abstract readonly events: readonly string[];
  /** Episodes are truncated after this many steps (Gymnasium's TimeLimit, MiniGrid's max_steps). */
  abstract readonly maxSteps: number;

  /** This instance's random stream; `Env` and `VectorEnv` reseed it. */
  rng = new Rng(0);
  stepCount = 0;
  terminated = false;
  truncated = false;
  /** The events raised by the last step, one bit per entry of `events`. */
  eventMask = 0;

  /**
   * Whether the current episode begins a new trial: where an agent's memory
   * starts afresh. Every episode does, except in environments that keep one
   * task for several episodes (a meta-RL trial), where memory carries over.
   */
  get newTrial(): boolean {
    return true;
  }

  /**
   * The event that marks a successful episode: `success` or `reach:goal`
   * when the environment raises one. A task whose goal is its reward spec's
   * machine names the machine's acceptance (`rm:accept`) instead.
   */
  get successEvent(): string | undefined {
    return ["success", "reach:goal"].find((e) => this.events.includes(e));
  }

  /**
   * A learner that computes advantages hands back this environment's, one
   * per step since its last call (`advantages[row + k·stride]`, k < count,
   * in step order), at the end of each rollout: what a curriculum scoring
   * tasks by the learner's value loss needs. Most environments ignore them.
   */
  scoreSteps(_advantages: Float32Array, _row: number, _stride: number, _count: number): void {}

  /**
   * Restarts the random stream from `seed` (Gymnasium's `reset(seed=…)`),
   * then calls `onSeed`. `Env` and `VectorEnv` call it; the next `reset` uses the new stream.
   */
  seed(seed: number): void {
    this.rng.reseed(seed);
    this.onSeed();
  }

  /** Runs after every reseed: redraw what is fixed per seed (a bandit's arm means). */
  protected onSeed(): void {}

  /** With fixed layouts: the seeds episodes restart from, and which is next. */
  private layouts: { seeds: readonly number[]; next: number } | undefined;

  /**
   * Draws every episode from a fixed set of layouts instead of a new one each
   * time (Procgen's `num_levels`): each reset first reseeds from the next of
   * `seeds`, in turn, starting at `first`. One seed gives the singleton
   * variant of a contextual task: the same layout every episode.
   */
  fixLayouts(seeds: readonly number[], first = 0): void {
    if (seeds.length === 0 || !seeds.every(Number.isSafeInteger)) throw new Error(`fixLayouts: expected integer seeds, got ${JSON.stringify(seeds)}`);
    this.layouts = { seeds: [...seeds], next: first % seeds.length };
  }

  /** Starts a new episode from the current random stream and writes the first observation. */
  reset(obs: Float32Array, offset: number): void {
    const layouts = this.layouts;
    if (layouts) {
      this.seed(layouts.seeds[layouts.next]);
      layouts.next = (layouts.next + 1) % layouts.seeds.length;
    }
    this.stepCount = 0;
    this.terminated = false;
    this.truncated = false;
    this.eventMask = 0;
    this.generate();
    this.observe(obs, offset);
  }

  /**
   * Applies the action at `actions[actionOffset …]`, writes the next observation and
   * returns the reward. `terminated` is set by the task; `truncated` once `maxSteps` is reached.
   */
  step(actions: ArrayLike<number>, actionOffset: number, obs: Float32Array, offset: number): number {
    this.stepCount++;
    this.eventMask = 0;
    const reward = this.transition(actions, actionOffset);
    this.truncated = this.stepCount >= this.maxSteps;
    this.observe(obs, offset);
    return reward;
  }

  /** Draws a new episode's initial state from `this.rng`. */
  protected abstract generate(): void;
  /** Applies one action; sets `terminated` and raises events; returns the reward. */
  protected abstract transition(actions: ArrayLike<number>, offset: number): number;
  /** Writes the observation of the current state. */
  abstract observe(obs: Float32Array, offset: number): void;
  /** A text picture of the current state (Gymnasium's `render_mode="ansi"`). */
  abstract render(): string;
  /** Task-specific facts for `info` (a mission string, arm means). */
  info(): Record<string, unknown> {
    return {};
  }
}
