/**
 * CartPole-v1: balance a pole on a cart that moves along a frictionless track
 * (Barto, Sutton & Anderson 1983), with Gymnasium's dynamics.
 *
 * ## Description
 * A pole is hinged to a cart. Each step pushes the cart left or right with a
 * fixed force; the pole starts nearly upright and the task is to keep it up.
 * The equations of motion are Florian's (2007, "Correct equations for the
 * dynamics of the cart-pole system") without friction, integrated with
 * explicit Euler over τ = 0.02 s.
 *
 * ## Action Space
 * Discrete(2).
 * | Num | Action                      |
 * |-----|-----------------------------|
 * | 0   | push the cart left (−10 N)  |
 * | 1   | push the cart right (+10 N) |
 *
 * ## Observation
 * Box(4), float32.
 * | Num | Observation           | Min     | Max    |
 * |-----|-----------------------|---------|--------|
 * | 0   | cart position x       | −4.8    | 4.8    |
 * | 1   | cart velocity ẋ       | −∞      | ∞      |
 * | 2   | pole angle θ (rad)    | −0.419  | 0.419  |
 * | 3   | pole angular vel. θ̇   | −∞      | ∞      |
 * The reset state is uniform in [−0.05, 0.05]⁴.
 *
 * ## Rewards
 * +1 every step, including the one that ends the episode. With
 * `suttonBartoReward` (Gymnasium's `sutton_barto_reward`): 0 per step and −1
 * on the step that terminates.
 *
 * ## Termination
 * Terminated when |x| > 2.4 (event `fall:position`) or |θ| > 12° = 12·2π/360
 * rad (event `fall:angle`); both may be raised at once. Truncated at
 * `maxSteps` (500).
 *
 * ## Registered Configurations
 * `CartPole-v1`.
 */
import { z } from "zod";
import { parseConfig } from "../../core/config.js";
import { Box, Discrete } from "../../core/spaces.js";
import { EnvCore, feature } from "../core.js";
import { checkState, type ControlState, signed, status } from "./common.js";

export const CartPoleKwargs = z
  .object({
    maxSteps: z.number().int().positive().default(500).describe("episode length before truncation"),
    suttonBartoReward: z.boolean().default(false).describe("reward 0 per step and −1 on falling, as Sutton & Barto"),
  })
  .strict();
export type CartPoleKwargs = z.output<typeof CartPoleKwargs>;

const gravity = 9.8;
const massCart = 1.0;
const massPole = 0.1;
const totalMass = massCart + massPole;
/** Half the pole's length. */
const length = 0.5;
const poleMassLength = massPole * length;
const forceMag = 10.0;
const tau = 0.02;
export const CARTPOLE_X_THRESHOLD = 2.4;
export const CARTPOLE_THETA_THRESHOLD = (12 * 2 * Math.PI) / 360;

const EVENTS = ["fall:angle", "fall:position"] as const;
const FALL_ANGLE = 1 << 0;
const FALL_POSITION = 1 << 1;

const FEATURES = [
  feature<CartPole>("cart.x", "cart position (m); the episode ends beyond ±2.4", (c) => c.x),
  feature<CartPole>("cart.velocity", "cart velocity (m/s)", (c) => c.xDot),
  feature<CartPole>("pole.angle", "pole angle from upright (rad); the episode ends beyond ±12°", (c) => c.theta),
  feature<CartPole>("pole.angularVelocity", "pole angular velocity (rad/s)", (c) => c.thetaDot),
];

export class CartPole extends EnvCore implements ControlState {
  readonly observationSpace = new Box(
    [-CARTPOLE_X_THRESHOLD * 2, -Infinity, -CARTPOLE_THETA_THRESHOLD * 2, -Infinity],
    [CARTPOLE_X_THRESHOLD * 2, Infinity, CARTPOLE_THETA_THRESHOLD * 2, Infinity],
  );
  readonly actionSpace = new Discrete(2);
  readonly features = FEATURES;
  readonly events = EVENTS;
  readonly stateNames = ["x", "xDot", "theta", "thetaDot"] as const;
  readonly maxSteps: number;
  private readonly suttonBartoReward: boolean;

  // State (read by features; write through setState).
  x = 0;
  xDot = 0;
  theta = 0;
  thetaDot = 0;

  constructor(kwargs: z.input<typeof CartPoleKwargs> = {}) {
    super();
    const k = parseConfig(CartPoleKwargs, kwargs, "env.kwargs");
    this.maxSteps = k.maxSteps;
    this.suttonBartoReward = k.suttonBartoReward;
  }

  protected generate(): void {
    this.x = this.rng.uniform(-0.05, 0.05);
    this.xDot = this.rng.uniform(-0.05, 0.05);
    this.theta = this.rng.uniform(-0.05, 0.05);
    this.thetaDot = this.rng.uniform(-0.05, 0.05);
  }

  protected transition(actions: ArrayLike<number>, offset: number): number {
    const force = actions[offset] === 1 ? forceMag : -forceMag;
    const { x, xDot, theta, thetaDot } = this;
    const cosTheta = Math.cos(theta);
    const sinTheta = Math.sin(theta);

    // θ̈ = (g sinθ − cosθ·temp) / (l·(4/3 − m_p cos²θ / M)),  temp = (F + m_p l θ̇² sinθ) / M
    const temp = (force + poleMassLength * thetaDot * thetaDot * sinTheta) / totalMass;
    const thetaAcc = (gravity * sinTheta - cosTheta * temp) / (length * (4.0 / 3.0 - (massPole * cosTheta * cosTheta) / totalMass));
    // ẍ = temp − m_p l θ̈ cosθ / M
    const xAcc = temp - (poleMassLength * thetaAcc * cosTheta) / totalMass;

    // Explicit Euler: positions move with the old velocities.
    this.x = x + tau * xDot;
    this.xDot = xDot + tau * xAcc;
    this.theta = theta + tau * thetaDot;
    this.thetaDot = thetaDot + tau * thetaAcc;

    if (this.theta < -CARTPOLE_THETA_THRESHOLD || this.theta > CARTPOLE_THETA_THRESHOLD) this.eventMask |= FALL_ANGLE;
    if (this.x < -CARTPOLE_X_THRESHOLD || this.x > CARTPOLE_X_THRESHOLD) this.eventMask |= FALL_POSITION;
    this.terminated = this.eventMask !== 0;

    if (this.suttonBartoReward) return this.terminated ? -1 : 0;
    return 1;
  }

  observe(obs: Float32Array, offset: number): void {
    obs[offset] = this.x;
    obs[offset + 1] = this.xDot;
    obs[offset + 2] = this.theta;
    obs[offset + 3] = this.thetaDot;
  }

  getState(): number[] {
    return [this.x, this.xDot, this.theta, this.thetaDot];
  }

  setState(state: ArrayLike<number>): void {
    checkState(state, this.stateNames);
    this.x = state[0];
    this.xDot = state[1];
    this.theta = state[2];
    this.thetaDot = state[3];
  }

  render(): string {
    const deg = (this.theta * 180) / Math.PI;
    return `CartPole x=${signed(this.x)} ẋ=${signed(this.xDot)} θ=${signed(deg, 2)}° θ̇=${signed(this.thetaDot)} ${status(this)}`;
  }
}
