import { readFileSync } from "node:fs";
import { expect, test } from "vitest";
import { Rng } from "../core/rng.js";
import { Gru, gruParamCount, gruTensors, initGru } from "./gru.js";

/** The equations written out once more, in float64, over params laid out as `Gru.params`. */
function referenceForward(p: ArrayLike<number>, I: number, H: number, T: number, B: number, x: ArrayLike<number>, h0: ArrayLike<number>, starts: ArrayLike<number>): Float64Array {
  const G = 3 * H;
  const Wi = 0;
  const Wh = G * I;
  const bi = Wh + G * H;
  const bh = bi + G;
  const out = new Float64Array(T * B * H);
  const sigmoid = (a: number) => 1 / (1 + Math.exp(-a));
  for (let b = 0; b < B; b++) {
    let h = Array.from({ length: H }, (_, j) => h0[b * H + j]);
    for (let t = 0; t < T; t++) {
      if (starts[t * B + b]) h = h.map(() => 0);
      const xt = (k: number) => x[(t * B + b) * I + k];
      const affine = (gate: number, j: number) => {
        let i = p[bi + gate * H + j];
        for (let k = 0; k < I; k++) i += p[Wi + (gate * H + j) * I + k] * xt(k);
        let hh = p[bh + gate * H + j];
        for (let k = 0; k < H; k++) hh += p[Wh + (gate * H + j) * H + k] * h[k];
        return [i, hh];
      };
      const next = h.map((hj, j) => {
        const [ir, hr] = affine(0, j);
        const [iz, hz] = affine(1, j);
        const [inn, hn] = affine(2, j);
        const r = sigmoid(ir + hr);
        const z = sigmoid(iz + hz);
        const n = Math.tanh(inn + r * hn);
        return (1 - z) * n + z * hj;
      });
      h = next;
      for (let j = 0; j < H; j++) out[(t * B + b) * H + j] = h[j];
    }
  }
  return out;
}

const dot = (a: ArrayLike<number>, c: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * c[i];
  return s;
};

const normals = (n: number, rng: Rng, scale = 1) => Float32Array.from({ length: n }, () => scale * rng.normal());

/** starts (T × B) with 1 at the given (t, b). */
function startsAt(T: number, B: number, resets: [number, number][]): Uint8Array {
  const starts = new Uint8Array(T * B);
  for (const [t, b] of resets) starts[t * B + b] = 1;
  return starts;
}

/** A GRU smaller in T and B than it was built for, so layouts must follow the call's sizes. */
function setup(seed: number) {
  const [I, H, T, B] = [4, 6, 7, 3];
  const rng = new Rng(seed);
  const gru = new Gru(I, H, T + 2, B + 2);
  initGru(gru, rng);
  // Larger weights than the default init, so gates leave their linear range.
  for (let i = 0; i < gru.params.length; i++) gru.params[i] *= 2.5;
  const x = normals(T * B * I, rng);
  const h0 = normals(B * H, rng, 0.7);
  const c = normals(T * B * H, rng);
  // Sequence 0 restarts mid-way, 1 at t = 0 and again later, 2 twice in a row.
  const starts = startsAt(T, B, [
    [3, 0],
    [0, 1],
    [5, 1],
    [2, 2],
    [3, 2],
  ]);
  return { gru, I, H, T, B, x, h0, c, starts };
}

test("forward matches a float64 reference, and every gradient matches central differences across resets", () => {
  const { gru, I, H, T, B, x, h0, c, starts } = setup(11);
  gru.forward(x, T, B, h0, starts);
  const p = Float64Array.from(gru.params);
  const ref = referenceForward(p, I, H, T, B, x, h0, starts);
  for (let i = 0; i < ref.length; i++) expect(Math.abs(gru.output[i] - ref[i])).toBeLessThan(1e-6);
  gru.backward(c, T, B);

  // loss = Σ c_t · h_t, differentiated numerically in float64.
  const eps = 1e-6;
  const numeric = (perturb: (delta: number) => () => number) => {
    const up = perturb(eps)();
    const down = perturb(-eps)();
    return (up - down) / (2 * eps);
  };
  let worst = 0;
  const check = (analytic: number, fd: number) => {
    const err = Math.abs(analytic - fd) / Math.max(1, Math.abs(fd));
    worst = Math.max(worst, err);
    expect(err).toBeLessThan(5e-6);
  };
  // Every parameter: all four groups, all three gates.
  for (let i = 0; i < p.length; i++) {
    const fd = numeric((d) => () => {
      const q = Float64Array.from(p);
      q[i] += d;
      return dot(referenceForward(q, I, H, T, B, x, h0, starts), c);
    });
    check(gru.grads[i], fd);
  }
  const xs = Float64Array.from(x);
  for (let i = 0; i < T * B * I; i++) {
    const fd = numeric((d) => () => {
      const q = Float64Array.from(xs);
      q[i] += d;
      return dot(referenceForward(p, I, H, T, B, q, h0, starts), c);
    });
    check(gru.inputGrad[i], fd);
  }
  const hs = Float64Array.from(h0);
  for (let i = 0; i < B * H; i++) {
    const fd = numeric((d) => () => {
      const q = Float64Array.from(hs);
      q[i] += d;
      return dot(referenceForward(p, I, H, T, B, x, q, starts), c);
    });
    check(gru.h0Grad[i], fd);
  }
  expect(worst).toBeGreaterThan(0);
  // Sequence 1 starts an episode at t = 0: h0 does not matter to it.
  for (let j = 0; j < H; j++) expect(gru.h0Grad[1 * H + j]).toBe(0);
});

test("no gradient crosses a reset: steps before it, and h0, get exactly zero", () => {
  const { gru, I, H, T, B, x, h0, starts } = setup(12);
  gru.forward(x, T, B, h0, starts);
  // Loss on sequence 0 from its reset at t = 3 on, on sequence 2 from t = 3.
  const dOut = new Float32Array(T * B * H);
  for (let t = 3; t < T; t++) for (const b of [0, 2]) for (let j = 0; j < H; j++) dOut[(t * B + b) * H + j] = 1;
  gru.backward(dOut, T, B);
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      const row = gru.inputGrad.subarray((t * B + b) * I, (t * B + b + 1) * I);
      const reached = t >= 3 && b !== 1;
      for (const v of row) reached ? expect(v).not.toBe(0) : expect(v).toBe(0);
    }
  }
  expect(Array.from(gru.h0Grad.subarray(0, B * H)).every((v) => v === 0)).toBe(true);
});

test("backward overwrites grads, inputGrad and h0Grad rather than adding to them", () => {
  const { gru, T, B, x, h0, c, starts } = setup(13);
  gru.forward(x, T, B, h0, starts);
  gru.backward(c, T, B);
  const first = [Array.from(gru.grads), Array.from(gru.inputGrad), Array.from(gru.h0Grad)];
  gru.backward(c, T, B);
  expect([Array.from(gru.grads), Array.from(gru.inputGrad), Array.from(gru.h0Grad)]).toEqual(first);
});

test("step gives forward's hidden states bit for bit, resets included", () => {
  const { gru, I, H, T, B, x, h0, starts } = setup(14);
  gru.forward(x, T, B, h0, starts);
  const h = Float32Array.from(h0);
  for (let t = 0; t < T; t++) {
    gru.step(x.subarray(t * B * I, (t + 1) * B * I), B, h, starts.subarray(t * B, (t + 1) * B));
    const expected = gru.output.subarray(t * B * H, (t + 1) * B * H);
    expect(Array.from(new Uint32Array(h.buffer))).toEqual(Array.from(new Uint32Array(expected.buffer, expected.byteOffset, B * H)));
  }
});

interface TorchCase {
  name: string;
  inputSize: number;
  hiddenSize: number;
  T: number;
  B: number;
  starts: number[];
  params: Record<"weight_ih_l0" | "weight_hh_l0" | "bias_ih_l0" | "bias_hh_l0", number[]>;
  x: number[];
  h0: number[];
  c: number[];
  output: number[];
  grads: Record<"weight_ih_l0" | "weight_hh_l0" | "bias_ih_l0" | "bias_hh_l0" | "x" | "h0", number[]>;
}

const fixture = JSON.parse(readFileSync(new URL("../../fixtures/gru/torch-gru.json", import.meta.url), "utf8")) as { torch: string; cases: TorchCase[] };

for (const k of fixture.cases) {
  test(`matches torch.nn.GRU (torch ${fixture.torch}): outputs and all gradients, case "${k.name}"`, () => {
    const { inputSize: I, hiddenSize: H, T, B } = k;
    const gru = new Gru(I, H, T, B);
    const tensors = [k.params.weight_ih_l0, k.params.weight_hh_l0, k.params.bias_ih_l0, k.params.bias_hh_l0];
    expect(tensors.reduce((n, t) => n + t.length, 0)).toBe(gruParamCount(I, H));
    gru.params.set(tensors.flat());
    gru.forward(Float32Array.from(k.x), T, B, Float32Array.from(k.h0), Uint8Array.from(k.starts));
    gru.backward(Float32Array.from(k.c), T, B);
    const close = (ours: ArrayLike<number>, theirs: number[]) => {
      for (let i = 0; i < theirs.length; i++) expect(Math.abs(ours[i] - theirs[i])).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(theirs[i])));
    };
    close(gru.output, k.output);
    const g = gruTensors(gru.grads, I, H);
    close(g.weightIh, k.grads.weight_ih_l0);
    close(g.weightHh, k.grads.weight_hh_l0);
    close(g.biasIh, k.grads.bias_ih_l0);
    close(g.biasHh, k.grads.bias_hh_l0);
    close(gru.inputGrad, k.grads.x);
    close(gru.h0Grad, k.grads.h0);
  });
}

test("initGru draws every parameter uniformly in ±1/√H from the given generator, in order", () => {
  const gru = new Gru(5, 16, 1, 1);
  const rng = new Rng(7);
  initGru(gru, rng);
  const replay = new Rng(7);
  const expected = Float32Array.from({ length: gru.params.length }, () => replay.uniform(-0.25, 0.25));
  expect(Array.from(gru.params)).toEqual(Array.from(expected));
  expect(rng.getState()).toEqual(replay.getState());
  expect(gru.paramViews.weightIh.length).toBe(48 * 5);
  expect(gru.paramViews.biasHh[47]).toBe(gru.params[gru.params.length - 1]);
});

test("sizes beyond those the buffers were built for are refused", () => {
  const gru = new Gru(2, 3, 4, 5);
  const h0 = new Float32Array(15);
  expect(() => gru.forward(new Float32Array(5 * 5 * 2), 5, 5, h0, new Uint8Array(25))).toThrow(RangeError);
  expect(() => gru.forward(new Float32Array(4 * 6 * 2), 4, 6, new Float32Array(18), new Uint8Array(24))).toThrow(RangeError);
  expect(() => gru.forward(new Float32Array(3), 4, 5, h0, new Uint8Array(20))).toThrow(RangeError);
  gru.forward(new Float32Array(4 * 5 * 2), 4, 5, h0, new Uint8Array(20));
  expect(() => gru.backward(new Float32Array(3 * 5 * 3), 3, 5)).toThrow(RangeError);
});
