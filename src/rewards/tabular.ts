/**
 * A reward program evaluated on every transition of a tabular model, so
 * that value iteration can compare the optimal policies of different
 * reward designs exactly (does shaping keep the optimal policy?).
 *
 * Each (s, a) is one row of a single batch: s's features, the step's events
 * and task reward, s′'s features. Every row is the first step of an episode
 * for the program's per-episode state (an event with `once` pays), so the
 * result is the Markov reward R(s, a, s′) the spec defines.
 */
import type { GridEnv } from "../envs/grid/engine.js";
import type { TabularModel } from "../envs/tabular.js";
import type { RewardBatch } from "./batch.js";
import type { RewardProgram } from "./program.js";

/** The program's total reward for every transition: out[s·A + a]. */
export function tabularReward(core: GridEnv, model: TabularModel, program: RewardProgram): Float64Array {
  return tabularRewards(core, model, program).total;
}

/** The total (what an agent learns from) and the primary (true) reward of every transition, and each term's. */
export function tabularRewards(core: GridEnv, model: TabularModel, program: RewardProgram): { total: Float64Array; primary: Float64Array; terms: Float64Array[] } {
  const { numStates: S, numActions: A } = model;
  const n = S * A;
  const features = program.features.map((name) => {
    const f = core.features.find((x) => x.name === name);
    if (!f) throw new Error(`feature ${name} not in environment`);
    return f;
  });
  const prev = features.map(() => new Float64Array(n));
  const next = features.map(() => new Float64Array(n));
  const batch: RewardBatch = {
    n,
    prev,
    next,
    actions: new Int32Array(n),
    actionSize: 1,
    taskReward: new Float32Array(n),
    terminated: new Uint8Array(n),
    truncated: new Uint8Array(n),
    events: new Uint32Array(n),
    obsSize: core.observationSpace.size,
    episodeStep: new Float64Array(n).fill(1),
  };
  const start = core.snapshot();
  const obs = new Float32Array(core.observationSpace.size);
  const action = new Int32Array(1);
  try {
    for (let s = 0; s < S; s++) {
      for (let a = 0; a < A; a++) {
        const row = s * A + a;
        core.restore(model.snapshots[s]);
        features.forEach((f, j) => (prev[j][row] = f.read(core)));
        action[0] = a;
        (batch.actions as Int32Array)[row] = a;
        (batch.taskReward as Float32Array)[row] = core.step(action, 0, obs, 0);
        (batch.terminated as Uint8Array)[row] = core.terminated ? 1 : 0;
        (batch.events as Uint32Array)[row] = core.eventMask;
        features.forEach((f, j) => (next[j][row] = f.read(core)));
      }
    }
  } finally {
    core.restore(start);
  }
  const bound = program.bind(batch, core.events);
  bound.apply();
  return { total: Float64Array.from(bound.total64), primary: Float64Array.from(bound.primary), terms: bound.terms.map((t) => Float64Array.from(t)) };
}

/** The one-step backup Q(s, ·) = R(s, ·) + γ·V(s′)·(1 − terminal), written into `q` (length A). */
export function backup(model: TabularModel, reward: ArrayLike<number>, V: ArrayLike<number>, gamma: number, s: number, q: Float64Array): Float64Array {
  const A = model.numActions;
  for (let a = 0; a < A; a++) {
    const i = s * A + a;
    q[a] = reward[i] + (model.terminal[i] ? 0 : gamma * V[model.next[i]]);
  }
  return q;
}

/**
 * Sweeps V(s) ← value(Q(s, ·), s) over the states, in place (Gauss–Seidel),
 * until no state moves by more than `tolerance`: value iteration with `max`,
 * policy evaluation with Σ_a π(a|s)·Q(s, a), soft value iteration with τ·log Σ exp(Q/τ).
 */
export function sweepValues(model: TabularModel, reward: ArrayLike<number>, gamma: number, value: (q: Float64Array, s: number) => number, tolerance = 1e-10): Float64Array {
  const V = new Float64Array(model.numStates);
  const q = new Float64Array(model.numActions);
  for (let sweep = 0; sweep < 100_000; sweep++) {
    let delta = 0;
    for (let s = 0; s < model.numStates; s++) {
      const v = value(backup(model, reward, V, gamma, s, q), s);
      delta = Math.max(delta, Math.abs(v - V[s]));
      V[s] = v;
    }
    if (delta < tolerance) return V;
  }
  return V;
}

/** max_a q[a] (no spread: it runs once per state per sweep). */
export const maxOf = (q: ArrayLike<number>): number => {
  let best = -Infinity;
  for (let a = 0; a < q.length; a++) if (q[a] > best) best = q[a];
  return best;
};

/** Optimal values by value iteration: V(s) = max_a R(s,a) + γ·V(s′)·(1 − terminal). */
export function valueIteration(model: TabularModel, reward: ArrayLike<number>, gamma: number, tolerance = 1e-10): Float64Array {
  return sweepValues(model, reward, gamma, maxOf, tolerance);
}

/** For each state, the set of optimal actions (within `tolerance` of the best Q-value), as a bit mask. */
export function optimalActions(model: TabularModel, reward: ArrayLike<number>, V: Float64Array, gamma: number, tolerance = 1e-7): Uint32Array {
  const { numStates: S, numActions: A } = model;
  const out = new Uint32Array(S);
  const q = new Float64Array(A);
  for (let s = 0; s < S; s++) {
    const best = maxOf(backup(model, reward, V, gamma, s, q));
    for (let a = 0; a < A; a++) if (q[a] >= best - tolerance) out[s] |= 1 << a;
  }
  return out;
}

/**
 * Iterative policy evaluation: V^π(s) = Σ_a π(a|s)·(R(s,a) + γ·V^π(s′)·(1 − terminal)),
 * with `policy[s·A + a]` = π(a|s).
 */
export function policyEvaluation(model: TabularModel, reward: ArrayLike<number>, policy: ArrayLike<number>, gamma: number, tolerance = 1e-10): Float64Array {
  const A = model.numActions;
  return sweepValues(
    model,
    reward,
    gamma,
    (q, s) => {
      let v = 0;
      for (let a = 0; a < A; a++) if (policy[s * A + a] !== 0) v += policy[s * A + a] * q[a];
      return v;
    },
    tolerance,
  );
}
