/**
 * How far apart are two rewards? EPIC (Gleave et al. 2021, "Quantifying
 * Differences in Reward Functions"): canonicalize each reward so that
 * potential shaping cancels out,
 *
 *   C(R)(s, a, s′) = R(s, a, s′) + E[γR(s′, A, S″) − R(s, A, S″) − γR(S, A, S″)]
 *
 * with S, S″ ~ D_S and A ~ D_A independent, then take the Pearson distance
 * D = √((1 − ρ)/2) of the canonical rewards over a coverage distribution of
 * transitions. D is 0 for rewards equal up to shaping and positive
 * rescaling, and at most 1.
 *
 * Here, on the exact tabular model of a small gridworld: D_S is uniform over
 * its reachable states, D_A uniform over actions, and the coverage is every
 * real transition (s, a, T(s, a)) once. A reward spec is extended to any
 * triple (s, a, s″) by reading s's and s″'s features, with the events and
 * task reward of the real step (s, a). The expectations are exact when the
 * model is small (S·A·S ≤ `exactLimit` triples) and sampled otherwise. ERC,
 * the correlation of episode returns under a policy's rollouts, is beside it.
 *
 * A known limit: potential terms take Φ = 0 after a terminating step, and
 * the absorbing state is not among the states canonicalization averages
 * over, so shaping leaves a small residual on terminating transitions
 * (D ≈ 0.001 for DoorKey-5x5's goal-distance potential, against ≈ 0.3 for a
 * different reward). Likewise, a term that reads a feature of s′ on a
 * terminating step reads it on the state the episode ended from: a reward
 * machine's `rm.reward` on the step that completes it is not seen.
 */
import { Rng } from "../core/rng.js";
import { UserError } from "../core/errors.js";
import type { EnvCore } from "../envs/core.js";
import type { GridEnv } from "../envs/grid/engine.js";
import { envSpec } from "../envs/registry.js";
import { tabulate, type TabularModel } from "../envs/tabular.js";
import { VectorEnv } from "../envs/vector.js";
import type { RewardBatch } from "./batch.js";
import { MachineProduct } from "./machines/product.js";
import { makeRewardedAlike, prepareRewardSpec, rewardCores, rewardProgram } from "./make.js";
import type { RewardProgram } from "./program.js";

/** Per state: feature values (and observations, if asked); per (s, a): the real step's task reward, events, termination. */
interface Table {
  model: TabularModel;
  features: Map<string, Float64Array>;
  obs?: Float32Array;
  obsSize: number;
  taskReward: Float32Array;
  events: Uint32Array;
  terminated: Uint8Array;
  eventNames: readonly string[];
}

function table(core: GridEnv, model: TabularModel, names: readonly string[], withObs: boolean): Table {
  const { numStates: S, numActions: A } = model;
  const features = new Map(names.map((n) => [n, new Float64Array(S)]));
  const specs = names.map((n) => core.features.find((f) => f.name === n)!);
  const taskReward = new Float32Array(S * A);
  const events = new Uint32Array(S * A);
  const terminated = new Uint8Array(S * A);
  const start = core.snapshot();
  const obs = new Float32Array(core.observationSpace.size);
  const obsSize = core.observationSpace.size;
  const stateObs = withObs ? new Float32Array(S * obsSize) : undefined;
  const action = new Int32Array(1);
  try {
    for (let s = 0; s < S; s++) {
      core.restore(model.snapshots[s]);
      specs.forEach((f, j) => (features.get(names[j])![s] = f.read(core)));
      if (stateObs) core.observe(stateObs, s * obsSize);
      for (let a = 0; a < A; a++) {
        core.restore(model.snapshots[s]);
        action[0] = a;
        taskReward[s * A + a] = core.step(action, 0, obs, 0);
        events[s * A + a] = core.eventMask;
        terminated[s * A + a] = core.terminated ? 1 : 0;
      }
    }
  } finally {
    core.restore(start);
  }
  return { model, features, obs: stateObs, obsSize, taskReward, events, terminated, eventNames: core.events };
}

/** R(s, a, s″) for each triple, by one fresh binding of the program (every row a first step). */
function evaluate(program: RewardProgram, t: Table, s: Int32Array, a: Int32Array, s2: Int32Array): Float64Array {
  const n = s.length;
  const A = t.model.numActions;
  const prev = program.features.map((f) => Float64Array.from(s, (x) => t.features.get(f)![x]));
  // The absorbing state (−1, after a terminating step) has the features of the state it ended from.
  const next = program.features.map((f) => Float64Array.from(s2, (x, i) => t.features.get(f)![x < 0 ? s[i] : x]));
  const batch: RewardBatch = {
    n,
    prev,
    next,
    actions: a,
    actionSize: 1,
    taskReward: Float32Array.from(s, (x, i) => t.taskReward[x * A + a[i]]),
    terminated: Uint8Array.from(s, (x, i) => t.terminated[x * A + a[i]]),
    truncated: new Uint8Array(n),
    events: Uint32Array.from(s, (x, i) => t.events[x * A + a[i]]),
    obsSize: t.obsSize,
    // Terms that read observations (learned rewards) see s's and s″'s; the absorbing state's is all zeros.
    obs: t.obs ? gatherObs(t, s) : undefined,
    nextObs: t.obs ? gatherObs(t, s2) : undefined,
    actionCount: t.model.numActions,
    episodeStep: new Float64Array(n).fill(1),
  };
  const bound = program.bind(batch, t.eventNames);
  bound.apply();
  return Float64Array.from(bound.total64);
}

function gatherObs(t: Table, states: Int32Array): Float32Array {
  const d = t.obsSize;
  const out = new Float32Array(states.length * d);
  states.forEach((x, i) => {
    if (x >= 0) out.set(t.obs!.subarray(x * d, (x + 1) * d), i * d);
  });
  return out;
}

export interface EpicOptions {
  gamma?: number;
  /** Triples S·A·S up to which the expectations are exact. */
  exactLimit?: number;
  /** Otherwise: (A, S″) samples per state. */
  samples?: number;
  /** Bootstrap resamples of the coverage for the interval. */
  bootstrap?: number;
  seed?: number;
}

export interface EpicResult {
  distance: number;
  /** 95% bootstrap interval over the coverage transitions. */
  interval: [number, number];
  states: number;
  transitions: number;
  exact: boolean;
}

/** A core that takes snapshots (a gridworld), or a product of one with a reward machine. */
function hasTabularModel(core: EnvCore): boolean {
  return core instanceof MachineProduct ? core.snapshots : typeof (core as unknown as Partial<GridEnv>).snapshot === "function";
}

/** Pearson correlation of x and y over the index list `idx`. */
function pearsonAt(x: Float64Array, y: Float64Array, idx: ArrayLike<number>): number {
  const n = idx.length;
  let mx = 0;
  let my = 0;
  for (let k = 0; k < n; k++) (mx += x[idx[k]]), (my += y[idx[k]]);
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let k = 0; k < n; k++) {
    const dx = x[idx[k]] - mx;
    const dy = y[idx[k]] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : NaN;
}

const pearsonDistance = (rho: number) => Math.sqrt(Math.max(0, (1 - rho) / 2));

/**
 * Canonical rewards C(R) of each spec over the coverage transitions
 * (s, a, T(s, a)), all s and a.
 */
function canonical(programs: RewardProgram[], t: Table, gamma: number, exactLimit: number, samples: number, rng: Rng): { canon: Float64Array[]; exact: boolean } {
  const { numStates: S, numActions: A } = t.model;
  // Observation-reading rewards need one observation row per triple: sample them.
  const exact = S * A * S <= exactLimit && !t.obs;
  const perState = exact ? A * S : samples;
  // Triples (x, A, S″) for every state x: the expectation E[R(x, A, S″)] is their mean.
  const xs = new Int32Array(S * perState);
  const as = new Int32Array(S * perState);
  const ss = new Int32Array(S * perState);
  for (let x = 0; x < S; x++) {
    for (let k = 0; k < perState; k++) {
      const i = x * perState + k;
      xs[i] = x;
      as[i] = exact ? Math.floor(k / S) : rng.int(A);
      ss[i] = exact ? k % S : rng.int(S);
    }
  }
  const cs = new Int32Array(S * A);
  const ca = new Int32Array(S * A);
  const cn = new Int32Array(S * A);
  for (let s = 0; s < S; s++) for (let a = 0; a < A; a++) [cs[s * A + a], ca[s * A + a], cn[s * A + a]] = [s, a, t.model.next[s * A + a]];
  const canon = programs.map((program) => {
    const r = evaluate(program, t, xs, as, ss);
    const m = new Float64Array(S);
    for (let i = 0; i < r.length; i++) m[xs[i]] += r[i] / perState;
    const c = m.reduce((sum, v) => sum + v, 0) / S;
    const R = evaluate(program, t, cs, ca, cn);
    // A terminating step leads to the absorbing state, whose expected reward is 0.
    return R.map((v, i) => v + (cn[i] < 0 ? 0 : gamma * m[cn[i]]) - m[cs[i]] - gamma * c);
  });
  return { canon, exact };
}

/**
 * EPIC distance between two reward specs on a deterministic gridworld. A
 * spec with a reward machine is compared on the product of the gridworld
 * and the machine (its states ⟨s, u⟩), as it trains; the other spec then
 * runs on that product too.
 */
export function epicDistance(envId: string, specA: unknown, specB: unknown, options: EpicOptions = {}, kwargs?: Record<string, unknown>): EpicResult {
  const { gamma = 0.99, exactLimit = 2_000_000, samples = 256, bootstrap = 1000, seed = 0 } = options;
  const specs = [prepareRewardSpec(specA, "A"), prepareRewardSpec(specB, "B")];
  const vec = new VectorEnv(envSpec(envId).id, rewardCores(envId, 1, specs, { kwargs }, ["A", "B"]));
  const core = vec.cores[0];
  if (!hasTabularModel(core)) throw new UserError("--env", `EPIC here needs a deterministic gridworld with a tabular model; ${vec.id} is not one`);
  vec.reset(seed);
  // A product with a machine takes snapshots and keys its states as a gridworld does (see MachineProduct).
  const grid = core as GridEnv;
  const model = tabulate(grid);
  const programs = [rewardProgram(specs[0], vec, "A"), rewardProgram(specs[1], vec, "B")];
  const rng = new Rng(seed);
  const t = table(grid, model, [...new Set(programs.flatMap((p) => p.features))], programs.some((p) => p.usesObs));
  const { canon, exact } = canonical(programs, t, gamma, exactLimit, samples, rng);
  const n = canon[0].length;
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const distance = pearsonDistance(pearsonAt(canon[0], canon[1], all));
  const draws: number[] = [];
  const idx = new Int32Array(n);
  for (let b = 0; b < bootstrap; b++) {
    for (let k = 0; k < n; k++) idx[k] = rng.int(n);
    const d = pearsonDistance(pearsonAt(canon[0], canon[1], idx));
    if (!Number.isNaN(d)) draws.push(d);
  }
  draws.sort((x, y) => x - y);
  const q = (p: number) => draws[Math.min(draws.length - 1, Math.floor(p * draws.length))] ?? NaN;
  return { distance, interval: [q(0.025), q(0.975)], states: model.numStates, transitions: n, exact };
}

/**
 * ERC: the Pearson distance between the episode returns two rewards give
 * the same rollouts (random actions, `episodes` episodes from `seed`).
 */
export function ercDistance(envId: string, specA: unknown, specB: unknown, options: { episodes?: number; seed?: number; kwargs?: Record<string, unknown> } = {}): number {
  const { episodes = 500, seed = 0, kwargs } = options;
  const n = 16;
  // Both on the same environment (the product with a spec's machine, if one has it), so the rollouts are the same.
  const [a, b] = makeRewardedAlike(envId, n, [specA, specB], ["A", "B"], { kwargs });
  if (a.vec.actionSpace.kind !== "discrete") throw new UserError("--env", `ERC here rolls out random discrete actions; ${a.vec.id} has ${a.vec.actionSpace}`);
  const k = a.vec.actionSpace.n;
  a.reset(seed);
  b.reset(seed);
  const rng = new Rng(seed);
  const actions = new Int32Array(n);
  const ra: number[] = [];
  const rb: number[] = [];
  while (ra.length < episodes) {
    for (let i = 0; i < n; i++) actions[i] = a.vec.actionSpace.start + rng.int(k);
    a.step(actions);
    b.step(actions);
    for (let i = 0; i < n; i++) {
      if (!a.vec.terminated[i] && !a.vec.truncated[i]) continue;
      ra.push(a.reward.finishedTotal[i]);
      rb.push(b.reward.finishedTotal[i]);
    }
  }
  const x = Float64Array.from(ra);
  const y = Float64Array.from(rb);
  return pearsonDistance(pearsonAt(x, y, Int32Array.from({ length: x.length }, (_, i) => i)));
}
