/**
 * MountainCarContinuous-v0: MountainCar with a continuous throttle, with
 * Gymnasium's dynamics.
 *
 * ## Description
 * The car of MountainCar-v0 (same valley, same speed and position limits),
 * driven by a force in [−1, 1] scaled by a power of 0.0015. Each step:
 *
 *     f = clip(a, −1, 1)
 *     v ← clip(v + f·0.0015 − 0.0025·cos(3x), −0.07, 0.07)
 *     x ← clip(x + v, −1.2, 0.6);  v ← 0 if x = −1.2 and v < 0
 *
 * Gymnasium stores this environment's state as float32 between steps; here
 * it stays Float64 (the observation is float32 either way).
 *
 * ## Action Space
 * Box(−1, 1, (1,)): the throttle. Values outside are clipped for the physics;
 * NaN or ±∞ is a `UserError`.
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
 * −0.1·a² every step, plus 100 on the step that reaches the goal. As in
 * Gymnasium, the penalty uses the action as given, before clipping.
 *
 * ## Termination
 * Terminated when x ≥ 0.45 and v ≥ `goalVelocity` (0) (event `reach:goal`).
 * Event `hit:wall` when the car stops against the left wall. Truncated at
 * `maxSteps` (999).
 *
 * ## Registered Configurations
 * `MountainCarContinuous-v0`.
 */
import { z } from "zod";
import { parseConfig } from "../../core/config.js";
import { Box } from "../../core/spaces.js";
import { EnvCore, feature } from "../core.js";
import { checkState, clip, type ControlState, finiteAction, signed, status } from "./common.js";
import { carHeight, GRAVITY, MAX_POSITION, MAX_SPEED, MIN_POSITION } from "./mountaincar.js";

export const MountainCarContinuousKwargs = z
  .object({
    maxSteps: z.number().int().positive().default(999).describe("episode length before truncation"),
    goalVelocity: z.number().default(0).describe("the least velocity that counts at the goal"),
  })
  .strict();

const minAction = -1.0;
const maxAction = 1.0;
const power = 0.0015;
const goalPosition = 0.45;

const EVENTS = ["reach:goal", "hit:wall"] as const;
const REACH_GOAL = 1 << 0;
const HIT_WALL = 1 << 1;

const FEATURES = [
  feature<MountainCarContinuous>("car.position", "car position x in [−1.2, 0.6]; the goal is at 0.45", (c) => c.position),
  feature<MountainCarContinuous>("car.velocity", "car velocity in [−0.07, 0.07]", (c) => c.velocity),
  feature<MountainCarContinuous>("car.height", "height of the track under the car, sin(3x)·0.45 + 0.55", (c) => carHeight(c.position)),
  feature<MountainCarContinuous>("goal.distance", "distance left to the goal position, max(0, 0.45 − x)", (c) => Math.max(0, goalPosition - c.position)),
  feature<MountainCarContinuous>("force", "the throttle applied by the last step, clipped to [−1, 1] (0 after reset)", (c) => c.lastForce),
];

export class MountainCarContinuous extends EnvCore implements ControlState {
  readonly observationSpace = new Box([MIN_POSITION, -MAX_SPEED], [MAX_POSITION, MAX_SPEED]);
  readonly actionSpace = new Box(minAction, maxAction, [1]);
  readonly features = FEATURES;
  readonly events = EVENTS;
  readonly stateNames = ["position", "velocity"] as const;
  readonly maxSteps: number;
  private readonly goalVelocity: number;

  position = 0;
  velocity = 0;
  /** The clipped throttle of the last step. */
  lastForce = 0;

  constructor(kwargs: z.input<typeof MountainCarContinuousKwargs> = {}) {
    super();
    const k = parseConfig(MountainCarContinuousKwargs, kwargs, "env.kwargs");
    this.maxSteps = k.maxSteps;
    this.goalVelocity = k.goalVelocity;
  }

  /** Rejects a NaN or infinite action before anything changes. */
  override step(actions: ArrayLike<number>, actionOffset: number, obs: Float32Array, offset: number): number {
    finiteAction(actions, actionOffset);
    return super.step(actions, actionOffset, obs, offset);
  }

  protected generate(): void {
    this.position = this.rng.uniform(-0.6, -0.4);
    this.velocity = 0;
    this.lastForce = 0;
  }

  protected transition(actions: ArrayLike<number>, offset: number): number {
    const a = actions[offset];
    const f = clip(a, minAction, maxAction);
    this.lastForce = f;
    // v += f·power − 0.0025·cos(3x), the increment summed first as Gymnasium's `+=` does.
    let velocity = this.velocity + (f * power - GRAVITY * Math.cos(3 * this.position));
    velocity = clip(velocity, -MAX_SPEED, MAX_SPEED);
    const position = clip(this.position + velocity, MIN_POSITION, MAX_POSITION);
    if (position === MIN_POSITION && velocity < 0) {
      velocity = 0;
      this.eventMask |= HIT_WALL;
    }
    this.position = position;
    this.velocity = velocity;

    let reward = 0;
    if (position >= goalPosition && velocity >= this.goalVelocity) {
      this.terminated = true;
      this.eventMask |= REACH_GOAL;
      reward = 100;
    }
    // The energy penalty uses the raw action, not the clipped force (as Gymnasium).
    return reward - a * a * 0.1;
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
    return `MountainCarContinuous x=${signed(this.position, 4)} v=${signed(this.velocity, 4)} force=${signed(this.lastForce, 2)} goal=${goalPosition} ${status(this)}`;
  }
}
