/**
 * Small MLPs trained by hand-written WebAssembly SIMD kernels: their
 * parameters, gradients and Adam moments as one flat float32 block in one
 * memory, a forward pass that keeps every layer's output for the backward
 * pass, a backward pass from the caller's output gradient, the gradient's
 * global norm and one clipped Adam step.
 *
 * Why not jax-js here: for a 64-64 network on minibatches of ~128 rows, a
 * jax-js update spends about as long dispatching and tracing its kernels as
 * running them, and the rest of a PPO iteration (acting step by step) cannot
 * use it at all. These kernels are specialized to the layer sizes, run with
 * no dispatch and serve acting, the critic pass and learning alike, so the
 * numbers an agent acts on are the numbers it learns from.
 *
 * Sizes are padded to multiples of 4 with zero weights; padded units stay
 * exactly zero and get zero gradients, so they change nothing.
 */
import { adamKernel, affineKernel, assemble, outerKernel, sumSquaresKernel, transposeKernel, type Epilogue } from "./dense-kernels.js";
import { wasm, type FunctionBuilder } from "./assembler.js";

export type Activation = "tanh" | "relu";

/** One network: true layer sizes (input first) and its hidden activation. */
export interface DenseNetShape {
  sizes: readonly number[];
  activation: Activation;
}

/** `DenseNets.state()`: true-shaped leaves, Adam's moments flat in leaf order, Adam's step t. */
export interface DenseNetsState {
  params: number[][];
  m: number[];
  v: number[];
  step: number;
}

export interface AdamHyper {
  beta1: number;
  beta2: number;
  eps: number;
}

const pad4 = (n: number) => Math.ceil(n / 4) * 4;


/** Compiled modules by layer sizes (the code depends only on them). */
const modules = new Map<string, object>();

interface Layer {
  nin: number;
  nout: number;
  /** Float offsets into the parameter block (the same offsets index gradients and moments). */
  w: number;
  b: number;
  /** Byte pointers: transposed weights, this layer's output, its gradient. */
  wt: number;
  y: number;
  dy: number;
  forward: string;
  inputGrad: string;
  outer: string;
  transpose: string;
}

type Kernel = (...args: number[]) => number;

export class DenseNets {
  /** The flat parameters (padded layout), their gradient and Adam's moments: views into the module's memory. */
  readonly params: Float32Array;
  readonly grads: Float32Array;
  readonly m: Float32Array;
  readonly v: Float32Array;
  /** Adam's step count t. */
  step = 0;
  /** Rows the activation buffers hold. */
  readonly capacity: number;
  /** The shared input (capacity × padded input width). */
  readonly input: Float32Array;
  readonly inputWidth: number;
  /** ∂loss/∂input after `backward(k, n, true)` (same layout as `input`). */
  readonly inputGrad: Float32Array;

  private readonly f32: Float32Array;
  private readonly kernels: Record<string, Kernel>;
  private readonly nets: Layer[][];
  private readonly paramBytes: number;
  private readonly gradBytes: number;
  private readonly mBytes: number;
  private readonly vBytes: number;
  private readonly inputBytes: number;
  private readonly inputGradBytes: number;
  private readonly extras: number;
  private readonly extraCount: number;

  /**
   * `nets` share their input width; `extra` floats of parameters follow the
   * networks' (a Gaussian policy's log σ), trained by the same Adam step.
   */
  constructor(
    readonly shapes: readonly DenseNetShape[],
    capacity: number,
    readonly adam: AdamHyper,
    extra = 0,
  ) {
    this.capacity = capacity;
    this.inputWidth = pad4(shapes[0].sizes[0]);
    if (shapes.some((s) => pad4(s.sizes[0]) !== this.inputWidth)) throw new Error("DenseNets: networks must share their input width");
    // Parameters: each layer's W (nin × nout) then b (nout), padded; extras after.
    let floats = 0;
    const layouts = shapes.map((s) =>
      s.sizes.slice(0, -1).map((_, l) => {
        const nin = pad4(s.sizes[l]);
        const nout = pad4(s.sizes[l + 1]);
        const w = floats;
        floats += nin * nout;
        const b = floats;
        floats += nout;
        return { nin, nout, w, b };
      }),
    );
    this.extras = floats;
    this.extraCount = extra;
    floats += pad4(extra);
    // Memory: four parameter-sized blocks, then the input, then per layer WT, y and dy.
    let bytes = 0;
    const take = (n: number) => {
      const at = bytes;
      bytes += pad4(n) * 4;
      return at;
    };
    this.paramBytes = take(floats);
    this.gradBytes = take(floats);
    this.mBytes = take(floats);
    this.vBytes = take(floats);
    this.inputBytes = take(capacity * this.inputWidth);
    this.inputGradBytes = take(capacity * this.inputWidth);
    const functions = new Map<string, () => FunctionBuilder>();
    this.nets = layouts.map((layers, k) => {
      const act = shapes[k].activation;
      return layers.map((l, i) => {
        const last = i + 1 === layers.length;
        const forward = `affine_${l.nin}_${l.nout}_${last ? "none" : act}`;
        const inputGrad = `back_${l.nout}_${l.nin}_${i > 0 ? act : "none"}`;
        const outer = `outer_${l.nin}_${l.nout}`;
        const transpose = `transpose_${l.nin}_${l.nout}`;
        functions.set(forward, () => affineKernel(forward, l.nin, l.nout, last ? "none" : act, true));
        // The input gradient of layer i > 0 goes through the derivative of the previous layer's activation; layer 0's is the raw input's.
        const epi: Epilogue = i > 0 ? `${act}'` : "none";
        functions.set(inputGrad, () => affineKernel(inputGrad, l.nout, l.nin, epi, false));
        functions.set(outer, () => outerKernel(outer, l.nin, l.nout));
        functions.set(transpose, () => transposeKernel(transpose, l.nin, l.nout));
        return { ...l, wt: take(l.nin * l.nout), y: take(capacity * l.nout), dy: take(capacity * l.nout), forward, inputGrad, outer, transpose };
      });
    });
    const { beta1, beta2, eps } = adam;
    const adamName = `adam_${beta1}_${beta2}_${eps}`;
    functions.set("sumsq", () => sumSquaresKernel("sumsq"));
    functions.set("adam", () => adamKernel("adam", beta1, beta2, eps));
    const key = [...functions.keys()].sort().join(",") + adamName;
    let module = modules.get(key);
    if (!module) {
      module = new wasm.Module(assemble([...functions.keys()].sort().map((name) => functions.get(name)!())));
      modules.set(key, module);
    }
    const memory = new wasm.Memory({ initial: Math.ceil(bytes / 65536) + 1 });
    this.kernels = new wasm.Instance(module, { env: { memory } }).exports as Record<string, Kernel>;
    this.f32 = new Float32Array(memory.buffer);
    const view = (at: number, n: number) => this.f32.subarray(at / 4, at / 4 + n);
    this.params = view(this.paramBytes, floats);
    this.grads = view(this.gradBytes, floats);
    this.m = view(this.mBytes, floats);
    this.v = view(this.vBytes, floats);
    this.input = view(this.inputBytes, capacity * this.inputWidth);
    this.inputGrad = view(this.inputGradBytes, capacity * this.inputWidth);
  }

  /** Copies `rows` rows of `width` floats (the true input width) from `x` into `input`, from row `at`, padding zero. */
  setInput(x: Float32Array, rows: number, width = this.shapes[0].sizes[0], at = 0): void {
    if (width === this.inputWidth) {
      this.input.set(x.subarray(0, rows * width), at * width);
      return;
    }
    const W = this.inputWidth;
    for (let i = 0; i < rows; i++) {
      this.input.set(x.subarray(i * width, (i + 1) * width), (at + i) * W);
      this.input.fill(0, (at + i) * W + width, (at + i + 1) * W);
    }
  }

  /** Layer l of net k's weights (padded nin × nout) and bias, as views of `params` (or of `grads`). */
  weights(k: number, l: number, of: Float32Array = this.params): { w: Float32Array; b: Float32Array; nin: number; nout: number } {
    const L = this.nets[k][l];
    return { w: of.subarray(L.w, L.w + L.nin * L.nout), b: of.subarray(L.b, L.b + L.nout), nin: L.nin, nout: L.nout };
  }

  /** Net k's layers as true-shaped copies [W0, b0, W1, b1, …] of `of` (parameters, gradients or a moment). */
  leaves(k: number, of: Float32Array = this.params): Float32Array[] {
    const sizes = this.shapes[k].sizes;
    return this.nets[k].flatMap((_, l) => {
      const { w, b, nout } = this.weights(k, l, of);
      const [nin, cols] = [sizes[l], sizes[l + 1]];
      const W = new Float32Array(nin * cols);
      for (let i = 0; i < nin; i++) W.set(w.subarray(i * nout, i * nout + cols), i * cols);
      return [W, b.slice(0, cols)];
    });
  }

  /** Writes true-shaped leaves [W0, b0, …] of net k into `of`, padding zero. */
  setLeaves(k: number, leaves: readonly ArrayLike<number>[], of: Float32Array = this.params): void {
    const sizes = this.shapes[k].sizes;
    this.nets[k].forEach((_, l) => {
      const { w, b, nout } = this.weights(k, l, of);
      const [nin, cols] = [sizes[l], sizes[l + 1]];
      const W = leaves[2 * l];
      const B = leaves[2 * l + 1];
      if (W.length !== nin * cols || B.length !== cols) throw new Error(`DenseNets: layer ${l} of net ${k} expects ${nin}×${cols} weights and ${cols} biases, got ${W.length} and ${B.length}`);
      w.fill(0);
      b.fill(0);
      for (let i = 0; i < nin; i++) for (let j = 0; j < cols; j++) w[i * nout + j] = W[i * cols + j];
      for (let j = 0; j < cols; j++) b[j] = B[j];
    });
  }

  /** The extra parameters (or their gradient). */
  extra(of: Float32Array = this.params): Float32Array {
    return of.subarray(this.extras);
  }

  /** Net k's output for the rows of the last forward pass (capacity × padded output width). */
  output(k: number): Float32Array {
    const last = this.nets[k][this.nets[k].length - 1];
    return this.f32.subarray(last.y / 4, last.y / 4 + this.capacity * last.nout);
  }

  /** Where the caller writes ∂loss/∂output of net k before `backward` (same layout as `output`). */
  outputGrad(k: number): Float32Array {
    const last = this.nets[k][this.nets[k].length - 1];
    return this.f32.subarray(last.dy / 4, last.dy / 4 + this.capacity * last.nout);
  }

  /** Padded output width of net k. */
  outputWidth(k: number): number {
    const layers = this.nets[k];
    return layers[layers.length - 1].nout;
  }

  /** Runs net k on the first n rows of `input`. */
  forward(k: number, n: number): void {
    this.checkRows(n);
    let x = this.inputBytes;
    for (const L of this.nets[k]) {
      this.kernels[L.forward](x, this.paramBytes + 4 * L.w, this.paramBytes + 4 * L.b, L.y, n, 0);
      x = L.y;
    }
  }

  /**
   * Gradients of net k's parameters (into `grads`, overwriting them) from
   * `outputGrad(k)`, after `forward(k, n)` on the same rows; with
   * `wantInputGrad`, also ∂loss/∂input into `inputGrad`.
   */
  backward(k: number, n: number, wantInputGrad = false): void {
    this.checkRows(n);
    const layers = this.nets[k];
    for (let l = layers.length - 1; l >= 0; l--) {
      const L = layers[l];
      const x = l === 0 ? this.inputBytes : layers[l - 1].y;
      this.kernels[L.outer](x, L.dy, this.gradBytes + 4 * L.w, this.gradBytes + 4 * L.b, n);
      if (l === 0 && !wantInputGrad) break;
      // dz_{l−1} = (dy_l · W_lᵀ) ⊙ act'(h_{l−1}); for l = 0, dx = dy_0 · W_0ᵀ.
      this.kernels[L.transpose](this.paramBytes + 4 * L.w, L.wt);
      if (l === 0) this.kernels[L.inputGrad](L.dy, L.wt, 0, this.inputGradBytes, n, 0);
      else this.kernels[L.inputGrad](L.dy, L.wt, 0, layers[l - 1].dy, n, layers[l - 1].y);
    }
  }

  /** Σ g² over every gradient. */
  gradSumSquares(): number {
    return this.kernels.sumsq(this.gradBytes, this.grads.length);
  }

  /** One Adam step with learning rate `lr` on the gradients times `scale`. */
  adamStep(lr: number, scale = 1): void {
    this.step++;
    const { beta1, beta2 } = this.adam;
    const bc1 = 1 - beta1 ** this.step;
    const bc2 = 1 - beta2 ** this.step;
    this.kernels.adam(this.paramBytes, this.gradBytes, this.mBytes, this.vBytes, this.params.length, scale, lr / bc1, Math.sqrt(bc2));
  }

  /** Parameters (every net's true-shaped leaves, then the extras), Adam's moments in the same order, and t: plain data for checkpoints. */
  state(): DenseNetsState {
    const flat = (of: Float32Array) => this.allLeaves(of).flatMap((leaf) => Array.from(leaf));
    return { params: this.allLeaves(this.params).map((leaf) => Array.from(leaf)), m: flat(this.m), v: flat(this.v), step: this.step };
  }

  /** Restores `state()`. */
  load(s: DenseNetsState): void {
    const sizes = this.allLeaves(this.params).map((leaf) => leaf.length);
    if (s.params.length !== sizes.length || s.params.some((leaf, i) => leaf.length !== sizes[i])) throw new Error("DenseNets: a state of other networks");
    const split = (flat: number[]) => {
      let at = 0;
      return sizes.map((n) => flat.slice(at, (at += n)));
    };
    for (const [of, leaves] of [[this.params, s.params], [this.m, split(s.m)], [this.v, split(s.v)]] as const) {
      let next = 0;
      this.shapes.forEach((_, k) => {
        const count = this.nets[k].length * 2;
        this.setLeaves(k, leaves.slice(next, next + count), of);
        next += count;
      });
      if (next < leaves.length) this.extra(of).set(leaves[next]);
    }
    this.step = s.step;
  }

  /** Every net's leaves, then the extras (when there are any). */
  private allLeaves(of: Float32Array): Float32Array[] {
    const leaves = this.shapes.flatMap((_, k) => this.leaves(k, of));
    return this.extraCount > 0 ? [...leaves, this.extra(of).slice(0, this.extraCount)] : leaves;
  }

  private checkRows(n: number): void {
    if (!(n >= 1 && n <= this.capacity)) throw new Error(`DenseNets: ${n} rows, expected 1…${this.capacity}`);
  }
}
