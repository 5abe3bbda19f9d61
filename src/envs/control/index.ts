/**
 * Classic control environments with Gymnasium's dynamics: CartPole,
 * MountainCar (discrete and continuous), Acrobot and Pendulum.
 */
import { defineEnv, type EnvSpec } from "../spec.js";
import { Acrobot, AcrobotKwargs } from "./acrobot.js";
import { CartPole, CartPoleKwargs } from "./cartpole.js";
import { CueRecall, CueRecallKwargs } from "./cue-recall.js";
import { MountainCar, MountainCarKwargs } from "./mountaincar.js";
import { MountainCarContinuous, MountainCarContinuousKwargs } from "./mountaincar-continuous.js";
import { Pendulum, PendulumKwargs } from "./pendulum.js";

export { Acrobot, AcrobotKwargs } from "./acrobot.js";
export { CartPole, CartPoleKwargs } from "./cartpole.js";
export type { ControlState } from "./common.js";
export { MountainCar, MountainCarKwargs } from "./mountaincar.js";
export { MountainCarContinuous, MountainCarContinuousKwargs } from "./mountaincar-continuous.js";
export { Pendulum, PendulumKwargs } from "./pendulum.js";

/** Classic control environments (Gymnasium's dynamics). */
export const controlEnvs: EnvSpec[] = [
  defineEnv({
    id: "CartPole-v1",
    family: "control",
    summary: "Balance a pole on a moving cart; +1 per step until it falls past 12° or the cart leaves ±2.4",
    kwargs: CartPoleKwargs,
    create: (k) => new CartPole(k),
  }),
  defineEnv({
    id: "MountainCar-v0",
    family: "control",
    summary: "Rock an underpowered car out of a valley to the flag at x = 0.5; −1 per step",
    kwargs: MountainCarKwargs,
    create: (k) => new MountainCar(k),
  }),
  defineEnv({
    id: "MountainCarContinuous-v0",
    family: "control",
    summary: "MountainCar with a continuous throttle in [−1, 1]; +100 at the flag (x ≥ 0.45), −0.1·a² per step",
    kwargs: MountainCarContinuousKwargs,
    create: (k) => new MountainCarContinuous(k),
  }),
  defineEnv({
    id: "Acrobot-v1",
    family: "control",
    summary: "Swing a two-link arm, torqued at the elbow, until its tip rises one link above the pivot; −1 per step",
    kwargs: AcrobotKwargs,
    create: (k) => new Acrobot(k),
  }),
  defineEnv({
    id: "Pendulum-v1",
    family: "control",
    summary: "Swing a pendulum upright and hold it with torque in [−2, 2]; reward −(θ² + 0.1·θ̇² + 0.001·u²)",
    kwargs: PendulumKwargs,
    create: (k) => new Pendulum(k),
  }),
];

/** Not Gymnasium's: a minimal test of memory for recurrent learners. */
export const memoryTestEnvs: EnvSpec[] = [
  defineEnv({
    id: "CueRecall-v0",
    family: "control",
    summary: "a test of memory: recall a cue shown only at the start, after a delay (a feed-forward policy is right half the time)",
    kwargs: CueRecallKwargs,
    create: (k) => new CueRecall(k),
  }),
];
