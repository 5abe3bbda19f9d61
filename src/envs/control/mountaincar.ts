/**
 * MountainCar-v0: drive an underpowered car up a hill (Moore 1990), with
 * Gymnasium's dynamics.
 *
 * ## Description
 * A car sits in a valley whose height is sin(3x)·0.45 + 0.55. Its engine is
 * too weak to climb the right hill directly, so it must rock back and forth
 * to build momentum. Each step:
 *
 *     v ← clip(v + (a − 1)·0.001 − 0.0025·cos(3x), −0.07, 0.07)
 *     x ← clip(x + v, −1.2, 0.6);  v ← 0 if x = −1.2 and v < 0
 *
 * ## Action Space
 * Discrete(3).
 * | Num | Action                 |
 * |-----|------------------------|
 * | 0   | accelerate left        |
 * | 1   | don't accelerate       |
 * | 2   | accelerate right       |
 *
 * ## Observation
 * Box(2), float32.
 * | Num | Observation   | Min   | Max  |
 * |-----|---------------|-------|------|
 * | 0   | position x    | −1.2  | 0.6  |
 * | 1   | velocity v    | −0.07 | 0.07 |
 * The reset position is uniform in [−0.6, −0.4]; the velocity is 0.
 *
 * ## Rewards
 * −1 every step.
 *
 * ## Termination
 * Terminated when x ≥ 0.5 and v ≥ `goalVelocity` (0) (event `reach:goal`).
 * Event `hit:wall` when the car stops against the left wall. Truncated at
 * `maxSteps` (200).
 *
 * ## Registered Configurations
 * `MountainCar-v0`.
 */
import { z } from "zod";
import { parseConfig } from "../../core/config.js";
import { Box, Discrete } from "../../core/spaces.js";
import { EnvCore, feature } from "../core.js";
import { checkState, clip, type ControlState, signed, status } from "./common.js";

export const MountainCarKwargs = z
  .object({
    maxSteps: z.number().int().positive().default(200).describe("episode length before truncation"),
    goalVelocity: z.number().default(0).describe("the least velocity that counts at the goal"),
  })
  .strict();

// Shared with MountainCarContinuous-v0.
export const MIN_POSITION = -1.2;
export const MAX_POSITION = 0.6;
export const MAX_SPEED = 0.07;
export const GRAVITY = 0.0025;

const force = 0.001;
const goalPosition = 0.5;

/** The valley's height at position x (Gymnasium's `_height`). */
export function carHeight(x: number): number {
  return Math.sin(3 * x) * 0.45 + 0.55;
}

const EVENTS = ["reach:goal", "hit:wall"] as const;
const REACH_GOAL = 1 << 0;
const HIT_WALL = 1 << 1;

const FEATURES = [
  feature<MountainCar>("car.position", "car position x in [−1.2, 0.6]; the goal is at 0.5", (c) => c.position),
  feature<MountainCar>("car.velocity", "car velocity in [−0.07, 0.07]", (c) => c.velocity),
  feature<MountainCar>("car.height", "height of the track under the car, sin(3x)·0.45 + 0.55", (c) => carHeight(c.position)),
  feature<MountainCar>("goal.distance", "distance left to the goal position, max(0, 0.5 − x)", (c) => Math.max(0, goalPosition - c.position)),
];

export class MountainCar extends EnvCore implements ControlState {
  readonly observationSpace = new Box([MIN_POSITION, -MAX_SPEED], [MAX_POSITION, MAX_SPEED]);
  readonly actionSpace = new Discrete(3);
  readonly features = FEATURES;
  readonly events = EVENTS;
  readonly stateNames = ["position", "velocity"] as const;
  readonly maxSteps: number;
  private readonly goalVelocity: number;

  position = 0;
  velocity = 0;

  constructor(kwargs: z.input<typeof MountainCarKwargs> = {}) {
    super();
    const k = parseConfig(MountainCarKwargs, kwargs, "env.kwargs");
    this.maxSteps = k.maxSteps;
    this.goalVelocity = k.goalVelocity;
  }

  protected generate(): void {
    this.position = this.rng.uniform(-0.6, -0.4);
    this.velocity = 0;
  }

  protected transition(actions: ArrayLike<number>, offset: number): number {
    const a = actions[offset];
    // v += (a − 1)·force − g·cos(3x), the increment summed first as Gymnasium's `+=` does.
    let velocity = this.velocity + ((a - 1) * force + Math.cos(3 * this.position) * -GRAVITY);
    velocity = clip(velocity, -MAX_SPEED, MAX_SPEED);
    const position = clip(this.position + velocity, MIN_POSITION, MAX_POSITION);
    // The left wall is inelastic: the car stops dead against it.
    if (position === MIN_POSITION && velocity < 0) {
      velocity = 0;
      this.eventMask |= HIT_WALL;
    }
    this.position = position;
    this.velocity = velocity;

    if (position >= goalPosition && velocity >= this.goalVelocity) {
      this.terminated = true;
      this.eventMask |= REACH_GOAL;
    }
    return -1;
  }

  observe(obs: Float32Array, offset: number): void {
    obs[offset] = this.position;
    obs[offset + 1] = this.velocity;
  }

  getState(): number[] {
    return [this.position, this.velocity];
  }

  setState(state: ArrayLike<number>): void {
    checkState(state, this.stateNames);
    this.position = state[0];
    this.velocity = state[1];
  }

  render(): string {
    return `MountainCar x=${signed(this.position, 4)} v=${signed(this.velocity, 4)} goal=${goalPosition} ${status(this)}`;
  }
}
