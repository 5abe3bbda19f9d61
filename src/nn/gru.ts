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
 * Plain loops over Float32Array: float32 storage, sums in float64, each
 * stored value rounded to float32. Every buffer is allocated by the
 * constructor, none per call.
 *
 * @example
 * const gru = new Gru(obsSize, 64, rolloutSteps, envsPerMinibatch);
 * initGru(gru, rng);
 * gru.forward(obs, T, B, h0, starts); // gru.output: h_1 … h_T, T × B × H
 * gru.backward(dOutput, T, B);        // gru.grads, gru.inputGrad, gru.h0Grad
 */
import type { Rng } from "../core/rng.js";

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
  /** W_ih, W_hh, b_ih, b_hh, one after another, so an optimizer can update them as one block. */
  readonly params: Float32Array;
  /** ∂loss/∂params from the last `backward`, laid out as `params`. */
  readonly grads: Float32Array;
  readonly paramViews: GruTensors;
  readonly gradViews: GruTensors;
  /** h_1 … h_T of the last `forward`: its first T·B·H entries, T × B × H. */
  readonly output: Float32Array;
  /** ∂loss/∂x of the last `backward`: its first T·B·I entries, T × B × I. */
  readonly inputGrad: Float32Array;
  /** ∂loss/∂h0 of the last `backward`: its first B·H entries (zero where a sequence starts an episode at t = 0). */
  readonly h0Grad: Float32Array;

  /** What backward needs from forward, per row t·B + b: x, h_{t−1} as the step saw it (zeros after a reset), r | z | n, W_hn h + b_hn. */
  private readonly x: Float32Array;
  private readonly hPrev: Float32Array;
  private readonly gates: Float32Array;
  private readonly hn: Float32Array;
  private readonly starts: Uint8Array;
  private T = 0;
  private B = 0;
  /** Backward: ∂loss/∂ of the input-side and hidden-side pre-activations per row (they differ in the n part). */
  private readonly dGi: Float32Array;
  private readonly dGh: Float32Array;
  /** Float64 sums: parameter gradients, ∂loss/∂h_t per sequence, one row of ∂loss/∂h_{t−1} or ∂loss/∂x. */
  private readonly gradAcc: Float64Array;
  private readonly dh: Float64Array;
  private readonly dRow: Float64Array;
  /** The hidden state after a reset, for `step`. */
  private readonly zeros: Float32Array;
  /** W_hh h + b_hh of one row, scratch for forward and step. */
  private readonly gh: Float32Array;
  /** `step`'s single-row gates and W_hn h + b_hn. */
  private readonly stepGates: Float32Array;
  private readonly stepHn: Float32Array;

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
    const rows = maxSteps * maxBatch;
    this.params = new Float32Array(gruParamCount(I, H));
    this.grads = new Float32Array(this.params.length);
    this.paramViews = gruTensors(this.params, I, H);
    this.gradViews = gruTensors(this.grads, I, H);
    this.output = new Float32Array(rows * H);
    this.inputGrad = new Float32Array(rows * I);
    this.h0Grad = new Float32Array(maxBatch * H);
    this.x = new Float32Array(rows * I);
    this.hPrev = new Float32Array(rows * H);
    this.gates = new Float32Array(rows * 3 * H);
    this.hn = new Float32Array(rows * H);
    this.starts = new Uint8Array(rows);
    this.dGi = new Float32Array(rows * 3 * H);
    this.dGh = new Float32Array(rows * 3 * H);
    this.gradAcc = new Float64Array(this.params.length);
    this.dh = new Float64Array(maxBatch * H);
    this.dRow = new Float64Array(Math.max(I, H));
    this.zeros = new Float32Array(H);
    this.gh = new Float32Array(3 * H);
    this.stepGates = new Float32Array(3 * H);
    this.stepHn = new Float32Array(H);
  }

  /**
   * Runs T steps for B sequences. `x` is T × B × I (time-major), `h0` is
   * B × H, and `starts[t·B + b] = 1` means sequence b starts an episode at
   * step t: the step sees a zero hidden state instead of h_{t−1}. Writes
   * h_1 … h_T to `output` and keeps what `backward` needs.
   */
  forward(x: Float32Array, T: number, B: number, h0: Float32Array, starts: Uint8Array): void {
    this.checkSizes(T, B);
    const { inputSize: I, hiddenSize: H } = this;
    const G = 3 * H;
    const rows = T * B;
    expectLength("x", x, rows * I);
    expectLength("h0", h0, B * H);
    expectLength("starts", starts, rows);
    copy(x, 0, this.x, 0, rows * I);
    copy(starts, 0, this.starts, 0, rows);
    this.T = T;
    this.B = B;
    const { weightIh, biasIh, weightHh, biasHh } = this.paramViews;
    const { gates, hn, hPrev, output } = this;
    // W_i· x + b_i· does not depend on h: all T·B rows before the recurrence.
    for (let row = 0; row < rows; row++) project(weightIh, biasIh, I, G, this.x, row * I, gates, row * G);
    for (let t = 0; t < T; t++) {
      for (let b = 0; b < B; b++) {
        const row = t * B + b;
        if (starts[row]) hPrev.fill(0, row * H, (row + 1) * H);
        else if (t === 0) copy(h0, b * H, hPrev, row * H, H);
        else copy(output, (row - B) * H, hPrev, row * H, H);
        cell(weightHh, biasHh, H, gates, row * G, hn, row * H, hPrev, row * H, output, row * H, this.gh);
      }
    }
  }

  /**
   * One step for B sequences, for acting: `x` is B × I, `h` (B × H) is
   * replaced by the new hidden state, and `starts[b] = 1` resets sequence b
   * first. The same arithmetic as `forward`'s steps, so the same bits.
   * Leaves what `forward` kept for `backward` untouched.
   */
  step(x: Float32Array, B: number, h: Float32Array, starts: Uint8Array): void {
    this.checkSizes(1, B);
    const { inputSize: I, hiddenSize: H } = this;
    const G = 3 * H;
    expectLength("x", x, B * I);
    expectLength("h", h, B * H);
    expectLength("starts", starts, B);
    const { weightIh, biasIh, weightHh, biasHh } = this.paramViews;
    const { stepGates, stepHn } = this;
    for (let b = 0; b < B; b++) {
      project(weightIh, biasIh, I, G, x, b * I, stepGates, 0);
      // In place: `cell` reads all of h before writing h'.
      const reset = starts[b] !== 0;
      cell(weightHh, biasHh, H, stepGates, 0, stepHn, 0, reset ? this.zeros : h, reset ? 0 : b * H, h, b * H, this.gh);
    }
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
    const { inputSize: I, hiddenSize: H } = this;
    const G = 3 * H;
    const rows = T * B;
    expectLength("dOutput", dOutput, rows * H);
    const { weightIh, weightHh } = this.paramViews;
    const { x, hPrev, gates, hn, starts, dGi, dGh, dh, dRow } = this;
    // dh[b]: ∂loss/∂h_t of sequence b through the steps after t (none after T).
    dh.fill(0, 0, B * H);
    for (let t = T - 1; t >= 0; t--) {
      for (let b = 0; b < B; b++) {
        const row = t * B + b;
        const g = row * G;
        for (let j = 0; j < H; j++) {
          const r = gates[g + j];
          const z = gates[g + H + j];
          const n = gates[g + 2 * H + j];
          const dhj = dh[b * H + j] + dOutput[row * H + j];
          // h' = (1 − z) n + z h
          const dn = dhj * (1 - z);
          const dz = dhj * (hPrev[row * H + j] - n);
          dRow[j] = dhj * z;
          // n = tanh(a_n), a_n = W_in x + b_in + r ⊙ hn, hn = W_hn h + b_hn
          const dan = dn * (1 - n * n);
          const dr = dan * hn[row * H + j];
          // σ' = σ (1 − σ)
          const dar = dr * r * (1 - r);
          const daz = dz * z * (1 - z);
          dGi[g + j] = dar;
          dGi[g + H + j] = daz;
          dGi[g + 2 * H + j] = dan;
          dGh[g + j] = dar;
          dGh[g + H + j] = daz;
          dGh[g + 2 * H + j] = dan * r;
        }
        if (starts[row]) {
          // h_{t−1} was replaced by zeros: nothing reaches it or earlier steps.
          dh.fill(0, b * H, (b + 1) * H);
        } else {
          // ∂loss/∂h_{t−1} = z ⊙ ∂loss/∂h_t + W_hhᵀ dGh
          addTransposedTimes(weightHh, G, H, dGh, g, dRow);
          copy(dRow, 0, dh, b * H, H);
        }
      }
    }
    copy(dh, 0, this.h0Grad, 0, B * H);

    // ∂loss/∂x = W_ihᵀ dGi, row by row.
    for (let row = 0; row < rows; row++) {
      dRow.fill(0, 0, I);
      addTransposedTimes(weightIh, G, I, dGi, row * G, dRow);
      copy(dRow, 0, this.inputGrad, row * I, I);
    }
    // ∂W_ih = Σ_rows dGi xᵀ, ∂W_hh = Σ_rows dGh h_{t−1}ᵀ (zero after a reset), biases Σ_rows dG.
    const acc = this.gradAcc;
    acc.fill(0);
    const wHh = G * I;
    const bIh = wHh + G * H;
    const bHh = bIh + G;
    addOuterProducts(acc, 0, rows, G, dGi, I, x);
    addOuterProducts(acc, wHh, rows, G, dGh, H, hPrev);
    for (let row = 0; row < rows; row++) {
      for (let i = 0; i < G; i++) {
        acc[bIh + i] += dGi[row * G + i];
        acc[bHh + i] += dGh[row * G + i];
      }
    }
    this.grads.set(acc);
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

/**
 * out[o … o+G) = W x[xo … xo+I) + bias, W being G × I row-major. Four
 * outputs per pass share each load of x; each output still sums bias, then
 * k = 0 … I−1 in order.
 */
function project(W: Float32Array, bias: Float32Array, I: number, G: number, x: Float32Array, xo: number, out: Float32Array, o: number): void {
  let j = 0;
  for (; j + 4 <= G; j += 4) {
    const w0 = j * I;
    const w1 = w0 + I;
    const w2 = w1 + I;
    const w3 = w2 + I;
    let s0 = bias[j];
    let s1 = bias[j + 1];
    let s2 = bias[j + 2];
    let s3 = bias[j + 3];
    for (let k = 0; k < I; k++) {
      const xk = x[xo + k];
      s0 += W[w0 + k] * xk;
      s1 += W[w1 + k] * xk;
      s2 += W[w2 + k] * xk;
      s3 += W[w3 + k] * xk;
    }
    out[o + j] = s0;
    out[o + j + 1] = s1;
    out[o + j + 2] = s2;
    out[o + j + 3] = s3;
  }
  for (; j < G; j++) {
    const w = j * I;
    let s = bias[j];
    for (let k = 0; k < I; k++) s += W[w + k] * x[xo + k];
    out[o + j] = s;
  }
}

/** out[0 … N) += Wᵀ d[dOff … dOff+G), W being G × N row-major: four rows of W per pass over out. */
function addTransposedTimes(W: Float32Array, G: number, N: number, d: Float32Array, dOff: number, out: Float64Array): void {
  let i = 0;
  for (; i + 4 <= G; i += 4) {
    const d0 = d[dOff + i];
    const d1 = d[dOff + i + 1];
    const d2 = d[dOff + i + 2];
    const d3 = d[dOff + i + 3];
    const w0 = i * N;
    const w1 = w0 + N;
    const w2 = w1 + N;
    const w3 = w2 + N;
    for (let k = 0; k < N; k++) out[k] += d0 * W[w0 + k] + d1 * W[w1 + k] + d2 * W[w2 + k] + d3 * W[w3 + k];
  }
  for (; i < G; i++) {
    const di = d[dOff + i];
    const w = i * N;
    for (let k = 0; k < N; k++) out[k] += di * W[w + k];
  }
}

/**
 * acc[a + i·N + k] += Σ_rows d[row·G + i] · v[row·N + k]: the gradient of a
 * G × N weight from per-row output gradients d and inputs v. Four rows per
 * pass over acc.
 */
function addOuterProducts(acc: Float64Array, a: number, rows: number, G: number, d: Float32Array, N: number, v: Float32Array): void {
  let row = 0;
  for (; row + 4 <= rows; row += 4) {
    const v0 = row * N;
    const v1 = v0 + N;
    const v2 = v1 + N;
    const v3 = v2 + N;
    for (let i = 0; i < G; i++) {
      const d0 = d[row * G + i];
      const d1 = d[(row + 1) * G + i];
      const d2 = d[(row + 2) * G + i];
      const d3 = d[(row + 3) * G + i];
      const w = a + i * N;
      for (let k = 0; k < N; k++) acc[w + k] += d0 * v[v0 + k] + d1 * v[v1 + k] + d2 * v[v2 + k] + d3 * v[v3 + k];
    }
  }
  for (; row < rows; row++) {
    for (let i = 0; i < G; i++) {
      const di = d[row * G + i];
      const w = a + i * N;
      for (let k = 0; k < N; k++) acc[w + k] += di * v[row * N + k];
    }
  }
}

/**
 * One GRU step for one sequence. `gates[g … g+3H)` holds W_i· x + b_i· on
 * entry and r | z | n on exit; `hn[ho …)` gets W_hn h + b_hn (backward
 * needs both); `out[o …)` gets h'. `gh` (3H) is scratch. All of h is read
 * before h' is written, so `out` may be `h` itself.
 */
function cell(
  W: Float32Array,
  bias: Float32Array,
  H: number,
  gates: Float32Array,
  g: number,
  hn: Float32Array,
  ho: number,
  h: Float32Array,
  hOff: number,
  out: Float32Array,
  o: number,
  gh: Float32Array,
): void {
  // gh = W_hh h + b_hh: the same product as the input side's.
  project(W, bias, H, 3 * H, h, hOff, gh, 0);
  for (let j = 0; j < H; j++) {
    const r = sigmoid(gates[g + j] + gh[j]);
    const z = sigmoid(gates[g + H + j] + gh[H + j]);
    const n = Math.tanh(gates[g + 2 * H + j] + r * gh[2 * H + j]);
    gates[g + j] = r;
    gates[g + H + j] = z;
    gates[g + 2 * H + j] = n;
    hn[ho + j] = gh[2 * H + j];
  }
  for (let j = 0; j < H; j++) {
    const z = gates[g + H + j];
    out[o + j] = (1 - z) * gates[g + 2 * H + j] + z * h[hOff + j];
  }
}

function sigmoid(a: number): number {
  return 1 / (1 + Math.exp(-a));
}

function copy(from: ArrayLike<number>, f: number, to: Float32Array | Float64Array | Uint8Array, o: number, n: number): void {
  for (let i = 0; i < n; i++) to[o + i] = from[f + i];
}

function expectLength(name: string, a: ArrayLike<number>, n: number): void {
  if (a.length < n) throw new RangeError(`Gru: ${name} needs at least ${n} entries, got ${a.length}`);
}
