/**
 * Pendulum-v1: swing a frictionless pendulum up and hold it upright, with
 * Gymnasium's dynamics.
 *
 * ## Description
 * A rod of mass m = 1 and length l = 1 turns about a fixed end; θ = 0 is
 * upright. A torque u in [−2, 2] acts on it. Each step, with dt = 0.05:
 *
 *     θ̇ ← clip(θ̇ + (3g/(2l)·sin θ + 3/(m l²)·u)·dt, −8, 8)
 *     θ ← θ + θ̇·dt
 *
 * (θ itself is not wrapped; the observation and the reward only see it
 * through cos, sin and the normalized angle.)
 *
 * ## Action Space
 * Box(−2, 2, (1,)): the torque. Values outside are clipped; NaN or ±∞ is a
 * `UserError`.
 *
 * ## Observation
 * Box(3), float32.
 * | Num | Observation | Min | Max |
 * |-----|-------------|-----|-----|
 * | 0   | cos θ       | −1  | 1   |
 * | 1   | sin θ       | −1  | 1   |
 * | 2   | θ̇           | −8  | 8   |
 * The reset θ is uniform in [−π, π] and θ̇ uniform in [−1, 1].
 *
 * ## Rewards
 * −(norm(θ)² + 0.1·θ̇² + 0.001·u²), from the state before the step and the
 * clipped torque; norm wraps θ to [−π, π). The best reward is 0 (upright, at
 * rest, no torque), the worst about −16.27.
 *
 * ## Termination
 * Never terminates. Truncated at `maxSteps` (200).
 *
 * ## Registered Configurations
 * `Pendulum-v1`.
 */
import { z } from "zod";
import { parseConfig } from "../../core/config.js";
import { Box } from "../../core/spaces.js";
import { EnvCore, feature } from "../core.js";
import { angleNormalize, checkState, clip, type ControlState, finiteAction, signed, status } from "./common.js";

export const PendulumKwargs = z
  .object({
    maxSteps: z.number().int().positive().default(200).describe("episode length before truncation"),
    g: z.number().positive().default(10).describe("gravitational acceleration (m/s²)"),
  })
  .strict();

const maxSpeed = 8;
const maxTorque = 2.0;
const dt = 0.05;
const m = 1.0;
const l = 1.0;

const EVENTS: readonly string[] = [];

const FEATURES = [
  feature<Pendulum>("pole.angle", "angle from upright, normalized to [−π, π) (rad)", (c) => angleNormalize(c.theta)),
  feature<Pendulum>("pole.angularVelocity", "θ̇ (rad/s, in ±8)", (c) => c.thetaDot),
  feature<Pendulum>("pole.height", "cos θ: 1 upright, −1 hanging down", (c) => Math.cos(c.theta)),
  feature<Pendulum>("torque", "the torque applied by the last step, clipped to [−2, 2] (0 after reset)", (c) => c.lastTorque),
];

export class Pendulum extends EnvCore implements ControlState {
  readonly observationSpace = new Box([-1, -1, -maxSpeed], [1, 1, maxSpeed]);
  readonly actionSpace = new Box(-maxTorque, maxTorque, [1]);
  readonly features = FEATURES;
  readonly events = EVENTS;
  readonly stateNames = ["theta", "thetaDot"] as const;
  readonly maxSteps: number;
  private readonly g: number;

  theta = 0;
  thetaDot = 0;
  /** The clipped torque of the last step. */
  lastTorque = 0;

  constructor(kwargs: z.input<typeof PendulumKwargs> = {}) {
    super();
    const k = parseConfig(PendulumKwargs, kwargs, "env.kwargs");
    this.maxSteps = k.maxSteps;
    this.g = k.g;
  }

  /** Rejects a NaN or infinite action before anything changes. */
  override step(actions: ArrayLike<number>, actionOffset: number, obs: Float32Array, offset: number): number {
    finiteAction(actions, actionOffset);
    return super.step(actions, actionOffset, obs, offset);
  }

  protected generate(): void {
    this.theta = this.rng.uniform(-Math.PI, Math.PI);
    this.thetaDot = this.rng.uniform(-1, 1);
    this.lastTorque = 0;
  }

  protected transition(actions: ArrayLike<number>, offset: number): number {
    const { theta: th, thetaDot: thdot, g } = this;
    const u = clip(actions[offset], -maxTorque, maxTorque);
    this.lastTorque = u;

    // cost = norm(θ)² + 0.1·θ̇² + 0.001·u², on the state before the step
    const thNorm = angleNormalize(th);
    const costs = thNorm * thNorm + 0.1 * (thdot * thdot) + 0.001 * (u * u);

    let newThdot = thdot + ((3 * g) / (2 * l) * Math.sin(th) + (3.0 / (m * l * l)) * u) * dt;
    newThdot = clip(newThdot, -maxSpeed, maxSpeed);
    this.theta = th + newThdot * dt;
    this.thetaDot = newThdot;
    return -costs;
  }

  observe(obs: Float32Array, offset: number): void {
    obs[offset] = Math.cos(this.theta);
    obs[offset + 1] = Math.sin(this.theta);
    obs[offset + 2] = this.thetaDot;
  }

  getState(): number[] {
    return [this.theta, this.thetaDot];
  }

  setState(state: ArrayLike<number>): void {
    checkState(state, this.stateNames);
    this.theta = state[0];
    this.thetaDot = state[1];
  }

  render(): string {
    return `Pendulum θ=${signed(angleNormalize(this.theta))} θ̇=${signed(this.thetaDot)} u=${signed(this.lastTorque, 2)} ${status(this)}`;
  }
}
