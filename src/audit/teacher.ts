/**
 * Teacher-driven reward design (after "Reward Design for Reinforcement
 * Learning Agents", 2025): a teacher who knows the optimal value function
 * V* designs the reward the learner gets.
 *
 *   - informative: potential-based shaping with Φ = V*. Every step's
 *     shaped reward R + γV*(s′) − V*(s) is 0 on optimal actions and negative
 *     on the others, so greedy one-step choices are already optimal; the
 *     optimal policy is unchanged (Ng et al. 1999).
 *   - interpretable: Φ ≈ Σ_k θ_k f_k(s) over a few of the environment's
 *     named features, chosen greedily to fit V* by least squares; the
 *     result is a readable spec term that also works on other layouts.
 *
 * The learner is tabular Q-learning on the exact model (ε-greedy from the
 * start state), and speed is the number of episodes until its greedy
 * policy is optimal for the primary reward from the start.
 */
import { Rng } from "../core/rng.js";
import { UserError } from "../core/errors.js";
import type { GridEnv } from "../envs/grid/engine.js";
import { makeVector } from "../envs/registry.js";
import { tabulate, type TabularModel } from "../envs/tabular.js";
import { compileReward } from "../rewards/program.js";
import { envInfoOf } from "../rewards/rewarded.js";
import { tabularRewards, valueIteration } from "../rewards/tabular.js";

export interface TeacherOptions {
  gamma?: number;
  seed?: number;
  kwargs?: Record<string, unknown>;
  /** Features in the interpretable potential. */
  features?: number;
  /** Q-learning runs per design: seeds 1000·seed … 1000·seed + runs − 1 unless `seeds` names them. */
  runs?: number;
  /** The Q-learning runs' own seeds (each run's ε-greedy draws), one run per seed, the same for every design. */
  seeds?: readonly number[];
  /** Each run's episode budget. */
  episodes?: number;
  alpha?: number;
  epsilon?: number;
}

export interface DesignSpeed {
  name: string;
  /** Episodes until the greedy policy was optimal, per run (null: not within the budget). */
  episodes: (number | null)[];
  /** Median over runs (Infinity if at least half did not get there). */
  median: number;
}

export interface TeacherReport {
  env: string;
  states: number;
  gamma: number;
  /** The interpretable potential: its expression, and the share of V*'s variance it explains. */
  phi: string;
  r2: number;
  /** The Q-learning runs' seeds, in the order of each design's `episodes`. */
  seeds: number[];
  designs: DesignSpeed[];
}

/** The default Q-learning seeds: `runs` of them from 1000 × the layout seed on. */
export function teacherSeeds(layoutSeed: number, runs: number): number[] {
  return Array.from({ length: runs }, (_, run) => layoutSeed * 1000 + run);
}

export function teacherDesign(envId: string, options: TeacherOptions = {}): TeacherReport {
  const { gamma = 0.99, seed = 0, kwargs, features: k = 3, runs = 10, episodes = 2000, alpha = 0.5, epsilon = 0.1 } = options;
  const seeds = [...(options.seeds ?? teacherSeeds(seed, runs))];
  const vec = makeVector(envId, 1, { kwargs });
  const core = vec.cores[0] as GridEnv;
  if (typeof (core as Partial<GridEnv>).snapshot !== "function") throw new UserError("--env", `teacher-driven design needs a deterministic gridworld with a tabular model; ${vec.id} is not one`);
  vec.reset(seed);
  const model = tabulate(core);
  const R = tabularRewards(core, model, compileReward({ terms: [{ kind: "task" }] }, envInfoOf(vec))).primary;
  const V = valueIteration(model, R, gamma);
  const table = featureTable(core, model);
  const { expression, phi, r2 } = fitPotential(table, V, k);
  const shaped = (P: ArrayLike<number>) => R.map((r, i) => r + (model.terminal[i] ? 0 : gamma * P[model.next[i]]) - P[Math.floor(i / model.numActions)]);
  const designs: [string, Float64Array][] = [
    ["sparse (task only)", R],
    ["informative (Φ = V*)", shaped(V)],
    [`interpretable (Φ = ${expression})`, shaped(phi)],
  ];
  const maxSteps = core.maxSteps;
  return {
    env: vec.id,
    states: model.numStates,
    gamma,
    phi: expression,
    r2,
    seeds,
    designs: designs.map(([name, reward]) => {
      const eps = seeds.map((s) => qLearningSpeed(model, reward, R, V[0], { gamma, alpha, epsilon, episodes, maxSteps, rng: new Rng(s) }));
      return { name, episodes: eps, median: median(eps) };
    }),
  };
}

/** Each named feature's value in every state of the model: name → values by state. */
function featureTable(core: GridEnv, model: TabularModel): Map<string, Float64Array> {
  const start = core.snapshot();
  const table = new Map<string, Float64Array>();
  // Time is not part of a Markov state here (the model resets it), so it cannot carry value.
  const usable = core.features.filter((f) => f.name !== "t");
  for (const f of usable) table.set(f.name, new Float64Array(model.numStates));
  try {
    for (let s = 0; s < model.numStates; s++) {
      core.restore(model.snapshots[s]);
      for (const f of usable) table.get(f.name)![s] = f.read(core);
    }
  } finally {
    core.restore(start);
  }
  return table;
}

/** Greedy forward selection of `k` features, least squares with an intercept, to fit V*. */
export function fitPotential(table: Map<string, Float64Array>, V: Float64Array, k: number): { expression: string; phi: Float64Array; r2: number; weights: Record<string, number> } {
  const names: string[] = [];
  let best = { sse: sumSquares(V, mean(V)), theta: [mean(V)] };
  for (let step = 0; step < k; step++) {
    let choice: { name: string; sse: number; theta: number[] } | undefined;
    for (const name of table.keys()) {
      if (names.includes(name)) continue;
      const cols = [...names, name].map((n) => table.get(n)!);
      const theta = leastSquares(cols, V);
      if (!theta) continue;
      const sse = residual(cols, theta, V);
      if (!choice || sse < choice.sse - 1e-12) choice = { name, sse, theta };
    }
    if (!choice || choice.sse >= best.sse - 1e-12) break;
    names.push(choice.name);
    best = choice;
  }
  const cols = names.map((n) => table.get(n)!);
  const phi = new Float64Array(V.length).map((_, s) => best.theta[0] + cols.reduce((acc, c, j) => acc + best.theta[j + 1] * c[s], 0));
  // The intercept is left out of the spec: a constant potential only shifts the first step.
  const terms = names.map((n, j) => `${best.theta[j + 1] >= 0 ? "+" : "-"} ${Math.abs(best.theta[j + 1]).toFixed(3)} * ${n}`);
  const expression = terms.length ? terms.join(" ").replace(/^\+ /, "").replace(/^- /, "-") : "0";
  const total = sumSquares(V, mean(V));
  return { expression, phi, r2: total > 0 ? 1 - best.sse / total : 1, weights: Object.fromEntries(names.map((n, j) => [n, best.theta[j + 1]])) };
}

/** θ for y ≈ θ₀ + Σ θ_j x_j by the normal equations (null when singular). */
function leastSquares(cols: Float64Array[], y: Float64Array): number[] | null {
  const p = cols.length + 1;
  const x = (j: number, s: number) => (j === 0 ? 1 : cols[j - 1][s]);
  const A = Array.from({ length: p }, () => new Array<number>(p + 1).fill(0));
  for (let s = 0; s < y.length; s++) {
    for (let i = 0; i < p; i++) {
      for (let j = 0; j < p; j++) A[i][j] += x(i, s) * x(j, s);
      A[i][p] += x(i, s) * y[s];
    }
  }
  // Gauss–Jordan with partial pivoting.
  for (let c = 0; c < p; c++) {
    let pivot = c;
    for (let r = c + 1; r < p; r++) if (Math.abs(A[r][c]) > Math.abs(A[pivot][c])) pivot = r;
    if (Math.abs(A[pivot][c]) < 1e-9) return null;
    [A[c], A[pivot]] = [A[pivot], A[c]];
    for (let r = 0; r < p; r++) {
      if (r === c) continue;
      const f = A[r][c] / A[c][c];
      for (let j = c; j <= p; j++) A[r][j] -= f * A[c][j];
    }
  }
  return A.map((row, i) => row[p] / A[i][i]);
}

function residual(cols: Float64Array[], theta: number[], y: Float64Array): number {
  let sse = 0;
  for (let s = 0; s < y.length; s++) {
    let f = theta[0];
    for (let j = 0; j < cols.length; j++) f += theta[j + 1] * cols[j][s];
    sse += (y[s] - f) ** 2;
  }
  return sse;
}

/**
 * Q-learning on the model with `reward`, ε-greedy from state 0; after each
 * episode, is the greedy policy optimal for `primary` from the start (its
 * discounted primary return within 1e-6 of V*(0))? Returns the episode at
 * which it first is, or null.
 */
function qLearningSpeed(model: TabularModel, reward: ArrayLike<number>, primary: ArrayLike<number>, optimum: number, o: { gamma: number; alpha: number; epsilon: number; episodes: number; maxSteps: number; rng: Rng }): number | null {
  const A = model.numActions;
  const Q = new Float64Array(model.numStates * A);
  const greedy = (s: number) => {
    let best = 0;
    for (let a = 1; a < A; a++) if (Q[s * A + a] > Q[s * A + best]) best = a;
    return best;
  };
  for (let episode = 1; episode <= o.episodes; episode++) {
    let s = 0;
    for (let t = 0; t < o.maxSteps; t++) {
      const a = o.rng.float() < o.epsilon ? o.rng.int(A) : greedy(s);
      const i = s * A + a;
      const next = model.next[i];
      let target = reward[i];
      if (!model.terminal[i]) {
        let m = -Infinity;
        for (let b = 0; b < A; b++) m = Math.max(m, Q[next * A + b]);
        target += o.gamma * m;
      }
      Q[i] += o.alpha * (target - Q[i]);
      if (model.terminal[i]) break;
      s = next;
    }
    // The greedy policy's primary return from the start.
    let ret = 0;
    let discount = 1;
    s = 0;
    for (let t = 0; t < o.maxSteps; t++) {
      const i = s * A + greedy(s);
      ret += discount * primary[i];
      if (model.terminal[i]) break;
      discount *= o.gamma;
      s = model.next[i];
    }
    if (ret >= optimum - 1e-6) return episode;
  }
  return null;
}

const mean = (x: Float64Array) => x.reduce((a, b) => a + b, 0) / x.length;
const sumSquares = (x: Float64Array, m: number) => x.reduce((s, v) => s + (v - m) ** 2, 0);
const median = (x: (number | null)[]) => {
  const v = x.map((e) => e ?? Infinity).sort((a, b) => a - b);
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};
