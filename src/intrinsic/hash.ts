/**
 * Hashing observations for counts. `exactHash` keys identical observations
 * together (two 32-bit FNV-1a hashes of the float bits, combined into one
 * safe integer: collisions need both to collide). `SimHash` (Charikar 2002;
 * Tang et al. 2017, "#Exploration") maps nearby observations to the same
 * k-bit code: sign(A·x) with A a fixed Gaussian matrix.
 */
import type { Rng } from "../core/rng.js";

/** A key for the observation at `obs[offset … offset + size)`; equal observations give equal keys. */
export function exactHash(obs: Float32Array, offset: number, size: number): number {
  const bits = new Uint32Array(obs.buffer, obs.byteOffset + offset * 4, size);
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ size;
  for (let i = 0; i < size; i++) {
    const w = bits[i];
    h1 = Math.imul(h1 ^ w, 0x01000193);
    h2 = Math.imul(h2 ^ (w >>> 16) ^ (w << 16), 0x85ebca6b);
  }
  // 21 bits of h2 above 32 bits of h1: a safe integer.
  return (h2 >>> 11) * 4294967296 + (h1 >>> 0);
}

export class SimHash {
  /** k × d projection, row-major. */
  readonly A: Float32Array;

  constructor(
    readonly d: number,
    readonly k: number,
    rng: Rng,
  ) {
    if (k < 1 || k > 52) throw new RangeError(`SimHash: expected 1 ≤ k ≤ 52 bits, got ${k}`);
    this.A = new Float32Array(k * d);
    for (let i = 0; i < this.A.length; i++) this.A[i] = rng.normal();
  }

  /** The k-bit code of the observation at `obs[offset …]`, as an integer. */
  code(obs: Float32Array, offset: number): number {
    const { A, d, k } = this;
    let code = 0;
    for (let r = 0; r < k; r++) {
      let dot = 0;
      const row = r * d;
      for (let j = 0; j < d; j++) dot += A[row + j] * obs[offset + j];
      code = code * 2 + (dot > 0 ? 1 : 0);
    }
    return code;
  }
}
