/**
 * Acrobot-v1: swing a two-link pendulum, actuated only at the middle joint,
 * up above a bar (Sutton 1996; Sutton & Barto 2018), with Gymnasium's
 * dynamics.
 *
 * ## Description
 * Two links of length 1 and mass 1 (centres of mass at 0.5, moments of
 * inertia 1) hang from a fixed pivot. θ1 is the first link's angle from
 * hanging straight down, θ2 the second link's angle relative to the first.
 * A torque in {−1, 0, +1} acts on the joint between the links. The equations
 * of motion are the book's (Gymnasium's `book_or_nips = "book"`), integrated
 * with one classic RK4 step of dt = 0.2 s. After the step the angles are
 * wrapped to [−π, π] and the velocities clipped to ±4π and ±9π.
 *
 * ## Action Space
 * Discrete(3).
 * | Num | Action                        |
 * |-----|-------------------------------|
 * | 0   | apply −1 torque to the joint  |
 * | 1   | apply 0 torque                |
 * | 2   | apply +1 torque               |
 *
 * ## Observation
 * Box(6), float32.
 * | Num | Observation | Min  | Max |
 * |-----|-------------|------|-----|
 * | 0   | cos θ1      | −1   | 1   |
 * | 1   | sin θ1      | −1   | 1   |
 * | 2   | cos θ2      | −1   | 1   |
 * | 3   | sin θ2      | −1   | 1   |
 * | 4   | θ̇1          | −4π  | 4π  |
 * | 5   | θ̇2          | −9π  | 9π  |
 * The reset state (θ1, θ2, θ̇1, θ̇2) is uniform in [−0.1, 0.1]⁴. (Gymnasium
 * rounds the reset state to float32; here it stays Float64.)
 *
 * ## Rewards
 * −1 every step, 0 on the step that reaches the goal.
 *
 * ## Termination
 * Terminated when the free end is more than one link above the pivot,
 * −cos θ1 − cos(θ1 + θ2) > 1 (event `reach:goal`). Truncated at `maxSteps` (500).
 *
 * ## Registered Configurations
 * `Acrobot-v1`.
 */
import { z } from "zod";
import { parseConfig } from "../../core/config.js";
import { Box, Discrete } from "../../core/spaces.js";
import { EnvCore, feature } from "../core.js";
import { checkState, clip, type ControlState, signed, status, wrap } from "./common.js";

export const AcrobotKwargs = z
  .object({
    maxSteps: z.number().int().positive().default(500).describe("episode length before truncation"),
  })
  .strict();

const dt = 0.2;
const l1 = 1.0; // length of link 1 (m)
const m1 = 1.0; // mass of link 1 (kg)
const m2 = 1.0; // mass of link 2 (kg)
const lc1 = 0.5; // centre of mass of link 1 (m)
const lc2 = 0.5; // centre of mass of link 2 (m)
const I1 = 1.0; // moment of inertia of link 1
const I2 = 1.0; // moment of inertia of link 2
const g = 9.8;
export const ACROBOT_MAX_VEL_1 = 4 * Math.PI;
export const ACROBOT_MAX_VEL_2 = 9 * Math.PI;
const TORQUES = [-1.0, 0.0, 1.0] as const;

/** Height of the free end above the pivot, in link lengths: −cos θ1 − cos(θ1 + θ2). */
function tipHeight(theta1: number, theta2: number): number {
  return -Math.cos(theta1) - Math.cos(theta2 + theta1);
}

const EVENTS = ["reach:goal"] as const;
const REACH_GOAL = 1 << 0;

const FEATURES = [
  feature<Acrobot>("link1.angle", "θ1: angle of the first link from hanging down (rad, in [−π, π])", (c) => c.theta1),
  feature<Acrobot>("link2.angle", "θ2: angle of the second link relative to the first (rad, in [−π, π])", (c) => c.theta2),
  feature<Acrobot>("link1.angularVelocity", "θ̇1 (rad/s, in ±4π)", (c) => c.dtheta1),
  feature<Acrobot>("link2.angularVelocity", "θ̇2 (rad/s, in ±9π)", (c) => c.dtheta2),
  feature<Acrobot>("tip.height", "height of the free end above the pivot, −cos θ1 − cos(θ1 + θ2); the goal is > 1", (c) => tipHeight(c.theta1, c.theta2)),
];

export class Acrobot extends EnvCore implements ControlState {
  readonly observationSpace = new Box([-1, -1, -1, -1, -ACROBOT_MAX_VEL_1, -ACROBOT_MAX_VEL_2], [1, 1, 1, 1, ACROBOT_MAX_VEL_1, ACROBOT_MAX_VEL_2]);
  readonly actionSpace = new Discrete(3);
  readonly features = FEATURES;
  readonly events = EVENTS;
  readonly stateNames = ["theta1", "theta2", "dtheta1", "dtheta2"] as const;
  readonly maxSteps: number;

  theta1 = 0;
  theta2 = 0;
  dtheta1 = 0;
  dtheta2 = 0;

  // RK4 scratch: the four slopes and the probe state, reused every step.
  private readonly k1 = new Float64Array(4);
  private readonly k2 = new Float64Array(4);
  private readonly k3 = new Float64Array(4);
  private readonly k4 = new Float64Array(4);

  constructor(kwargs: z.input<typeof AcrobotKwargs> = {}) {
    super();
    this.maxSteps = parseConfig(AcrobotKwargs, kwargs, "env.kwargs").maxSteps;
  }

  protected generate(): void {
    this.theta1 = this.rng.uniform(-0.1, 0.1);
    this.theta2 = this.rng.uniform(-0.1, 0.1);
    this.dtheta1 = this.rng.uniform(-0.1, 0.1);
    this.dtheta2 = this.rng.uniform(-0.1, 0.1);
  }

  protected transition(actions: ArrayLike<number>, offset: number): number {
    const torque = TORQUES[actions[offset]];
    const { theta1: s0, theta2: s1, dtheta1: s2, dtheta2: s3, k1, k2, k3, k4 } = this;

    // y(t + dt) = y + dt/6·(k1 + 2k2 + 2k3 + k4), the torque held constant.
    const dt2 = dt / 2;
    dsdt(s0, s1, s2, s3, torque, k1);
    dsdt(s0 + dt2 * k1[0], s1 + dt2 * k1[1], s2 + dt2 * k1[2], s3 + dt2 * k1[3], torque, k2);
    dsdt(s0 + dt2 * k2[0], s1 + dt2 * k2[1], s2 + dt2 * k2[2], s3 + dt2 * k2[3], torque, k3);
    dsdt(s0 + dt * k3[0], s1 + dt * k3[1], s2 + dt * k3[2], s3 + dt * k3[3], torque, k4);
    const h = dt / 6;
    this.theta1 = wrap(s0 + h * (k1[0] + 2 * k2[0] + 2 * k3[0] + k4[0]), -Math.PI, Math.PI);
    this.theta2 = wrap(s1 + h * (k1[1] + 2 * k2[1] + 2 * k3[1] + k4[1]), -Math.PI, Math.PI);
    this.dtheta1 = clip(s2 + h * (k1[2] + 2 * k2[2] + 2 * k3[2] + k4[2]), -ACROBOT_MAX_VEL_1, ACROBOT_MAX_VEL_1);
    this.dtheta2 = clip(s3 + h * (k1[3] + 2 * k2[3] + 2 * k3[3] + k4[3]), -ACROBOT_MAX_VEL_2, ACROBOT_MAX_VEL_2);

    if (tipHeight(this.theta1, this.theta2) > 1.0) {
      this.terminated = true;
      this.eventMask |= REACH_GOAL;
      return 0;
    }
    return -1;
  }

  observe(obs: Float32Array, offset: number): void {
    obs[offset] = Math.cos(this.theta1);
    obs[offset + 1] = Math.sin(this.theta1);
    obs[offset + 2] = Math.cos(this.theta2);
    obs[offset + 3] = Math.sin(this.theta2);
    obs[offset + 4] = this.dtheta1;
    obs[offset + 5] = this.dtheta2;
  }

  getState(): number[] {
    return [this.theta1, this.theta2, this.dtheta1, this.dtheta2];
  }

  setState(state: ArrayLike<number>): void {
    checkState(state, this.stateNames);
    this.theta1 = state[0];
    this.theta2 = state[1];
    this.dtheta1 = state[2];
    this.dtheta2 = state[3];
  }

  render(): string {
    const tip = tipHeight(this.theta1, this.theta2);
    return `Acrobot θ1=${signed(this.theta1)} θ2=${signed(this.theta2)} θ̇1=${signed(this.dtheta1)} θ̇2=${signed(this.dtheta2)} tip=${signed(tip)} ${status(this)}`;
  }
}

/**
 * The time derivative of (θ1, θ2, θ̇1, θ̇2) under torque `a` (Sutton & Barto's
 * acrobot, the "book" form of θ̈2 with the m2·l1·lc2·θ̇1²·sin θ2 term), into `out`.
 */
function dsdt(theta1: number, theta2: number, dtheta1: number, dtheta2: number, a: number, out: Float64Array): void {
  const d1 = m1 * lc1 ** 2 + m2 * (l1 ** 2 + lc2 ** 2 + 2 * l1 * lc2 * Math.cos(theta2)) + I1 + I2;
  const d2 = m2 * (lc2 ** 2 + l1 * lc2 * Math.cos(theta2)) + I2;
  const phi2 = m2 * lc2 * g * Math.cos(theta1 + theta2 - Math.PI / 2.0);
  const phi1 =
    -m2 * l1 * lc2 * dtheta2 ** 2 * Math.sin(theta2) -
    2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * Math.sin(theta2) +
    (m1 * lc1 + m2 * l1) * g * Math.cos(theta1 - Math.PI / 2) +
    phi2;
  const ddtheta2 = (a + (d2 / d1) * phi1 - m2 * l1 * lc2 * dtheta1 ** 2 * Math.sin(theta2) - phi2) / (m2 * lc2 ** 2 + I2 - d2 ** 2 / d1);
  const ddtheta1 = -(d2 * ddtheta2 + phi1) / d1;
  out[0] = dtheta1;
  out[1] = dtheta2;
  out[2] = ddtheta1;
  out[3] = ddtheta2;
}
