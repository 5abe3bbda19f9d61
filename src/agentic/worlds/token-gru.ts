/**
 * A token-level text policy: a GRU reads the observation's words one at a
 * time (each word hashed to one of `vocab` ids, embedded), and a linear
 * head on its last state gives the logits of the action words. Forward and
 * backward (through the tokens) are written out by hand over Float64Arrays
 * and checked against finite differences (token-gru.test.ts).
 *
 *   z = σ(W_z x + U_z h + b_z),  r = σ(W_r x + U_r h + b_r)
 *   ĥ = tanh(W_h x + U_h (r ⊙ h) + b_h),  h' = (1 − z) ⊙ h + z ⊙ ĥ
 *   logits = W_o h_T + b_o
 */
import type { Rng } from "../../core/rng.js";

export interface GruShape {
  vocab: number;
  embed: number;
  hidden: number;
  actions: number;
}

/** Parameter blocks, in the order of the flat vector. */
const BLOCKS = ["E", "Wz", "Wr", "Wh", "Uz", "Ur", "Uh", "bz", "br", "bh", "Wo", "bo"] as const;
type Block = (typeof BLOCKS)[number];

function sizes(s: GruShape): Record<Block, number> {
  const { vocab: V, embed: d, hidden: h, actions: A } = s;
  return { E: V * d, Wz: h * d, Wr: h * d, Wh: h * d, Uz: h * h, Ur: h * h, Uh: h * h, bz: h, br: h, bh: h, Wo: A * h, bo: A };
}

/** Offsets of each block in the flat parameter vector, and its length. */
export function layout(s: GruShape): { offsets: Record<Block, number>; size: number } {
  const sz = sizes(s);
  const offsets = {} as Record<Block, number>;
  let at = 0;
  for (const b of BLOCKS) {
    offsets[b] = at;
    at += sz[b];
  }
  return { offsets, size: at };
}

/** Small random weights (biases 0): N(0, 1/fan-in), the head N(0, 0.01/h). */
export function initGru(s: GruShape, rng: Rng): Float64Array {
  const { offsets, size } = layout(s);
  const p = new Float64Array(size);
  const sz = sizes(s);
  const fill = (b: Block, std: number) => {
    for (let i = 0; i < sz[b]; i++) p[offsets[b] + i] = rng.normal(0, std);
  };
  fill("E", 1);
  for (const b of ["Wz", "Wr", "Wh"] as const) fill(b, 1 / Math.sqrt(s.embed));
  for (const b of ["Uz", "Ur", "Uh"] as const) fill(b, 1 / Math.sqrt(s.hidden));
  fill("Wo", 0.1 / Math.sqrt(s.hidden));
  return p;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** What the forward pass keeps for the backward pass. */
export interface GruTrace {
  tokens: Int32Array;
  /** Per token t: h_{t}, z, r, ĥ (each `hidden` long); h_0 = 0 is hs[0]. */
  hs: Float64Array[];
  zs: Float64Array[];
  rs: Float64Array[];
  cs: Float64Array[];
  logits: Float64Array;
}

export class TokenGru {
  readonly offsets: Record<Block, number>;
  readonly size: number;

  constructor(readonly shape: GruShape) {
    const l = layout(shape);
    this.offsets = l.offsets;
    this.size = l.size;
  }

  /** The logits for a token sequence (ids in [0, vocab)), with the trace the backward pass needs. */
  forward(p: Float64Array, tokens: Int32Array): GruTrace {
    const { embed: d, hidden: h, actions: A } = this.shape;
    const o = this.offsets;
    const hs = [new Float64Array(h)];
    const zs: Float64Array[] = [];
    const rs: Float64Array[] = [];
    const cs: Float64Array[] = [];
    for (let t = 0; t < tokens.length; t++) {
      const x = o.E + tokens[t] * d;
      const prev = hs[t];
      const z = new Float64Array(h);
      const r = new Float64Array(h);
      for (let i = 0; i < h; i++) {
        let az = p[o.bz + i];
        let ar = p[o.br + i];
        for (let k = 0; k < d; k++) {
          az += p[o.Wz + i * d + k] * p[x + k];
          ar += p[o.Wr + i * d + k] * p[x + k];
        }
        for (let k = 0; k < h; k++) {
          az += p[o.Uz + i * h + k] * prev[k];
          ar += p[o.Ur + i * h + k] * prev[k];
        }
        z[i] = sigmoid(az);
        r[i] = sigmoid(ar);
      }
      const c = new Float64Array(h);
      const next = new Float64Array(h);
      for (let i = 0; i < h; i++) {
        let ac = p[o.bh + i];
        for (let k = 0; k < d; k++) ac += p[o.Wh + i * d + k] * p[x + k];
        for (let k = 0; k < h; k++) ac += p[o.Uh + i * h + k] * r[k] * prev[k];
        c[i] = Math.tanh(ac);
        next[i] = (1 - z[i]) * prev[i] + z[i] * c[i];
      }
      zs.push(z);
      rs.push(r);
      cs.push(c);
      hs.push(next);
    }
    const last = hs[hs.length - 1];
    const logits = new Float64Array(A);
    for (let a = 0; a < A; a++) {
      let v = p[o.bo + a];
      for (let k = 0; k < h; k++) v += p[o.Wo + a * h + k] * last[k];
      logits[a] = v;
    }
    return { tokens, hs, zs, rs, cs, logits };
  }

  /** Adds ∂L/∂p to `grad`, given ∂L/∂logits (backpropagation through the tokens). */
  backward(p: Float64Array, trace: GruTrace, dLogits: ArrayLike<number>, grad: Float64Array): void {
    const { embed: d, hidden: h, actions: A } = this.shape;
    const o = this.offsets;
    const T = trace.tokens.length;
    let dh = new Float64Array(h);
    const last = trace.hs[T];
    for (let a = 0; a < A; a++) {
      grad[o.bo + a] += dLogits[a];
      for (let k = 0; k < h; k++) {
        grad[o.Wo + a * h + k] += dLogits[a] * last[k];
        dh[k] += dLogits[a] * p[o.Wo + a * h + k];
      }
    }
    const dz = new Float64Array(h);
    const dr = new Float64Array(h);
    const dc = new Float64Array(h);
    for (let t = T - 1; t >= 0; t--) {
      const prev = trace.hs[t];
      const z = trace.zs[t];
      const r = trace.rs[t];
      const c = trace.cs[t];
      const x = o.E + trace.tokens[t] * d;
      const dPrev = new Float64Array(h);
      // h' = (1 − z) h + z c
      for (let i = 0; i < h; i++) {
        dPrev[i] += dh[i] * (1 - z[i]);
        dz[i] = dh[i] * (c[i] - prev[i]) * z[i] * (1 - z[i]);
        dc[i] = dh[i] * z[i] * (1 - c[i] * c[i]);
      }
      // c = tanh(W_h x + U_h (r ⊙ h) + b_h)
      const dRh = new Float64Array(h);
      for (let i = 0; i < h; i++) {
        grad[o.bh + i] += dc[i];
        for (let k = 0; k < d; k++) {
          grad[o.Wh + i * d + k] += dc[i] * p[x + k];
          grad[x + k] += dc[i] * p[o.Wh + i * d + k];
        }
        for (let k = 0; k < h; k++) {
          grad[o.Uh + i * h + k] += dc[i] * r[k] * prev[k];
          dRh[k] += dc[i] * p[o.Uh + i * h + k];
        }
      }
      for (let k = 0; k < h; k++) {
        dr[k] = dRh[k] * prev[k] * r[k] * (1 - r[k]);
        dPrev[k] += dRh[k] * r[k];
      }
      // z and r gates: σ(W x + U h + b)
      for (let i = 0; i < h; i++) {
        grad[o.bz + i] += dz[i];
        grad[o.br + i] += dr[i];
        for (let k = 0; k < d; k++) {
          grad[o.Wz + i * d + k] += dz[i] * p[x + k];
          grad[o.Wr + i * d + k] += dr[i] * p[x + k];
          grad[x + k] += dz[i] * p[o.Wz + i * d + k] + dr[i] * p[o.Wr + i * d + k];
        }
        for (let k = 0; k < h; k++) {
          grad[o.Uz + i * h + k] += dz[i] * prev[k];
          grad[o.Ur + i * h + k] += dr[i] * prev[k];
          dPrev[k] += dz[i] * p[o.Uz + i * h + k] + dr[i] * p[o.Ur + i * h + k];
        }
      }
      dh = dPrev;
    }
  }
}

/** Words of a text (lower-case letters or digits), hashed to ids in [0, vocab) (FNV-1a); the last `maxTokens` kept. */
export function tokenize(text: string, vocab: number, maxTokens: number): Int32Array {
  const words = text.toLowerCase().match(/[a-z]+|\d+/g) ?? [];
  const kept = words.slice(Math.max(0, words.length - maxTokens));
  return Int32Array.from(kept, (w) => {
    let hsh = 0x811c9dc5;
    for (let i = 0; i < w.length; i++) {
      hsh ^= w.charCodeAt(i);
      hsh = Math.imul(hsh, 16777619);
    }
    return (hsh >>> 0) % vocab;
  });
}
