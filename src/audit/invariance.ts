/**
 * Did the heuristics change what is optimal? On a deterministic gridworld,
 * value iteration on the exact tabular model gives the optimal actions of
 * every state twice: under the reward the agent learns from (all terms)
 * and under the primary reward alone. Potential-based shaping keeps them
 * the same (Ng, Harada & Russell 1999); any other auxiliary term may not.
 *
 * A state "differs" when its two sets of optimal actions differ; it is
 * "misled" when some action optimal for the learned reward is not optimal
 * for the primary one (an agent that learns perfectly can take it). The
 * cost: the primary value, from the start, of acting uniformly among the
 * learned reward's optimal actions, against the primary optimum.
 */
import { UserError } from "../core/errors.js";
import type { GridEnv } from "../envs/grid/engine.js";
import { ACTION_NAMES } from "../envs/grid/objects.js";
import { renderGrid } from "../envs/grid/render.js";
import { makeVector } from "../envs/registry.js";
import { tryTabulate, type TabularModel } from "../envs/tabular.js";
import type { VectorEnv } from "../envs/vector.js";
import { compileReward } from "../rewards/program.js";
import { envInfoOf } from "../rewards/rewarded.js";
import { optimalActions, policyEvaluation, tabularRewards, valueIteration } from "../rewards/tabular.js";

export interface InvarianceOptions {
  gamma?: number;
  seed?: number;
  kwargs?: Record<string, unknown>;
}

export interface InvarianceReport {
  env: string;
  states: number;
  gamma: number;
  /** States whose optimal action sets differ. */
  differing: number[];
  /** States where an action optimal for the learned reward is suboptimal for the primary one. */
  misled: number[];
  /** Primary value at the start: optimal, and under the learned reward's optimal actions (uniform among ties). */
  primaryOptimum: number;
  primaryUnderLearned: number;
  /** Misled states per grid cell of the agent: cell index → count. */
  cells: Map<number, number>;
  /** The start layout with the cells of misled states marked by their count. */
  picture: string;
  /** For the first few misled states: the picture of the state and the actions each reward prefers. */
  examples: { state: number; picture: string; learned: string[]; primary: string[] }[];
}

/** A gridworld reset to its layout, with the tabular model the exact check solves. */
export interface TabularGrid {
  vec: VectorEnv;
  core: GridEnv;
  model: TabularModel;
}

/** How a spec's invariance is checked on an environment: exactly on its tabular model, or by comparing trained policies (and why). */
export type InvarianceMethod = { method: "exact"; grid: TabularGrid } | { method: "sampled"; because: string };

/**
 * Exact where the environment has a tabular model: a deterministic
 * gridworld small enough to enumerate. Otherwise, or when `sampled` is
 * asked for, the sampled comparison (src/audit/invariance-sampled.ts).
 */
export function invarianceMethod(envId: string, options: { seed?: number; kwargs?: Record<string, unknown>; sampled?: boolean } = {}): InvarianceMethod {
  if (options.sampled) return { method: "sampled", because: "as asked (--sampled)" };
  const grid = tabularGrid(envId, options.seed ?? 0, options.kwargs);
  if ("notGrid" in grid) return { method: "sampled", because: `${envId} has no tabular model` };
  if ("refused" in grid) return { method: "sampled", because: `no tabular model (${grid.refused})` };
  return { method: "exact", grid };
}

/** The environment reset to the layout of `seed`, with its tabular model; or why there is none. */
function tabularGrid(envId: string, seed: number, kwargs?: Record<string, unknown>): TabularGrid | { vec: VectorEnv; notGrid: true } | { vec: VectorEnv; refused: string } {
  const vec = makeVector(envId, 1, { kwargs });
  const core = vec.cores[0] as GridEnv;
  if (typeof (core as Partial<GridEnv>).snapshot !== "function") return { vec, notGrid: true };
  vec.reset(seed);
  const model = tryTabulate(core);
  return "refused" in model ? { vec, refused: model.refused } : { vec, core, model };
}

export function shapingInvariance(envId: string, spec: unknown, options: InvarianceOptions = {}): InvarianceReport {
  const { gamma = 0.99, seed = 0, kwargs } = options;
  const grid = tabularGrid(envId, seed, kwargs);
  if ("notGrid" in grid) throw new UserError("--env", `the exact invariance check needs a deterministic gridworld with a tabular model; ${grid.vec.id} is not one (compare trained policies instead)`);
  if ("refused" in grid) throw new UserError("tabulate", grid.refused);
  return solveInvariance(grid, spec, gamma);
}

/** The exact check on a tabular gridworld. */
export function solveInvariance({ vec, core, model }: TabularGrid, spec: unknown, gamma = 0.99): InvarianceReport {
  const program = compileReward(spec, envInfoOf(vec));
  const { total, primary } = tabularRewards(core, model, program);
  const learnedBest = optimalActions(model, total, valueIteration(model, total, gamma), gamma);
  const Vprimary = valueIteration(model, primary, gamma);
  const primaryBest = optimalActions(model, primary, Vprimary, gamma);
  const { numStates: S, numActions: A } = model;
  const differing: number[] = [];
  const misled: number[] = [];
  for (let s = 0; s < S; s++) {
    if (learnedBest[s] !== primaryBest[s]) differing.push(s);
    if ((learnedBest[s] & ~primaryBest[s]) !== 0) misled.push(s);
  }
  const policy = new Float64Array(S * A);
  for (let s = 0; s < S; s++) {
    const ties = popcount(learnedBest[s]);
    for (let a = 0; a < A; a++) if (learnedBest[s] & (1 << a)) policy[s * A + a] = 1 / ties;
  }
  const primaryUnderLearned = policyEvaluation(model, primary, policy, gamma)[0];
  const start = core.snapshot();
  const cells = new Map<number, number>();
  const examples: InvarianceReport["examples"] = [];
  const names = (mask: number) => ACTION_NAMES.filter((_, a) => mask & (1 << a));
  try {
    for (const s of misled) {
      core.restore(model.snapshots[s]);
      cells.set(core.agentIndex, (cells.get(core.agentIndex) ?? 0) + 1);
      if (examples.length < 3) examples.push({ state: s, picture: renderGrid(core), learned: names(learnedBest[s]), primary: names(primaryBest[s]) });
    }
  } finally {
    core.restore(start);
  }
  return { env: vec.id, states: S, gamma, differing, misled, primaryOptimum: Vprimary[0], primaryUnderLearned, cells, picture: markCells(core, cells), examples };
}

function popcount(m: number): number {
  let c = 0;
  for (; m; m &= m - 1) c++;
  return c;
}

/** The grid as `renderGrid` draws it (the start state), with each marked cell showing `!` and its count (9+ above nine). */
function markCells(core: GridEnv, cells: Map<number, number>): string {
  const lines = renderGrid(core).split("\n");
  const { width, height } = core.grid;
  for (let y = 0; y < height; y++) {
    let line = "";
    for (let x = 0; x < width; x++) {
      const count = cells.get(core.grid.index(x, y));
      line += count === undefined ? lines[y].slice(2 * x, 2 * x + 2) : `!${count > 9 ? "+" : count}`;
    }
    lines[y] = line;
  }
  return lines.join("\n");
}
