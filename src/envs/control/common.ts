/**
 * Small numeric helpers the classic-control cores share: clipping, angle
 * wrapping, and the checks at their two public doors (a continuous action
 * arriving through `VectorEnv`, and `setState` from tests and planners).
 */
import { UserError } from "../../core/errors.js";

/** A core whose physical state can be read and written, for tests and planners. */
export interface ControlState {
  /** The names of the state variables, in `getState`/`setState` order. */
  readonly stateNames: readonly string[];
  /** A copy of the physical state (Float64 values). */
  getState(): number[];
  /** Replaces the physical state; does not touch `stepCount` or the episode flags. */
  setState(state: ArrayLike<number>): void;
}

export const TWO_PI = 2 * Math.PI;

/** `min(max(x, lo), hi)`, NumPy's `clip` for one number. */
export function clip(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

/**
 * The angle in [−π, π): `((x + π) mod 2π) − π` with a floored modulo, as
 * Python's `%` (JavaScript's `%` keeps the dividend's sign, so fix it up).
 */
export function angleNormalize(x: number): number {
  let m = (x + Math.PI) % TWO_PI;
  if (m < 0) m += TWO_PI;
  return m - Math.PI;
}

/**
 * Wraps `x` into [lo, hi] by whole turns (Gymnasium's acrobot `wrap`):
 * values exactly at a bound are kept, so π stays π.
 */
export function wrap(x: number, lo: number, hi: number): number {
  const diff = hi - lo;
  while (x > hi) x -= diff;
  while (x < lo) x += diff;
  return x;
}

/**
 * The continuous action at `actions[offset]`. `Env` checks actions already;
 * `VectorEnv` passes them straight through, so a NaN or ±∞ stops here,
 * before the core changes anything.
 */
export function finiteAction(actions: ArrayLike<number>, offset: number): number {
  const a = actions[offset];
  if (typeof a !== "number" || !Number.isFinite(a)) {
    throw new UserError("action", `expected a finite number, got ${a} (at offset ${offset})`);
  }
  return a;
}

/** Checks a `setState` argument: exactly `names.length` finite numbers. */
export function checkState(state: ArrayLike<number>, names: readonly string[]): void {
  if (state.length !== names.length) {
    throw new UserError("state", `expected ${names.length} numbers [${names.join(", ")}], got ${state.length}`);
  }
  for (let i = 0; i < names.length; i++) {
    if (!Number.isFinite(state[i])) throw new UserError(`state[${i}]`, `expected a finite number for ${names[i]}, got ${state[i]}`);
  }
}

/** A signed number with a fixed number of decimals, for `render()` lines. */
export function signed(x: number, digits = 3): string {
  return (x < 0 ? "" : "+") + x.toFixed(digits);
}

/** The episode status suffix of a `render()` line. */
export function status(core: { stepCount: number; maxSteps: number; terminated: boolean; truncated: boolean }): string {
  return `t=${core.stepCount}/${core.maxSteps}${core.terminated ? " terminated" : ""}${core.truncated ? " truncated" : ""}`;
}
