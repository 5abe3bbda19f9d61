/**
 * The training step every learned model here takes: the gradient of a loss
 * over a minibatch, optionally clipped by global norm, then one Adam step,
 * all compiled by jit. An `AdamTrainer` holds the parameters and the
 * optimizer's state and updates them in place:
 *
 * ```ts
 * const trainer = new AdamTrainer(initMlp(sizes, rng), (p, x, y) => mse(mlpForward(p, x), y), { learningRate: 1e-3 });
 * const { loss } = trainer.step([np.array(x).reshape([B, d]), np.array(y).reshape([B, k])]);
 * ```
 *
 * A loss may read its batch's shapes (jit compiles once per set of shapes),
 * and may return `[loss, metrics]` with `hasAux`. Trainers of one ensemble
 * can share one compiled step (`adamStep`).
 */
import type { Rng } from "../core/rng.js";
import { adamInit, adamUpdate, clipByGlobalNorm, type AdamState } from "./adam.js";
import { jit, np, tree, valueAndGrad, type JaxArray } from "./jax.js";
import { adamFromJson, adamToJson, treeFromJson, treeToJson, type AdamJson } from "./optimizer-state.js";

/** A loss over parameters and a batch (consumes both): a scalar, or with `hasAux` a scalar and named scalar metrics. */
export type Loss<P> = (params: P, ...batch: JaxArray[]) => JaxArray | [JaxArray, Record<string, JaxArray>];

export interface StepOptions {
  /** Clip the gradients to this global L2 norm before the Adam step (the norm before clipping is reported as `gradNorm`). */
  maxGradNorm?: number;
  /** The loss returns `[loss, metrics]`. */
  hasAux?: boolean;
}

type Compiled<P> = (params: P, opt: AdamState<P>, lr: JaxArray, ...batch: JaxArray[]) => [P, AdamState<P>, JaxArray, Record<string, JaxArray>];

/** A jitted step: (params, Adam state, learning rate, ...batch) → (params, Adam state, loss, metrics); consumes its inputs. */
export interface AdamStep<P> {
  readonly run: Compiled<P>;
}

export function adamStep<P>(loss: Loss<P>, options: StepOptions = {}): AdamStep<P> {
  const { maxGradNorm, hasAux = false } = options;
  const run = jit(((params: P, opt: AdamState<P>, lr: JaxArray, ...batch: JaxArray[]) => {
    let value: JaxArray;
    let metrics: Record<string, JaxArray> = {};
    let grads: P;
    const args = [tree.ref(params), ...batch] as never[];
    if (hasAux) [[value, metrics], grads] = (valueAndGrad(loss as never, { hasAux: true }) as (...a: never[]) => unknown)(...args) as [[JaxArray, Record<string, JaxArray>], P];
    else [value, grads] = (valueAndGrad(loss as never) as (...a: never[]) => unknown)(...args) as [JaxArray, P];
    if (maxGradNorm !== undefined) {
      const [clipped, norm] = clipByGlobalNorm(grads, maxGradNorm);
      grads = clipped;
      metrics = { ...metrics, gradNorm: norm };
    }
    const [p2, opt2] = adamUpdate(params, grads, opt, lr);
    return [p2, opt2, value, metrics];
  }) as never) as never as Compiled<P>;
  return { run };
}

export interface AdamTrainerState {
  params: number[][];
  opt: AdamJson;
}

export class AdamTrainer<P> {
  private opt: AdamState<P>;
  private readonly compiled: AdamStep<P>;

  /** Takes ownership of `params`; `loss` is compiled here, or pass a step compiled once for several trainers. */
  constructor(
    public params: P,
    loss: Loss<P> | AdamStep<P>,
    readonly options: StepOptions & { learningRate: number },
  ) {
    this.opt = adamInit(tree.ref(params));
    this.compiled = typeof loss === "function" ? adamStep(loss, options) : loss;
  }

  /** One step on `batch` (consumed); returns the loss before the step and any metrics. */
  step(batch: readonly JaxArray[], learningRate = this.options.learningRate): { loss: number } & Record<string, number> {
    const [params, opt, value, metrics] = this.compiled.run(this.params, this.opt, np.array(Float32Array.of(learningRate)), ...batch);
    this.params = params;
    this.opt = opt;
    const out: { loss: number } & Record<string, number> = { loss: (value.dataSync() as Float32Array)[0] };
    for (const [name, metric] of Object.entries(metrics)) out[name] = (metric.dataSync() as Float32Array)[0];
    return out;
  }

  /** The parameters and Adam's moments, as plain numbers. */
  state(): AdamTrainerState {
    return { params: treeToJson(this.params), opt: adamToJson(this.opt) };
  }

  load(state: AdamTrainerState): void {
    const params = treeFromJson(state.params, this.params);
    tree.dispose(this.params as never);
    this.params = params;
    this.opt = adamFromJson(state.opt, this.opt);
  }
}

/** 0, 1, …, n − 1. */
export function indices(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
}

/**
 * One epoch of minibatches: shuffles `order` in place with `rng`, then
 * yields consecutive views of `size` indices (a last, smaller remainder is
 * dropped). The shuffle happens when iteration starts.
 */
export function* shuffledBatches(order: Int32Array, size: number, rng: Rng): Generator<Int32Array> {
  rng.shuffle(order);
  for (let start = 0; start + size <= order.length; start += size) yield order.subarray(start, start + size);
}
