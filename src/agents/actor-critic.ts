/**
 * The actor-critic network of CleanRL's PPO: separate actor and critic
 * MLPs (64-64, tanh), orthogonal init with gain √2, 0.01 on the actor's
 * output and 1 on the critic's; a state-independent log-std for continuous
 * actions. Observations are padded to a multiple of 4 floats, which jax-js's
 * kernels need to run at full speed.
 */
import type { Rng } from "../core/rng.js";
import type { Space } from "../core/spaces.js";
import { argmaxRows, sampleCategorical, sampleGaussian } from "../nn/distributions.js";
import { np, type JaxArray } from "../nn/jax.js";
import { initMlp, type Activation, type MlpParams } from "../nn/mlp.js";
import { mlpForwardJs, mlpScratch, type MlpWeights } from "../nn/mlp-js.js";

export interface ActorCriticParams {
  actor: MlpParams;
  critic: MlpParams;
  /** Continuous actions only: log σ per action dimension. */
  logStd?: JaxArray;
}

export interface ActorCriticShape {
  obsSize: number;
  /** obsSize rounded up to a multiple of 4. */
  obsPad: number;
  discrete: boolean;
  /** Number of discrete actions, or the action vector's length. */
  actionDim: number;
  hidden: readonly number[];
  activation: Activation;
}

export function actorCriticShape(observationSpace: Space, actionSpace: Space, hidden: readonly number[], activation: Activation): ActorCriticShape {
  const obsSize = observationSpace.size;
  if (actionSpace.kind === "multi-discrete") throw new Error("MultiDiscrete actions are not supported by this policy");
  const discrete = actionSpace.kind === "discrete";
  return { obsSize, obsPad: Math.ceil(obsSize / 4) * 4, discrete, actionDim: discrete ? actionSpace.n : actionSpace.size, hidden, activation };
}

export function initActorCritic(shape: ActorCriticShape, rng: Rng): ActorCriticParams {
  const actor = initMlp([shape.obsPad, ...shape.hidden, shape.actionDim], rng, { outputGain: 0.01 });
  const critic = initMlp([shape.obsPad, ...shape.hidden, 1], rng, { outputGain: 1 });
  return shape.discrete ? { actor, critic } : { actor, critic, logStd: np.zeros([shape.actionDim]) };
}

/**
 * The acting side: the actor and critic evaluated in plain JavaScript on a
 * snapshot of the parameters (`sync` after each update), sampling with the
 * caller's `Rng`. Small batches every step are far cheaper this way than
 * through jax-js.
 */
export class Policy {
  private actor!: MlpWeights;
  private critic!: MlpWeights;
  private logStd: Float32Array | undefined;
  private readonly padded: Float32Array;
  private readonly out: Float32Array;
  private readonly scratch: [Float32Array, Float32Array];

  constructor(
    readonly shape: ActorCriticShape,
    readonly n: number,
  ) {
    this.padded = new Float32Array(n * shape.obsPad);
    this.out = new Float32Array(n * shape.actionDim);
    this.scratch = mlpScratch([shape.obsPad, ...shape.hidden, 1], n);
  }

  /** Copies the current parameters out of jax-js (keeps them alive). */
  sync(params: ActorCriticParams): void {
    const read = (m: MlpParams, sizes: number[]): MlpWeights => ({
      sizes,
      w: m.map((l) => Float32Array.from(l.w.ref.dataSync() as Float32Array)),
      b: m.map((l) => Float32Array.from(l.b.ref.dataSync() as Float32Array)),
    });
    const { obsPad, hidden, actionDim } = this.shape;
    this.load(read(params.actor, [obsPad, ...hidden, actionDim]), read(params.critic, [obsPad, ...hidden, 1]), params.logStd ? Float32Array.from(params.logStd.ref.dataSync() as Float32Array) : undefined);
  }

  /** Takes weights already copied out of jax-js (several seeds' networks read at once). */
  load(actor: MlpWeights, critic: MlpWeights, logStd: Float32Array | undefined): void {
    this.actor = actor;
    this.critic = critic;
    this.logStd = logStd;
  }

  /** Pads rows of `obs` (n × obsSize) to obsPad floats. */
  pad(obs: Float32Array, into: Float32Array = this.padded): Float32Array {
    const { obsSize, obsPad } = this.shape;
    if (obsSize === obsPad && into === this.padded) return obs;
    for (let i = 0; i < this.n; i++) into.set(obs.subarray(i * obsSize, (i + 1) * obsSize), i * obsPad);
    return into;
  }

  /** The actor's outputs (logits, or Gaussian means) for the rows of `obs` (n × actionDim, a copy). */
  outputs(obs: Float32Array): Float32Array {
    mlpForwardJs(this.actor, this.pad(obs), this.n, this.out, this.shape.activation, this.scratch);
    return this.out.slice();
  }

  /** V(s) for each row of `obs` into `values`. */
  values(obs: Float32Array, values: Float32Array): void {
    mlpForwardJs(this.critic, this.pad(obs), this.n, values, this.shape.activation, this.scratch);
  }

  /**
   * Samples actions (or the most likely, `deterministic`) and their
   * log-probabilities; writes the values too unless `values` is undefined
   * (a learner that evaluates the critic over a whole rollout at once).
   */
  act(obs: Float32Array, rng: Rng, actions: Int32Array | Float32Array, logProb: Float32Array, values: Float32Array | undefined, deterministic = false): void {
    const x = this.pad(obs);
    const { n } = this;
    const d = this.shape.actionDim;
    mlpForwardJs(this.actor, x, n, this.out, this.shape.activation, this.scratch);
    if (values) mlpForwardJs(this.critic, x, n, values, this.shape.activation, this.scratch);
    if (this.shape.discrete) {
      if (deterministic) argmaxRows(this.out, n, d, actions);
      else sampleCategorical(this.out, n, d, rng, actions, logProb);
    } else if (deterministic) actions.set(this.out);
    else sampleGaussian(this.out, this.logStd!, n, d, rng, actions as Float32Array, logProb);
  }
}

/** Parameters as plain numbers, for checkpoints. */
export function paramsToJson(params: ActorCriticParams): { actor: number[][]; critic: number[][]; logStd?: number[] } {
  const leaves = (m: MlpParams): number[][] => m.flatMap((l) => [Array.from(l.w.ref.dataSync() as Float32Array), Array.from(l.b.ref.dataSync() as Float32Array)]);
  return { actor: leaves(params.actor), critic: leaves(params.critic), logStd: params.logStd ? Array.from(params.logStd.ref.dataSync() as Float32Array) : undefined };
}

export function paramsFromJson(json: ReturnType<typeof paramsToJson>, shape: ActorCriticShape): ActorCriticParams {
  const build = (leaves: number[][], sizes: number[]): MlpParams =>
    sizes.slice(0, -1).map((_, l) => ({
      w: np.array(Float32Array.from(leaves[2 * l])).reshape([sizes[l], sizes[l + 1]]),
      b: np.array(Float32Array.from(leaves[2 * l + 1])),
    }));
  const actor = build(json.actor, [shape.obsPad, ...shape.hidden, shape.actionDim]);
  const critic = build(json.critic, [shape.obsPad, ...shape.hidden, 1]);
  return json.logStd ? { actor, critic, logStd: np.array(Float32Array.from(json.logStd)) } : { actor, critic };
}
