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
  /** The k × d projection A, stored transposed (d × k) so zeros in x cost nothing. */
  readonly At: Float32Array;
  private readonly dots: Float64Array;

  constructor(
    readonly d: number,
    readonly k: number,
    rng: Rng,
  ) {
    if (k < 1 || k > 52) throw new RangeError(`SimHash: expected 1 ≤ k ≤ 52 bits, got ${k}`);
    this.At = new Float32Array(d * k);
    for (let r = 0; r < k; r++) for (let j = 0; j < d; j++) this.At[j * k + r] = rng.normal();
    this.dots = new Float64Array(k);
  }

  /** The k-bit code sign(A·x) of the observation at `obs[offset …]`, as an integer. */
  code(obs: Float32Array, offset: number): number {
    const { At, d, k, dots } = this;
    dots.fill(0);
    for (let j = 0; j < d; j++) {
      const x = obs[offset + j];
      if (x === 0) continue;
      const row = j * k;
      for (let r = 0; r < k; r++) dots[r] += At[row + r] * x;
    }
    let code = 0;
    for (let r = 0; r < k; r++) code = code * 2 + (dots[r] > 0 ? 1 : 0);
    return code;
  }
}
