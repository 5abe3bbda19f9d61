/**
 * A tabular view of a small deterministic gridworld: every state reachable
 * from the current one, with transition and reward tables, so that value
 * iteration and policy evaluation can run on it exactly.
 *
 * Conventions: states are Markov states of the environment (grid contents,
 * agent pose, carried object), not the time; rewards are those of the first
 * step of an episode (MiniGrid's 1 − 0.9·t/T read at t = 1), and time limits
 * are left out, so the model is a discounted infinite-horizon MDP. A
 * transition that terminates leads to an absorbing state (`next` = −1).
 */
import { UserError } from "../core/errors.js";
import type { GridEnv, GridSnapshot } from "./grid/engine.js";

export interface TabularModel {
  /** Number of states. State 0 is the state the model was built from. */
  numStates: number;
  numActions: number;
  /** next[s·A + a]: the state after action a in state s, −1 if the step terminated. */
  next: Int32Array;
  /** reward[s·A + a]: the reward of that step. */
  reward: Float64Array;
  /** terminal[s·A + a]: 1 if the step terminated (next is −1). */
  terminal: Uint8Array;
  /** The environment's state key of each state. */
  keys: string[];
  /** A snapshot of each state (time reset to 0), to restore it into the environment. */
  snapshots: GridSnapshot[];
}

/**
 * Enumerates every state reachable from `core`'s current state by breadth-
 * first search. Throws a `UserError` if the environment is not deterministic
 * or has more than `maxStates` states. Leaves `core` as it found it.
 *
 * @example
 * const env = make("DoorKey-5x5"); env.reset(0);
 * const model = tabulate(env.core as GridEnv);
 */
export function tabulate(core: GridEnv, options: { maxStates?: number } = {}): TabularModel {
  const model = tryTabulate(core, options);
  if ("refused" in model) throw new UserError("tabulate", model.refused);
  return model;
}

/** Why a gridworld has no tabular model: too many states, or random dynamics. */
export interface TabulationRefused {
  refused: string;
}

/** `tabulate`, with its refusal as a value: for callers that do something else when there is no model. */
export function tryTabulate(core: GridEnv, options: { maxStates?: number } = {}): TabularModel | TabulationRefused {
  const maxStates = options.maxStates ?? 200_000;
  const numActions = core.actionSpace.n;
  const start = core.snapshot();
  const obs = new Float32Array(core.observationSpace.size);
  const action = new Int32Array(1);
  const index = new Map<string, number>();
  const keys: string[] = [];
  const snapshots: GridSnapshot[] = [];
  const next: number[] = [];
  const reward: number[] = [];
  const terminal: number[] = [];
  let refused: string | undefined;
  /** The current state's index (added if new); −1 when there is no room for it. */
  const add = (): number => {
    const key = core.stateKey();
    let s = index.get(key);
    if (s === undefined) {
      s = keys.length;
      if (s >= maxStates) {
        refused = `more than ${maxStates} states; use a smaller environment or raise maxStates`;
        return -1;
      }
      index.set(key, s);
      keys.push(key);
      const snap = core.snapshot();
      snap.stepCount = 0;
      snap.terminated = false;
      snap.truncated = false;
      snapshots.push(snap);
    }
    return s;
  };
  try {
    add();
    search: for (let s = 0; s < keys.length; s++) {
      for (let a = 0; a < numActions; a++) {
        core.restore(snapshots[s]);
        const rngBefore = core.rng.getState().join();
        action[0] = a;
        const r = core.step(action, 0, obs, 0);
        if (core.rng.getState().join() !== rngBefore) {
          refused = "the environment drew random numbers while stepping; a tabular model needs deterministic dynamics";
          break search;
        }
        reward.push(r);
        terminal.push(core.terminated ? 1 : 0);
        next.push(core.terminated ? -1 : add());
        if (refused !== undefined) break search;
      }
    }
  } finally {
    core.restore(start);
  }
  if (refused !== undefined) return { refused };
  return {
    numStates: keys.length,
    numActions,
    next: Int32Array.from(next),
    reward: Float64Array.from(reward),
    terminal: Uint8Array.from(terminal),
    keys,
    snapshots,
  };
}
