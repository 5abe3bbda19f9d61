/**
 * WebAssembly SIMD kernels for small dense networks, generated for one set
 * of layer sizes (all multiples of 4): the forward affine map with its
 * activation, the weight and bias gradients, the input gradient through the
 * activation's derivative, a transpose, a sum of squares and an Adam step.
 *
 * Every output element is computed by one f32 lane, accumulating over its
 * reduction index in order, so results do not depend on how many rows run
 * at once or how columns are blocked.
 *
 * Pointers are byte offsets into the module's memory; row counts are run
 * time arguments, sizes are constants of the code.
 */
import { assemble, FunctionBuilder, type Local } from "./assembler.js";

/** What happens to an affine map's output: an activation, or (for gradients) the activation's derivative at the layer's output h. */
export type Epilogue = "none" | "tanh" | "relu" | "tanh'" | "relu'";

/**
 * tanh(x) ≈ x·P(x²)/Q(x²) on [−9, 9], clamped to [−1, 1]: a rational fit
 * (least squares weighted by 1/Q, iterated) with a largest error of
 * 4.8e-7 against the exact value once evaluated in float32.
 */
const TANH_P = [0.9999999335176025, 0.12962447423905193, 0.002967030507302711, 9.681960246678309e-6, -1.3976750068823956e-8, 2.115324389823197e-11];
const TANH_Q = [1, 0.46295753885886587, 0.023953200651816563, 0.00023445183970614934];

/** Vectors of 4 lanes per block of columns: 4, 2 or 1, the largest dividing `cols / 4`. */
function vectorsPerBlock(cols: number): number {
  const vectors = cols / 4;
  return vectors % 4 === 0 ? 4 : vectors % 2 === 0 ? 2 : 1;
}

function checkSize(name: string, size: number): void {
  if (!Number.isInteger(size) || size <= 0 || size % 4 !== 0) throw new Error(`${name}: layer sizes must be positive multiples of 4, got ${size}`);
}

/** Scratch vectors per accumulator for `tanhInPlace`, and accumulators it works on at once. */
const TANH_GROUP = 2;

/**
 * tanh of each v128 in `accs`, in place, TANH_GROUP at a time with their
 * Horner steps interleaved: the two polynomials' chains of dependent
 * multiply-adds are long, so independent chains side by side keep the
 * vector units busy. The operations per value (and so the bits) are those
 * of evaluating one value alone.
 */
function tanhInPlace(f: FunctionBuilder, accs: readonly Local[], scratch: readonly Local[]): void {
  for (let g = 0; g < accs.length; g += TANH_GROUP) {
    const group = accs.slice(g, g + TANH_GROUP);
    const s = group.map((_, j) => scratch[3 * j]);
    const p = group.map((_, j) => scratch[3 * j + 1]);
    const q = group.map((_, j) => scratch[3 * j + 2]);
    group.forEach((a, j) => f.get(a).vConst(-9).vMax().vConst(9).vMin().tee(a).get(a).vMul().set(s[j]));
    const horner = (coeffs: readonly number[], out: Local[]) => {
      const top = coeffs.length - 1;
      group.forEach((_, j) => f.vConst(coeffs[top]).get(s[j]).vMul().vConst(coeffs[top - 1]).vAdd().set(out[j]));
      return (c: number) => group.forEach((_, j) => f.get(out[j]).get(s[j]).vMul().vConst(coeffs[c]).vAdd().set(out[j]));
    };
    const stepP = horner(TANH_P, p);
    const stepQ = horner(TANH_Q, q);
    for (let c = TANH_P.length - 3; c >= 0; c--) {
      stepP(c);
      if (c < TANH_Q.length - 2) stepQ(c);
    }
    // tanh(x) ≈ x·P(x²)/Q(x²), clamped to [−1, 1].
    group.forEach((a, j) => f.get(a).get(p[j]).vMul().get(q[j]).vDiv().vConst(-1).vMax().vConst(1).vMin().set(a));
  }
}

/** Applies `epi` (tanh has `tanhInPlace`) to the v128 in `acc`; `h` points at the layer output h (for derivatives). Leaves the result in `acc`. */
function epilogue(f: FunctionBuilder, epi: Exclude<Epilogue, "tanh">, acc: Local, h: Local, offset: number, t: Local): void {
  if (epi === "none") return;
  if (epi === "relu") {
    f.get(acc).vConst(0).vMax().set(acc);
  } else if (epi === "tanh'") {
    // d/dz tanh(z) = 1 − h²
    f.vConst(1).get(h).v128Load(offset).set(t).get(t).get(t).vMul().vSub().get(acc).vMul().set(acc);
  } else {
    // d/dz max(z, 0) = [h > 0]
    f.get(acc).get(h).v128Load(offset).vConst(0).vGt().vAnd().set(acc);
  }
}

/**
 * Accumulators per pass: R rows × V vectors = 8, so each weight vector is
 * loaded once for R rows and the x86 register file (16 vectors) holds the
 * accumulators, the row splats and the weight vector without spilling.
 */
const ACCUMULATORS = 8;

/**
 * `affine(x, w, b, y, n, h)`: y[i, :] = epi(Σ_k x[i, k]·w[k, :] + b) for the
 * n rows of x (nin wide) into y (nout wide); b = 0 means no bias; h is the
 * layer output the derivative epilogues read (same layout as y). Rows go R at
 * a time (each weight vector loaded once for all R), the last n mod R rows in
 * passes of R/2, R/4, …, 1.
 */
export function affineKernel(name: string, nin: number, nout: number, epi: Epilogue, bias: boolean): FunctionBuilder {
  checkSize(name, nin);
  checkSize(name, nout);
  const f = new FunctionBuilder(name, ["i32", "i32", "i32", "i32", "i32", "i32"]);
  const [x, w, b, y, n, h] = [0, 1, 2, 3, 4, 5];
  const V = vectorsPerBlock(nout);
  const R = ACCUMULATORS / V;
  const acc = Array.from({ length: R }, () => Array.from({ length: V }, () => f.local("v128")));
  // Row splats are kept only when several weight vectors use them.
  const sx = V > 1 ? Array.from({ length: R }, () => f.local("v128")) : [];
  const [wv, t] = [f.local("v128"), f.local("v128")];
  const scratch = epi === "tanh" ? Array.from({ length: 3 * TANH_GROUP }, () => f.local("v128")) : [];
  const [i, jb, xp, xEnd, wp] = [f.local("i32"), f.local("i32"), f.local("i32"), f.local("i32"), f.local("i32")];
  /** Rows i … i + rows − 1. */
  const pass = (rows: number) =>
    f.forRange(jb, 0, nout * 4, 16 * V, () => {
      for (let r = 0; r < rows; r++)
        for (let v = 0; v < V; v++) {
          if (bias) f.get(b).get(jb).add().v128Load(16 * v).set(acc[r][v]);
          else f.vConst(0).set(acc[r][v]);
        }
      // xp walks row i of x (row i + r is r·nin floats on); wp walks column block jb down w's rows.
      f.get(x).get(i).i32(nin * 4).mul().add().tee(xp).i32(nin * 4).add().set(xEnd);
      f.get(w).get(jb).add().set(wp);
      f.loop(() => {
        if (V === 1) {
          f.get(wp).v128Load().set(wv);
          for (let r = 0; r < rows; r++) f.get(acc[r][0]).get(xp).loadSplat(r * nin * 4).get(wv).vMul().vAdd().set(acc[r][0]);
        } else {
          for (let r = 0; r < rows; r++) f.get(xp).loadSplat(r * nin * 4).set(sx[r]);
          for (let v = 0; v < V; v++) {
            f.get(acc[0][v]).get(sx[0]).get(wp).v128Load(16 * v).tee(wv).vMul().vAdd().set(acc[0][v]);
            for (let r = 1; r < rows; r++) f.get(acc[r][v]).get(sx[r]).get(wv).vMul().vAdd().set(acc[r][v]);
          }
        }
        f.get(wp).i32(nout * 4).add().set(wp);
        f.get(xp).i32(4).add().tee(xp).get(xEnd).ltU().continueIf();
      });
      // Row i, block jb of y (and of h): wp is reused as that address, xEnd as h's.
      f.get(i).i32(nout * 4).mul().get(jb).add().set(wp);
      if (epi === "tanh'" || epi === "relu'") f.get(h).get(wp).add().set(xEnd);
      if (epi === "tanh") tanhInPlace(f, acc.slice(0, rows).flat(), scratch);
      for (let r = 0; r < rows; r++)
        for (let v = 0; v < V; v++) {
          const offset = r * nout * 4 + 16 * v;
          if (epi !== "tanh") epilogue(f, epi, acc[r][v], xEnd, offset, t);
          f.get(y).get(wp).add().get(acc[r][v]).v128Store(offset);
        }
    });
  f.i32(0).set(i);
  // Full passes of R rows while i + R ≤ n.
  f.get(i).i32(R).add().get(n).leU().ifThen(() =>
    f.loop(() => {
      pass(R);
      f.get(i).i32(R).add().tee(i).i32(R).add().get(n).leU().continueIf();
    }),
  );
  // The rest: fewer than R rows, one pass per set bit.
  for (let rows = R / 2; rows >= 1; rows /= 2)
    f.get(i).i32(rows).add().get(n).leU().ifThen(() => {
      pass(rows);
      f.get(i).i32(rows).add().set(i);
    });
  return f;
}

/**
 * `outer(x, d, dw, db, n)`: dw = xᵀ·d (nin × nout) and db = Σ_i d[i, :],
 * summed over the n rows in order; K rows of dw at a time (each d vector
 * loaded once for all K).
 */
export function outerKernel(name: string, nin: number, nout: number): FunctionBuilder {
  checkSize(name, nin);
  checkSize(name, nout);
  const f = new FunctionBuilder(name, ["i32", "i32", "i32", "i32", "i32"]);
  const [x, d, dw, db, n] = [0, 1, 2, 3, 4];
  const V = vectorsPerBlock(nout);
  let K = ACCUMULATORS / V;
  while (nin % K !== 0) K /= 2;
  const acc = Array.from({ length: K }, () => Array.from({ length: V }, () => f.local("v128")));
  const sx = V > 1 ? Array.from({ length: K }, () => f.local("v128")) : [];
  const dv = f.local("v128");
  const [kb, jb, i, xp, dp] = [f.local("i32"), f.local("i32"), f.local("i32"), f.local("i32"), f.local("i32")];
  // Rows k … k + K − 1 of dw (K divides nin).
  f.forRange(kb, 0, nin * 4, 4 * K, () => {
    f.forRange(jb, 0, nout * 4, 16 * V, () => {
      for (const row of acc) for (const a of row) f.vConst(0).set(a);
      f.get(x).get(kb).add().set(xp);
      f.get(d).get(jb).add().set(dp);
      f.i32(0).set(i);
      f.loop(() => {
        if (V === 1) {
          f.get(dp).v128Load().set(dv);
          for (let r = 0; r < K; r++) f.get(acc[r][0]).get(xp).loadSplat(4 * r).get(dv).vMul().vAdd().set(acc[r][0]);
        } else {
          for (let r = 0; r < K; r++) f.get(xp).loadSplat(4 * r).set(sx[r]);
          for (let v = 0; v < V; v++) {
            f.get(acc[0][v]).get(sx[0]).get(dp).v128Load(16 * v).tee(dv).vMul().vAdd().set(acc[0][v]);
            for (let r = 1; r < K; r++) f.get(acc[r][v]).get(sx[r]).get(dv).vMul().vAdd().set(acc[r][v]);
          }
        }
        f.get(xp).i32(nin * 4).add().set(xp);
        f.get(dp).i32(nout * 4).add().set(dp);
        f.get(i).i32(1).add().tee(i).get(n).ltU().continueIf();
      });
      // dw row k starts at k·nout·4 = kb·nout bytes; row k + r is r·nout floats on.
      f.get(kb).i32(nout).mul().get(jb).add().get(dw).add().set(xp);
      for (let r = 0; r < K; r++) for (let v = 0; v < V; v++) f.get(xp).get(acc[r][v]).v128Store(r * nout * 4 + 16 * v);
    });
  });
  const sum = acc[0];
  f.forRange(jb, 0, nout * 4, 16 * V, () => {
    for (let v = 0; v < V; v++) f.vConst(0).set(sum[v]);
    f.get(d).get(jb).add().set(dp);
    f.i32(0).set(i);
    f.loop(() => {
      for (let v = 0; v < V; v++) f.get(sum[v]).get(dp).v128Load(16 * v).vAdd().set(sum[v]);
      f.get(dp).i32(nout * 4).add().set(dp);
      f.get(i).i32(1).add().tee(i).get(n).ltU().continueIf();
    });
    for (let v = 0; v < V; v++) f.get(db).get(jb).add().get(sum[v]).v128Store(16 * v);
  });
  return f;
}

/** `transpose(w, wt)`: wt (cols × rows) = wᵀ for w (rows × cols). */
export function transposeKernel(name: string, rows: number, cols: number): FunctionBuilder {
  const f = new FunctionBuilder(name, ["i32", "i32"]);
  const [w, wt] = [0, 1];
  const [r, c, src] = [f.local("i32"), f.local("i32"), f.local("i32")];
  f.get(w).set(src);
  f.forRange(r, 0, rows, 1, () => {
    f.forRange(c, 0, cols, 1, () => {
      // wt[c·rows + r] = w[r·cols + c]
      f.get(wt).get(c).i32(rows * 4).mul().add().get(r).i32(4).mul().add();
      f.get(src).f32Load().f32Store();
      f.get(src).i32(4).add().set(src);
    });
  });
  return f;
}

/** `sumsq(g, count) → Σ g²` over `count` floats (a multiple of 4): four running lanes, summed lane by lane at the end. */
export function sumSquaresKernel(name: string): FunctionBuilder {
  const f = new FunctionBuilder(name, ["i32", "i32"], ["f32"]);
  const [g, count] = [0, 1];
  const [acc, t, p, end] = [f.local("v128"), f.local("v128"), f.local("i32"), f.local("i32")];
  f.vConst(0).set(acc);
  f.get(g).tee(p).get(count).i32(4).mul().add().set(end);
  f.loop(() => {
    f.get(p).v128Load().tee(t).get(t).vMul().get(acc).vAdd().set(acc);
    f.get(p).i32(16).add().tee(p).get(end).ltU().continueIf();
  });
  f.get(acc).lane(0).get(acc).lane(1).f32Add().get(acc).lane(2).f32Add().get(acc).lane(3).f32Add();
  return f;
}

/**
 * `adam(p, g, m, v, count, scale, stepSize, sqrtBc2)`: one Adam step as
 * PyTorch writes it, on the gradient times `scale` (clipping by global norm):
 * m ← β1·m + (1−β1)·g, v ← β2·v + (1−β2)·g², p ← p − stepSize·m/(√v/√(1−β2^t) + ε)
 * with stepSize = lr/(1−β1^t).
 */
export function adamKernel(name: string, beta1: number, beta2: number, eps: number): FunctionBuilder {
  const f = new FunctionBuilder(name, ["i32", "i32", "i32", "i32", "i32", "f32", "f32", "f32"]);
  const [p, g, m, v, count, scale, stepSize, sqrtBc2] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [gs, mm, vv, off, end] = [f.local("v128"), f.local("v128"), f.local("v128"), f.local("i32"), f.local("i32")];
  f.i32(0).set(off);
  f.get(count).i32(4).mul().set(end);
  f.loop(() => {
    f.get(g).get(off).add().v128Load().get(scale).splat().vMul().set(gs);
    f.get(m).get(off).add().v128Load().vConst(beta1).vMul().get(gs).vConst(1 - beta1).vMul().vAdd().set(mm);
    f.get(v).get(off).add().v128Load().vConst(beta2).vMul().get(gs).get(gs).vMul().vConst(1 - beta2).vMul().vAdd().set(vv);
    f.get(m).get(off).add().get(mm).v128Store();
    f.get(v).get(off).add().get(vv).v128Store();
    f.get(p).get(off).add();
    f.get(p).get(off).add().v128Load();
    f.get(stepSize).splat().get(mm).vMul();
    f.get(vv).vSqrt().get(sqrtBc2).splat().vDiv().vConst(eps).vAdd();
    f.vDiv().vSub().v128Store();
    f.get(off).i32(16).add().tee(off).get(end).ltU().continueIf();
  });
  return f;
}

export { assemble };
