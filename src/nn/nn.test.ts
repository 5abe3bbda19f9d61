import { describe, expect, test } from "vitest";
import { Rng } from "../core/rng.js";
import { ADAM_DEFAULTS, adamInit, adamUpdate, clipByGlobalNorm } from "./adam.js";
import { categoricalEntropy, categoricalLogProb, gaussianEntropy, gaussianLogProb, sampleCategorical } from "./distributions.js";
import { orthogonal } from "./init.js";
import { jit, np, tree, valueAndGrad, type JaxArray } from "./jax.js";
import { initMlp, mlpForward, type MlpParams } from "./mlp.js";

/** Reads every leaf of a parameter tree as plain numbers (keeping the tree alive). */
function leaves(params: MlpParams): number[][] {
  return params.flatMap((l) => [Array.from(l.w.ref.dataSync()), Array.from(l.b.ref.dataSync())]);
}

/** The same MLP in plain float64 JavaScript, from weights read back. */
function mlpJs(weights: number[][], sizes: number[], x: number[], act: "tanh" | "relu"): number[] {
  let h = x;
  for (let l = 0; l + 1 < sizes.length; l++) {
    const [w, b] = [weights[2 * l], weights[2 * l + 1]];
    const out = new Array(sizes[l + 1]).fill(0).map((_, j) => b[j] + h.reduce((s, hi, i) => s + hi * w[i * sizes[l + 1] + j], 0));
    h = l + 2 < sizes.length ? out.map((v) => (act === "tanh" ? Math.tanh(v) : Math.max(v, 0))) : out;
  }
  return h;
}

const sizes = [3, 5, 4];
const X = [0.3, -1.2, 0.8, 1.1, 0.05, -0.4];
const A = [2, 0]; // actions for the two rows

/** A scalar loss exercising every path: −mean(log π(a|s)) − 0.01·mean(H). */
function lossJs(weights: number[][], act: "tanh" | "relu"): number {
  let total = 0;
  for (let r = 0; r < 2; r++) {
    const logits = mlpJs(weights, sizes, X.slice(r * 3, r * 3 + 3), act);
    const m = Math.max(...logits);
    const logZ = m + Math.log(logits.reduce((s, v) => s + Math.exp(v - m), 0));
    const logp = logits.map((v) => v - logZ);
    const H = -logp.reduce((s, lp) => s + Math.exp(lp) * lp, 0);
    total += -logp[A[r]] - 0.01 * H;
  }
  return total / 2;
}

function lossJax(params: MlpParams, x: JaxArray, onehot: JaxArray, act: "tanh" | "relu"): JaxArray {
  const logits = mlpForward(params, x, act);
  const lp = categoricalLogProb(logits.ref, onehot);
  const H = categoricalEntropy(logits);
  return lp.mean().neg().sub(H.mean().mul(0.01));
}

describe("gradients match finite differences of an independent float64 implementation", () => {
  test.each(["tanh", "relu"] as const)("MLP + categorical log-prob + entropy (%s)", (act) => {
    const params = initMlp(sizes, new Rng(1), { outputGain: 1 });
    const weights = leaves(params);
    const x = np.array(Float32Array.from(X)).reshape([2, 3]);
    const onehot = np.array(Float32Array.of(0, 0, 1, 0, 1, 0, 0, 0)).reshape([2, 4]);
    const [value, grads] = jit(valueAndGrad((p: MlpParams, xx: JaxArray, oh: JaxArray) => lossJax(p, xx, oh, act)))(tree.ref(params), x, onehot);
    expect(value.dataSync()[0]).toBeCloseTo(lossJs(weights, act), 5);
    const g = leaves(grads as MlpParams);
    const h = 1e-4;
    let worst = 0;
    weights.forEach((leaf, li) =>
      leaf.forEach((_, k) => {
        const plus = weights.map((l) => [...l]);
        const minus = weights.map((l) => [...l]);
        plus[li][k] += h;
        minus[li][k] -= h;
        const fd = (lossJs(plus, act) - lossJs(minus, act)) / (2 * h);
        worst = Math.max(worst, Math.abs(fd - g[li][k]) / Math.max(1e-3, Math.abs(fd)));
      }),
    );
    expect(worst).toBeLessThan(2e-3);
    tree.dispose(params);
    tree.dispose(grads);
  });

  test("diagonal Gaussian log-prob and entropy", () => {
    const mean = [0.2, -0.5, 1.0, 0.0];
    const logStd = [-0.3, 0.4];
    const acts = [0.1, 0.2, 0.7, -1.0];
    const f = (m: number[], s: number[]) => {
      let total = 0;
      for (let r = 0; r < 2; r++) for (let d = 0; d < 2; d++) {
        const z = (acts[r * 2 + d] - m[r * 2 + d]) / Math.exp(s[d]);
        total += -0.5 * z * z - s[d] - 0.5 * Math.log(2 * Math.PI);
      }
      const H = s.reduce((a, b) => a + b + 0.5 * (Math.log(2 * Math.PI) + 1), 0);
      return total + 0.1 * H;
    };
    const loss = (m: JaxArray, s: JaxArray) => gaussianLogProb(m, s.ref, np.array(Float32Array.from(acts)).reshape([2, 2])).sum().add(gaussianEntropy(s).mul(0.1));
    const [v, [gm, gs]] = valueAndGrad(loss, { argnums: [0, 1] })(np.array(Float32Array.from(mean)).reshape([2, 2]), np.array(Float32Array.from(logStd))) as unknown as [JaxArray, [JaxArray, JaxArray]];
    expect(v.dataSync()[0]).toBeCloseTo(f(mean, logStd), 4);
    const h = 1e-4;
    Array.from(gm.dataSync()).forEach((g, k) => {
      const p = [...mean];
      const q = [...mean];
      p[k] += h;
      q[k] -= h;
      expect(g).toBeCloseTo((f(p, logStd) - f(q, logStd)) / (2 * h), 3);
    });
    Array.from(gs.dataSync()).forEach((g, k) => {
      const p = [...logStd];
      const q = [...logStd];
      p[k] += h;
      q[k] -= h;
      expect(g).toBeCloseTo((f(mean, p) - f(mean, q)) / (2 * h), 3);
    });
  });
});

test("Adam with global-norm clipping matches a plain JavaScript reference", () => {
  const p0 = [[1, -2, 3], [0.5]];
  const grads = [[[0.3, -0.1, 2], [4]], [[-1, 0.5, 0.5], [0.2]]];
  const lr = 0.1;
  const maxNorm = 1;
  // Reference.
  const ref = p0.map((l) => [...l]);
  const m = p0.map((l) => l.map(() => 0));
  const v = p0.map((l) => l.map(() => 0));
  grads.forEach((g, t) => {
    const norm = Math.sqrt(g.flat().reduce((s, x) => s + x * x, 0));
    const scale = Math.min(maxNorm / (norm + 1e-6), 1);
    const { beta1: b1, beta2: b2, eps } = ADAM_DEFAULTS;
    ref.forEach((leaf, i) =>
      leaf.forEach((_, k) => {
        const gk = g[i][k] * scale;
        m[i][k] = b1 * m[i][k] + (1 - b1) * gk;
        v[i][k] = b2 * v[i][k] + (1 - b2) * gk * gk;
        const mHat = m[i][k] / (1 - b1 ** (t + 1));
        const vHat = v[i][k] / (1 - b2 ** (t + 1));
        leaf[k] -= (lr * mHat) / (Math.sqrt(vHat) + eps);
      }),
    );
  });
  // jax-js.
  let params = p0.map((l) => np.array(Float32Array.from(l)));
  let state = adamInit(tree.ref(params));
  for (const g of grads) {
    const [clipped, norm] = clipByGlobalNorm(g.map((l) => np.array(Float32Array.from(l))), maxNorm);
    expect(norm.dataSync()[0]).toBeCloseTo(Math.sqrt(g.flat().reduce((s, x) => s + x * x, 0)), 4);
    [params, state] = adamUpdate(params, clipped, state, np.array(Float32Array.of(lr)));
  }
  params.forEach((leaf, i) => Array.from(leaf.dataSync()).forEach((x, k) => expect(x).toBeCloseTo(ref[i][k], 5)));
  tree.dispose(state);
});

test("orthogonal init gives orthonormal columns scaled by the gain", () => {
  const w = orthogonal(6, 3, 2, new Rng(0));
  for (let a = 0; a < 3; a++) {
    for (let b = 0; b < 3; b++) {
      let dot = 0;
      for (let i = 0; i < 6; i++) dot += w[i * 3 + a] * w[i * 3 + b];
      expect(dot).toBeCloseTo(a === b ? 4 : 0, 5);
    }
  }
});

test("categorical sampling follows the softmax and reports its log-probability", () => {
  const logits = Float32Array.of(0, Math.log(3), 0, 0);
  const n = 20000;
  const rows = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) rows.set(logits.subarray(0, 2), i * 2);
  const out = new Int32Array(n);
  const lp = new Float32Array(n);
  sampleCategorical(rows, n, 2, new Rng(3), out, lp);
  const ones = out.reduce((s, a) => s + a, 0) / n;
  expect(ones).toBeCloseTo(0.75, 1);
  expect(lp[out.indexOf(1)]).toBeCloseTo(Math.log(0.75), 6);
});
