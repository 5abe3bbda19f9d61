/**
 * ## Description
 * The smallest test of memory (the T-maze of Bakker 2002, without the maze):
 * a cue (A or B) is shown on the first observation only; after `delay`
 * blank steps the agent is asked to choose, and is rewarded for choosing the
 * cue. A policy without memory sees the same observation at the question
 * whatever the cue was, so it is right half the time at best.
 * ## Action Space  Discrete(2): choose A (0) or B (1); ignored before the question.
 * ## Observation  Box(3): [cue is A, cue is B, this is the question]; the cue only at reset, the flag only at the question.
 * ## Rewards  1 for choosing the cue at the question, 0 otherwise.
 * ## Termination  after the answer (delay + 1 steps); `success` or `failure` raised.
 * ## Registered  CueRecall-v0
 */
import { z } from "zod";
import { Box, Discrete } from "../../core/spaces.js";
import { EnvCore, feature } from "../core.js";

export const CueRecallKwargs = z
  .object({
    delay: z.number().int().min(0).max(10_000).default(5).describe("blank steps between the cue and the question"),
  })
  .strict();
export type CueRecallKwargs = z.output<typeof CueRecallKwargs>;

const EVENTS = ["success", "failure"] as const;

export class CueRecall extends EnvCore {
  readonly observationSpace = new Box(0, 1, [3]);
  readonly actionSpace = new Discrete(2);
  readonly events = EVENTS;
  readonly features = [feature("t", "steps taken this episode", (e: CueRecall) => e.stepCount), feature("question", "1 at the question", (e: CueRecall) => (e.stepCount === e.kwargs.delay ? 1 : 0))];
  readonly maxSteps: number;
  /** The cue of this episode: 0 (A) or 1 (B). */
  cue = 0;

  constructor(readonly kwargs: CueRecallKwargs) {
    super();
    this.maxSteps = kwargs.delay + 1;
  }

  protected generate(): void {
    this.cue = this.rng.int(2);
  }

  protected transition(actions: ArrayLike<number>, offset: number): number {
    // Step t = delay + 1 answers the question asked by the observation after step delay.
    if (this.stepCount <= this.kwargs.delay) return 0;
    this.terminated = true;
    const right = actions[offset] === this.cue;
    this.eventMask |= right ? 1 : 2;
    return right ? 1 : 0;
  }

  observe(obs: Float32Array, offset: number): void {
    obs[offset] = this.stepCount === 0 && this.cue === 0 ? 1 : 0;
    obs[offset + 1] = this.stepCount === 0 && this.cue === 1 ? 1 : 0;
    obs[offset + 2] = this.stepCount === this.kwargs.delay ? 1 : 0;
  }

  render(): string {
    return this.stepCount === 0 ? `cue ${"AB"[this.cue]}` : this.stepCount === this.kwargs.delay ? "choose" : "…";
  }
}
