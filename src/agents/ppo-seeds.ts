/**
 * K seeds of one PPO design trained in lockstep in one process: each seed
 * keeps its own environments, random stream, rollout and episode log, and
 * acts in plain JavaScript as a lone `Ppo` does; every seed's run is the run
 * `Ppo` makes alone with that seed, bit for bit (ppo-seeds.test.ts).
 *
 * Two ways to update. By default each seed takes its own jitted update (as
 * fast as the seeds one after another). With `batched`, the networks are
 * stacked on a leading seed axis and each iteration's critic pass and
 * minibatch updates are one vmapped jax-js call for all seeds, as PureJaxRL
 * vmaps over seeds; it is still bit for bit each seed's lone run, but on
 * jax-js 0.1.25 a vmapped matmul compiles to a kernel many times slower than
 * the same batched matmul written directly, so over a whole run 2 seeds
 * batched cost 4.8× one seed, more than two runs (docs/benchmarks.md,
 * Training); it is here for when that kernel catches up.
 *
 * @example
 * const envs = [1, 2, 3].map(() => new RewardedVector(makeVector("CartPole-v1", 4), spec));
 * const run = trainSeeds(envs, {}, [1, 2, 3], 100_000, (metrics, episodes) => console.log(episodes.map((e) => e.length)));
 * run.learners[0].state(); // seed 1's parameters, as `new Ppo(env, {}, 1)` would have them
 */
import type { FlatAdamState } from "../nn/adam.js";
import { jit, np, tree, vmap, type JaxArray } from "../nn/jax.js";
import { mlpForward, type MlpParams } from "../nn/mlp.js";
import type { MlpWeights } from "../nn/mlp-js.js";
import type { RewardedVector } from "../rewards/rewarded.js";
import type { ActorCriticParams } from "./actor-critic.js";
import { EpisodeLog, type EpisodeRecord } from "./episodes.js";
import { Ppo, type PpoConfig, type PpoMetrics } from "./ppo.js";
import { ppoUpdate, stackedUpdates, uploadMinibatches, UpdateStats, type Minibatch } from "./ppo-update.js";

/** Sees each iteration's metrics and finished episodes, one entry per seed; returning false stops training. */
export type OnSeedsIteration = (metrics: PpoMetrics[], episodes: EpisodeRecord[][]) => boolean | void;

type Update = (p: ActorCriticParams, o: FlatAdamState, b: Minibatch, lr: JaxArray) => [ActorCriticParams, FlatAdamState, JaxArray];

export class PpoSeeds {
  /** One learner per seed: its environments, stream and rollout; its parameters are current after `run`. */
  readonly learners: Ppo[];
  readonly episodes: EpisodeLog[];
  private readonly batched?: {
    params: ActorCriticParams;
    opt: FlatAdamState;
    trainSteps: Update;
    criticBatch: (critic: MlpParams, x: JaxArray) => JaxArray;
  };

  constructor(envs: readonly RewardedVector[], config: Partial<PpoConfig>, readonly seeds: readonly number[], options: { batched?: boolean } = {}) {
    if (envs.length !== seeds.length || seeds.length === 0) throw new Error(`PpoSeeds needs one environment vector per seed (${envs.length} for ${seeds.length} seeds)`);
    this.learners = envs.map((env, k) => new Ppo(env, config, seeds[k]));
    const { config: c, shape } = this.learners[0];
    // Early stopping on KL would let seeds run different numbers of epochs: not in lockstep.
    this.episodes = this.learners.map((l) => new EpisodeLog(l.env));
    if (!options.batched) return;
    // Early stopping on KL would let seeds run different numbers of epochs: not one call for all.
    if (c.targetKl !== undefined) throw new Error("batched PpoSeeds does not support targetKl (seeds would stop after different epochs)");
    const activation = shape.activation;
    this.batched = {
      params: stack(this.learners.map((l) => tree.ref(l.params))),
      opt: stack(this.learners.map((l) => tree.ref(l.optimizer))),
      trainSteps: jit(vmap(stackedUpdates(ppoUpdate(c, shape)) as never, [0, 0, 0, null]) as never) as never,
      criticBatch: jit(vmap(((critic: MlpParams, x: JaxArray) => mlpForward(critic, x, activation).reshape([-1])) as never, [0, 0]) as never) as never,
    };
  }

  /** Trains every seed until each has taken `totalSteps` environment steps (or `onIteration` returns false). */
  run(totalSteps: number, onIteration?: OnSeedsIteration): void {
    const { learners, episodes } = this;
    const budget = Math.min(...learners.map((l) => l.plan(totalSteps)));
    for (const l of learners) l.start();
    while (learners[0].globalStep < budget) {
      const t0 = performance.now();
      const step0 = learners[0].globalStep;
      let complete = false;
      while (!complete) {
        learners.forEach((l, k) => {
          l.env.step(l.actions());
          complete = l.observe();
          episodes[k].record(l.globalStep);
        });
      }
      const metrics = this.batched ? this.update(this.batched) : learners.map((l) => l.update());
      const seconds = (performance.now() - t0) / 1000;
      learners.forEach((l, k) => {
        for (const module of l.env.program.intrinsicModules) {
          for (const [key, value] of Object.entries(module.update?.() ?? {})) metrics[k][`intrinsic/${module.name}/${key}`] = value;
        }
        metrics[k]["charts/SPS"] = (learners.length * (l.globalStep - step0)) / seconds;
        metrics[k].global_step = l.globalStep;
      });
      if (onIteration?.(metrics, episodes.map((e) => e.drain())) === false) break;
    }
    if (this.batched) this.handBack(this.batched);
  }

  /** Advantages for every seed, then all seeds' epochs of minibatch updates in one call. */
  private update(batched: NonNullable<PpoSeeds["batched"]>): PpoMetrics[] {
    const { learners } = this;
    const K = learners.length;
    const { batchSize, shape, config } = learners[0];
    const obs = new Float32Array(K * batchSize * shape.obsPad);
    learners.forEach((l, k) => obs.set(l.rolloutObs, k * batchSize * shape.obsPad));
    const values = batched.criticBatch(tree.ref(batched.params.critic), np.array(obs).reshape([K, batchSize, shape.obsPad])).dataSync() as Float32Array;
    learners.forEach((l, k) => l.endRollout(values.subarray(k * batchSize, (k + 1) * batchSize)));

    const lr = learners[0].learningRate();
    const batches = learners.map((l) => l.minibatches(Int32Array.from({ length: batchSize }, (_, i) => i), config.updateEpochs));
    const lrArray = np.array(Float32Array.of(lr));
    const [p2, o2, rows] = batched.trainSteps(batched.params, batched.opt, uploadMinibatches(batches, [K]), lrArray);
    batched.params = p2;
    batched.opt = o2;
    const all = rows.dataSync() as Float32Array;
    const perSeed = all.length / K;
    this.syncPolicies(batched.params);
    return learners.map((l, k) => {
      const stats = new UpdateStats();
      stats.add(all.subarray(k * perSeed, (k + 1) * perSeed));
      return l.metrics(lr, stats);
    });
  }

  /** Copies the stacked networks out of jax-js once and gives each seed's acting policy its slice. */
  private syncPolicies(params: ActorCriticParams): void {
    const { learners } = this;
    const K = learners.length;
    const { obsPad, hidden, actionDim } = learners[0].shape;
    const read = (m: MlpParams, sizes: number[]): MlpWeights[] => {
      const w = m.map((l) => l.w.ref.dataSync() as Float32Array);
      const b = m.map((l) => l.b.ref.dataSync() as Float32Array);
      return learners.map((_, k) => ({ sizes, w: w.map((x) => slice(x, k, K)), b: b.map((x) => slice(x, k, K)) }));
    };
    const actors = read(params.actor, [obsPad, ...hidden, actionDim]);
    const critics = read(params.critic, [obsPad, ...hidden, 1]);
    const logStd = params.logStd ? (params.logStd.ref.dataSync() as Float32Array) : undefined;
    learners.forEach((l, k) => l.policy.load(actors[k], critics[k], logStd ? slice(logStd, k, K) : undefined));
  }

  /** Gives each learner its seed's parameters and Adam state, so it can be saved, evaluated or trained on alone. */
  private handBack({ params, opt }: NonNullable<PpoSeeds["batched"]>): void {
    this.learners.forEach((l, k) => l.adopt(unstack(params, k), unstack(opt, k)));
  }
}

/** Trains K seeds of one PPO design in lockstep (see `PpoSeeds`). */
export function trainSeeds(envs: readonly RewardedVector[], config: Partial<PpoConfig>, seeds: readonly number[], totalSteps: number, onIteration?: OnSeedsIteration, options: { batched?: boolean } = {}): PpoSeeds {
  const run = new PpoSeeds(envs, config, seeds, options);
  run.run(totalSteps, onIteration);
  return run;
}

/** Trees of equal structure stacked leaf by leaf on a new leading axis (consumes them). */
function stack<T>(trees: T[]): T {
  const flat = trees.map((t) => tree.flatten(t as never) as unknown as [JaxArray[], unknown]);
  const leaves = flat[0][0].map((_, i) => np.stack(flat.map(([l]) => l[i])));
  return tree.unflatten(flat[0][1] as never, leaves) as T;
}

/** Seed k's tree out of a stacked one (the stack is kept). */
function unstack<T>(stacked: T, k: number): T {
  return tree.map((x: JaxArray) => x.ref.slice(k), stacked as never) as T;
}

/** The k-th of K equal parts of a flat array, copied. */
function slice(x: Float32Array, k: number, K: number): Float32Array {
  const size = x.length / K;
  return x.slice(k * size, (k + 1) * size);
}
