/**
 * A gated recurrent unit (Cho et al. 2014, "Learning Phrase Representations
 * using RNN Encoder–Decoder for Statistical Machine Translation"), with
 * PyTorch's equations and parameter layout (`torch.nn.GRU`, gate order
 * r, z, n):
 *
 *   r  = σ(W_ir x + b_ir + W_hr h + b_hr)
 *   z  = σ(W_iz x + b_iz + W_hz h + b_hz)
 *   n  = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))
 *   h' = (1 − z) ⊙ n + z ⊙ h
 *
 * (PyTorch's variant puts r inside the product with W_hn h + b_hn; the paper
 * applies r to h before W_hn.) Forward runs whole time-major sequences for
 * backpropagation through time, resetting the hidden state to zero where an
 * episode starts, as recurrent PPO does (CleanRL's ppo_atari_lstm multiplies
 * h by 1 − done before each step); `step` advances one step for acting.
 *
 * The matrix products run on WebAssembly SIMD kernels (wasm/gru-kernels.ts,
 * built from dense-kernels.ts's generators): float32 storage and float32
 * sums, each output summed over its reduction index in order, so a row's
 * result does not depend on how many rows run at once and `step` gives
 * `forward`'s bits. The gates' nonlinearities and the elementwise backward
 * stay in JavaScript (Math.exp, Math.tanh, float64 arithmetic rounded to
 * float32 when stored). Sizes are padded to multiples of 4 inside the
 * kernels' memory with zeros that stay zero.
 *
 * `params` and `grads` (torch's layout) are views into that memory. The
 * kernels read padded copies of the weights (W_ihᵀ, W_hhᵀ and the biases
 * for `forward` and `step`, W_ih and W_hh for `backward`), refreshed from
 * `params` by a strided-copy kernel at the start of each of those calls, so
 * a change to `params` made between calls is always seen. Every buffer is
 * allocated by the constructor, none per call.
 *
 * @example
 * const gru = new Gru(obsSize, 64, rolloutSteps, envsPerMinibatch);
 * initGru(gru, rng);
 * gru.forward(obs, T, B, h0, starts); // gru.output: h_1 … h_T, T × B × H
 * gru.backward(dOutput, T, B);        // gru.grads, gru.inputGrad, gru.h0Grad
 */
import type { Rng } from "../core/rng.js";
import { instantiateGruKernels, type GruKernels } from "./wasm/gru-kernels.js";

/** The four parameter tensors as views of one flat buffer, in torch's order and layout. */
export interface GruTensors {
  /** W_ih: 3H × I, row-major, rows W_ir | W_iz | W_in. */
  weightIh: Float32Array;
  /** W_hh: 3H × H, row-major, rows W_hr | W_hz | W_hn. */
  weightHh: Float32Array;
  /** b_ih: 3H, b_ir | b_iz | b_in. */
  biasIh: Float32Array;
  /** b_hh: 3H, b_hr | b_hz | b_hn. */
  biasHh: Float32Array;
}

/** The number of parameters of a GRU with these sizes: 3H·I + 3H·H + 3H + 3H. */
export function gruParamCount(inputSize: number, hiddenSize: number): number {
  return 3 * hiddenSize * (inputSize + hiddenSize + 2);
}

/** Views of `buffer` (laid out as `Gru.params`) as W_ih, W_hh, b_ih, b_hh. */
export function gruTensors(buffer: Float32Array, inputSize: number, hiddenSize: number): GruTensors {
  const G = 3 * hiddenSize;
  const ih = G * inputSize;
  const hh = ih + G * hiddenSize;
  return {
    weightIh: buffer.subarray(0, ih),
    weightHh: buffer.subarray(ih, hh),
    biasIh: buffer.subarray(hh, hh + G),
    biasHh: buffer.subarray(hh + G, hh + 2 * G),
  };
}

export class Gru {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly maxSteps: number;
  readonly maxBatch: number;
  /** W_ih, W_hh, b_ih, b_hh, one after another, so an optimizer can update them as one block (a view into the kernels' memory). */
  readonly params: Float32Array;
  /** ∂loss/∂params from the last `backward`, laid out as `params` (a view into the kernels' memory). */
  readonly grads: Float32Array;
  readonly paramViews: GruTensors;
  readonly gradViews: GruTensors;
  /** h_1 … h_T of the last `forward`: its first T·B·H entries, T × B × H. */
  readonly output: Float32Array;
  /** ∂loss/∂x of the last `backward`: its first T·B·I entries, T × B × I. */
  readonly inputGrad: Float32Array;
  /** ∂loss/∂h0 of the last `backward`: its first B·H entries (zero where a sequence starts an episode at t = 0). */
  readonly h0Grad: Float32Array;

  /** Padded sizes: I and H rounded up to multiples of 4, and the three gates' width 3·Hp. */
  private readonly Ip: number;
  private readonly Hp: number;
  private readonly Gp: number;
  private readonly kernels: GruKernels;
  /** The kernels' whole memory as floats; the fields below are byte offsets into it. */
  private readonly mem: Float32Array;
  private readonly pParams: number;
  private readonly pGrads: number;
  /** Padded copies of the weights refreshed from `params`: W_ihᵀ (Ip × 3Hp), W_hhᵀ (Hp × 3Hp), b_ih | b_hh (3Hp each), W_ih (3Hp × Ip), W_hh (3Hp × Hp). */
  private readonly pWihT: number;
  private readonly pWhhT: number;
  private readonly pBias: number;
  private readonly pWih: number;
  private readonly pWhh: number;
  /** Padded gradients as the outer-product kernels leave them: ∂W_ihᵀ, then ∂b_ih | ∂b_hh (adjacent), ∂W_hhᵀ. */
  private readonly pdWihT: number;
  private readonly pdBias: number;
  private readonly pdWhhT: number;
  /** What backward needs from forward, per row t·B + b: x (Ip), h_{t−1} as the step saw it (Hp, zeros after a reset), r | z | n and W_hh h + b_hh (3Hp each). */
  private readonly pX: number;
  private readonly pHPrev: number;
  private readonly pGates: number;
  private readonly pGh: number;
  /** Backward: ∂loss/∂ of the input-side and hidden-side pre-activations per row (they differ in the n part), dGh_t·W_hh per sequence, ∂loss/∂x padded. */
  private readonly pdGi: number;
  private readonly pdGh: number;
  private readonly pdH: number;
  private readonly pdX: number;
  /** `step`'s own x, h, gates and W_hh h + b_hh, so what forward kept stays untouched. */
  private readonly pStepX: number;
  private readonly pStepH: number;
  private readonly pStepGates: number;
  private readonly pStepGh: number;
  private readonly starts: Uint8Array;
  private T = 0;
  private B = 0;
  /** Backward, float64: ∂loss/∂h_t per sequence, and z ⊙ ∂loss/∂h_t of the current step. */
  private readonly dh: Float64Array;
  private readonly zdh: Float64Array;

  constructor(inputSize: number, hiddenSize: number, maxSteps: number, maxBatch: number) {
    for (const [name, v] of [
      ["inputSize", inputSize],
      ["hiddenSize", hiddenSize],
      ["maxSteps", maxSteps],
      ["maxBatch", maxBatch],
    ] as const) {
      if (!Number.isInteger(v) || v < 1) throw new RangeError(`Gru ${name}: expected a positive integer, got ${v}`);
    }
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.maxSteps = maxSteps;
    this.maxBatch = maxBatch;
    const [I, H] = [inputSize, hiddenSize];
    const Ip = (this.Ip = pad4(I));
    const Hp = (this.Hp = pad4(H));
    const Gp = (this.Gp = 3 * Hp);
    const rows = maxSteps * maxBatch;
    const count = gruParamCount(I, H);
    let bytes = 0;
    const take = (n: number) => {
      const at = bytes;
      bytes += pad4(n) * 4;
      return at;
    };
    this.pParams = take(count);
    this.pGrads = take(count);
    this.pWihT = take(Ip * Gp);
    this.pWhhT = take(Hp * Gp);
    // b_ih and b_hh padded, adjacent (Gp is a multiple of 4), so one copy moves both.
    this.pBias = take(2 * Gp);
    this.pWih = take(Gp * Ip);
    this.pWhh = take(Gp * Hp);
    this.pdWihT = take(Ip * Gp);
    this.pdBias = take(2 * Gp);
    this.pdWhhT = take(Hp * Gp);
    this.pX = take(rows * Ip);
    this.pHPrev = take(rows * Hp);
    this.pGates = take(rows * Gp);
    this.pGh = take(rows * Gp);
    this.pdGi = take(rows * Gp);
    this.pdGh = take(rows * Gp);
    this.pdH = take(maxBatch * Hp);
    this.pdX = take(rows * Ip);
    this.pStepX = take(maxBatch * Ip);
    this.pStepH = take(maxBatch * Hp);
    this.pStepGates = take(maxBatch * Gp);
    this.pStepGh = take(maxBatch * Gp);
    const { kernels, buffer } = instantiateGruKernels(Ip, Hp, bytes);
    this.kernels = kernels;
    // The memory never grows, so these views stay valid. Padding lanes are zero from the start and nothing writes them but the kernels (with zeros).
    this.mem = new Float32Array(buffer);
    this.params = this.mem.subarray(this.pParams / 4, this.pParams / 4 + count);
    this.grads = this.mem.subarray(this.pGrads / 4, this.pGrads / 4 + count);
    this.paramViews = gruTensors(this.params, I, H);
    this.gradViews = gruTensors(this.grads, I, H);
    this.output = new Float32Array(rows * H);
    this.inputGrad = new Float32Array(rows * I);
    this.h0Grad = new Float32Array(maxBatch * H);
    this.starts = new Uint8Array(rows);
    this.dh = new Float64Array(maxBatch * H);
    this.zdh = new Float64Array(maxBatch * H);
  }

  /**
   * Runs T steps for B sequences. `x` is T × B × I (time-major), `h0` is
   * B × H, and `starts[t·B + b] = 1` means sequence b starts an episode at
   * step t: the step sees a zero hidden state instead of h_{t−1}. Writes
   * h_1 … h_T to `output` and keeps what `backward` needs.
   */
  forward(x: Float32Array, T: number, B: number, h0: Float32Array, starts: Uint8Array): void {
    this.checkSizes(T, B);
    const { inputSize: I, hiddenSize: H, Ip, Hp, Gp, mem, kernels, output } = this;
    const rows = T * B;
    expectLength("x", x, rows * I);
    expectLength("h0", h0, B * H);
    expectLength("starts", starts, rows);
    this.refreshForward();
    copyRows(x, I, mem, this.pX / 4, Ip, rows);
    copy(starts, 0, this.starts, 0, rows);
    this.T = T;
    this.B = B;
    // W_i· x + b_i· does not depend on h: all T·B rows before the recurrence.
    kernels.forwardIh(this.pX, this.pWihT, this.pBias, this.pGates, rows, 0);
    const hPrev = this.pHPrev / 4;
    const gates = this.pGates / 4;
    const gh = this.pGh / 4;
    for (let t = 0; t < T; t++) {
      for (let b = 0; b < B; b++) {
        const row = t * B + b;
        if (starts[row]) mem.fill(0, hPrev + row * Hp, hPrev + row * Hp + H);
        else if (t === 0) copy(h0, b * H, mem, hPrev + row * Hp, H);
        else copy(output, (row - B) * H, mem, hPrev + row * Hp, H);
      }
      // W_hh h_{t−1} + b_hh for the B sequences at once.
      kernels.forwardHh(this.pHPrev + 4 * t * B * Hp, this.pWhhT, this.pBias + 4 * Gp, this.pGh + 4 * t * B * Gp, B, 0);
      for (let b = 0; b < B; b++) {
        const row = t * B + b;
        cell(mem, H, Hp, gates + row * Gp, gh + row * Gp, hPrev + row * Hp, output, row * H);
      }
    }
  }

  /**
   * One step for B sequences, for acting: `x` is B × I, `h` (B × H) is
   * replaced by the new hidden state, and `starts[b] = 1` resets sequence b
   * first. The same kernels and arithmetic as `forward`'s steps, so the same
   * bits. Leaves what `forward` kept for `backward` untouched.
   */
  step(x: Float32Array, B: number, h: Float32Array, starts: Uint8Array): void {
    this.checkSizes(1, B);
    const { inputSize: I, hiddenSize: H, Ip, Hp, Gp, mem, kernels } = this;
    expectLength("x", x, B * I);
    expectLength("h", h, B * H);
    expectLength("starts", starts, B);
    this.refreshForward();
    copyRows(x, I, mem, this.pStepX / 4, Ip, B);
    const hPrev = this.pStepH / 4;
    for (let b = 0; b < B; b++) {
      if (starts[b] !== 0) mem.fill(0, hPrev + b * Hp, hPrev + b * Hp + H);
      else copy(h, b * H, mem, hPrev + b * Hp, H);
    }
    kernels.forwardIh(this.pStepX, this.pWihT, this.pBias, this.pStepGates, B, 0);
    kernels.forwardHh(this.pStepH, this.pWhhT, this.pBias + 4 * Gp, this.pStepGh, B, 0);
    // h' goes straight into `h`: the cell reads h_{t−1} from the padded copy.
    for (let b = 0; b < B; b++) cell(mem, H, Hp, this.pStepGates / 4 + b * Gp, this.pStepGh / 4 + b * Gp, hPrev + b * Hp, h, b * H);
  }

  /**
   * Backpropagation through the last `forward`'s T steps. `dOutput` is
   * ∂loss/∂h_t (T × B × H, the same T and B). Overwrites `grads`,
   * `inputGrad` and `h0Grad`. No gradient flows into a state a reset
   * replaced by zeros. Uses `params` as they are now: call it before an
   * optimizer changes them.
   */
  backward(dOutput: Float32Array, T: number, B: number): void {
    if (T !== this.T || B !== this.B) throw new RangeError(`Gru backward: expected the last forward's T = ${this.T} and B = ${this.B}, got ${T} and ${B}`);
    const { inputSize: I, hiddenSize: H, Ip, Hp, Gp, mem, kernels, starts, dh, zdh } = this;
    const rows = T * B;
    expectLength("dOutput", dOutput, rows * H);
    this.refreshBackward();
    const hPrev = this.pHPrev / 4;
    const gates = this.pGates / 4;
    const gh = this.pGh / 4;
    const dGi = this.pdGi / 4;
    const dGh = this.pdGh / 4;
    const dhW = this.pdH / 4;
    // dh[b]: ∂loss/∂h_t of sequence b through the steps after t (none after T).
    dh.fill(0, 0, B * H);
    for (let t = T - 1; t >= 0; t--) {
      for (let b = 0; b < B; b++) {
        const row = t * B + b;
        const g = gates + row * Gp;
        const n0 = gh + row * Gp + 2 * Hp;
        const hp = hPrev + row * Hp;
        const di = dGi + row * Gp;
        const dg = dGh + row * Gp;
        for (let j = 0; j < H; j++) {
          const r = mem[g + j];
          const z = mem[g + Hp + j];
          const n = mem[g + 2 * Hp + j];
          const dhj = dh[b * H + j] + dOutput[row * H + j];
          // h' = (1 − z) n + z h
          const dn = dhj * (1 - z);
          const dz = dhj * (mem[hp + j] - n);
          zdh[b * H + j] = dhj * z;
          // n = tanh(a_n), a_n = W_in x + b_in + r ⊙ hn, hn = W_hn h + b_hn
          const dan = dn * (1 - n * n);
          const dr = dan * mem[n0 + j];
          // σ' = σ (1 − σ)
          const dar = dr * r * (1 - r);
          const daz = dz * z * (1 - z);
          mem[di + j] = dar;
          mem[di + Hp + j] = daz;
          mem[di + 2 * Hp + j] = dan;
          mem[dg + j] = dar;
          mem[dg + Hp + j] = daz;
          mem[dg + 2 * Hp + j] = dan * r;
        }
      }
      // ∂loss/∂h_{t−1} = z ⊙ ∂loss/∂h_t + W_hhᵀ dGh, for the B sequences at once.
      kernels.backwardHh(this.pdGh + 4 * t * B * Gp, this.pWhh, 0, this.pdH, B, 0);
      for (let b = 0; b < B; b++) {
        // A reset replaced h_{t−1} by zeros: nothing reaches it or earlier steps.
        if (starts[t * B + b]) dh.fill(0, b * H, (b + 1) * H);
        else for (let j = 0; j < H; j++) dh[b * H + j] = zdh[b * H + j] + mem[dhW + b * Hp + j];
      }
    }
    copy(dh, 0, this.h0Grad, 0, B * H);

    // ∂loss/∂x = dGi W_ih, all rows at once.
    kernels.backwardIh(this.pdGi, this.pWih, 0, this.pdX, rows, 0);
    copyRows(mem, Ip, this.inputGrad, 0, I, rows, this.pdX / 4);
    // ∂W_ihᵀ = Σ_rows x dGiᵀ, ∂W_hhᵀ = Σ_rows h_{t−1} dGhᵀ (zero after a reset), biases Σ_rows dG; then into torch's layout.
    kernels.outerIh(this.pX, this.pdGi, this.pdWihT, this.pdBias, rows);
    kernels.outerHh(this.pHPrev, this.pdGh, this.pdWhhT, this.pdBias + 4 * Gp, rows);
    const G = 3 * H;
    const f = 4;
    const { copy: move } = kernels;
    // grads W_ih[gate·H + j, k] = ∂W_ihᵀ[k, gate·Hp + j]; likewise W_hh; biases gate by gate.
    move(this.pdWihT, this.pGrads, 3, H, I, f * Hp, f, f * Gp, f * H * I, f * I, f);
    move(this.pdWhhT, this.pGrads + f * G * I, 3, H, H, f * Hp, f, f * Gp, f * H * H, f * H, f);
    move(this.pdBias, this.pGrads + f * G * (I + H), 6, 1, H, f * Hp, 0, f, f * H, 0, f);
  }

  /**
   * Refreshes the forward kernels' copies from `params`: W_ihᵀ, W_hhᵀ and the
   * biases, padded. Run at the start of every `forward` and `step`, so any
   * change to `params` (an optimizer step, a checkpoint load) is seen.
   */
  private refreshForward(): void {
    const { inputSize: I, hiddenSize: H, Hp, Gp } = this;
    const G = 3 * H;
    const f = 4;
    const { copy: move } = this.kernels;
    // W_ihᵀ[k, gate·Hp + j] = W_ih[gate·H + j, k].
    move(this.pParams, this.pWihT, 3, H, I, f * H * I, f * I, f, f * Hp, f, f * Gp);
    move(this.pParams + f * G * I, this.pWhhT, 3, H, H, f * H * H, f * H, f, f * Hp, f, f * Gp);
    move(this.pParams + f * G * (I + H), this.pBias, 6, 1, H, f * H, 0, f, f * Hp, 0, f);
  }

  /** Refreshes the backward kernels' copies from `params`: W_ih and W_hh padded (3Hp × Ip, 3Hp × Hp). Run at the start of every `backward`. */
  private refreshBackward(): void {
    const { inputSize: I, hiddenSize: H, Ip, Hp } = this;
    const G = 3 * H;
    const f = 4;
    const { copy: move } = this.kernels;
    move(this.pParams, this.pWih, 3, H, I, f * H * I, f * I, f, f * Hp * Ip, f * Ip, f);
    move(this.pParams + f * G * I, this.pWhh, 3, H, H, f * H * H, f * H, f, f * Hp * Hp, f * Hp, f);
  }

  private checkSizes(T: number, B: number): void {
    if (!Number.isInteger(T) || T < 1 || T > this.maxSteps) throw new RangeError(`Gru: T must be an integer in 1…${this.maxSteps}, got ${T}`);
    if (!Number.isInteger(B) || B < 1 || B > this.maxBatch) throw new RangeError(`Gru: B must be an integer in 1…${this.maxBatch}, got ${B}`);
  }
}

/**
 * Fills `gru.params` like torch's `GRU.reset_parameters`: every parameter
 * uniform in (−1/√H, 1/√H), drawn from `rng` in the order of `params`.
 */
export function initGru(gru: Gru, rng: Rng): void {
  const k = 1 / Math.sqrt(gru.hiddenSize);
  const p = gru.params;
  for (let i = 0; i < p.length; i++) p[i] = rng.uniform(-k, k);
}

const pad4 = (n: number) => Math.ceil(n / 4) * 4;

/**
 * One GRU step for one sequence, on the kernels' memory `m` (float
 * indices). `m[g … g+3Hp)` holds W_i· x + b_i· (gate blocks Hp apart) on
 * entry and r | z | n on exit; `m[gh …)` holds W_hh h + b_hh, `m[hp …)` h.
 * Writes h' to `out[o …)`. Forward and step share it, so they share bits.
 */
function cell(m: Float32Array, H: number, Hp: number, g: number, gh: number, hp: number, out: Float32Array, o: number): void {
  for (let j = 0; j < H; j++) {
    const r = sigmoid(m[g + j] + m[gh + j]);
    const z = sigmoid(m[g + Hp + j] + m[gh + Hp + j]);
    const n = Math.tanh(m[g + 2 * Hp + j] + r * m[gh + 2 * Hp + j]);
    m[g + j] = r;
    m[g + Hp + j] = z;
    m[g + 2 * Hp + j] = n;
  }
  for (let j = 0; j < H; j++) {
    const z = m[g + Hp + j];
    out[o + j] = (1 - z) * m[g + 2 * Hp + j] + z * m[hp + j];
  }
}

function sigmoid(a: number): number {
  return 1 / (1 + Math.exp(-a));
}

function copy(from: ArrayLike<number>, f: number, to: Float32Array | Float64Array | Uint8Array, o: number, n: number): void {
  for (let i = 0; i < n; i++) to[o + i] = from[f + i];
}

/** `rows` rows of `width` floats from `from` (rows `fromStride` apart, from index `f`) to `to` (rows `toStride` apart, from index `o`): padding or unpadding. */
function copyRows(from: Float32Array, fromStride: number, to: Float32Array, o: number, toStride: number, rows: number, f = 0): void {
  const width = Math.min(fromStride, toStride);
  for (let row = 0; row < rows; row++) {
    const a = f + row * fromStride;
    const b = o + row * toStride;
    for (let k = 0; k < width; k++) to[b + k] = from[a + k];
  }
}

function expectLength(name: string, a: ArrayLike<number>, n: number): void {
  if (a.length < n) throw new RangeError(`Gru: ${name} needs at least ${n} entries, got ${a.length}`);
}
