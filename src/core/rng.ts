/**
 * Seeded, splittable pseudo-random numbers.
 *
 * The generator is xoshiro128** (Blackman & Vigna, "Scrambled linear
 * pseudorandom number generators", 2021): 128 bits of state, 32-bit outputs,
 * only 32-bit integer operations, so every machine gives the same stream
 * for the same seed. Seeds are expanded with splitmix32 so that nearby seeds
 * (0, 1, 2 …, as a vector of environments uses) start far apart.
 *
 * Nothing in rewardlab calls `Math.random`: every draw comes from an `Rng`
 * that the caller passes in.
 *
 * @example
 * const rng = new Rng(42);
 * const [envRng, agentRng] = [rng.split(), rng.split()];
 * const action = envRng.int(7);
 */
export class Rng {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;

  /** A generator seeded from any integer in ±2^53. */
  constructor(seed = 0) {
    this.reseed(seed);
  }

  /** A generator with the given raw 128-bit state (four uint32 words, not all zero). */
  static fromState(state: readonly number[]): Rng {
    const rng = new Rng(0);
    rng.setState(state);
    return rng;
  }

  /** Restarts the stream from `seed`, as if newly constructed. */
  reseed(seed: number): void {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`seed: expected a safe integer, got ${seed}`);
    // Fold the high and low 32 bits so seeds beyond 2^32 still differ.
    const lo = seed >>> 0;
    const hi = Math.floor(seed / 4294967296) >>> 0;
    let x = (lo ^ Math.imul(hi, 0x9e3779b9)) >>> 0;
    const words: number[] = [];
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      words.push(fmix32(x ^ (i === 0 ? hi : 0)));
    }
    if ((words[0] | words[1] | words[2] | words[3]) === 0) words[0] = 1;
    this.setState(words);
  }

  /** The raw state, for checkpoints. */
  getState(): [number, number, number, number] {
    return [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0];
  }

  setState(state: readonly number[]): void {
    if (state.length !== 4 || (state[0] | state[1] | state[2] | state[3]) === 0) {
      throw new RangeError("rng state: expected four uint32 words, not all zero");
    }
    this.s0 = state[0] | 0;
    this.s1 = state[1] | 0;
    this.s2 = state[2] | 0;
    this.s3 = state[3] | 0;
  }

  clone(): Rng {
    return Rng.fromState(this.getState());
  }

  /**
   * A new, independent generator. Its seed is drawn from this stream and
   * scrambled, so `split()` twice gives two different streams and this
   * stream moves on.
   */
  split(): Rng {
    const words = [fmix32(this.uint32() ^ 0x85ebca6b), fmix32(this.uint32()), fmix32(this.uint32() ^ 0xc2b2ae35), fmix32(this.uint32())];
    if ((words[0] | words[1] | words[2] | words[3]) === 0) words[0] = 1;
    return Rng.fromState(words);
  }

  /** The next 32 random bits as an unsigned integer in [0, 2^32). */
  uint32(): number {
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result >>> 0;
  }

  /** Uniform in [0, 1) with 32 bits of resolution. */
  float(): number {
    return this.uint32() * 2.3283064365386963e-10;
  }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.float();
  }

  /** Uniform integer in [0, n), unbiased (rejection of the short last block). */
  int(n: number): number {
    if (!(n >= 1 && n <= 4294967296)) throw new RangeError(`int(n): expected 1 ≤ n ≤ 2^32, got ${n}`);
    // Powers of two up to 2^31 divide 2^32: no rejection, and u mod n is a mask (the same value, without a float modulo).
    if (n <= 0x80000000 && (n & (n - 1)) === 0) return (this.uint32() & (n - 1)) >>> 0;
    // 2^32 mod n from uint32 arithmetic: ((2^32 − 1) mod n + 1) mod n.
    const limit = n === 4294967296 ? 4294967296 : 4294967296 - ((((4294967295 % n) >>> 0) + 1) % n);
    let u = this.uint32();
    while (u >= limit) u = this.uint32();
    return u % n;
  }

  /** Uniform integer in [lo, hi). */
  intRange(lo: number, hi: number): number {
    return lo + this.int(hi - lo);
  }

  /** True with probability p. */
  bernoulli(p: number): boolean {
    return this.float() < p;
  }

  /** A standard normal draw (Box–Muller, one draw per two uniforms, no cached second value). */
  normal(mean = 0, std = 1): number {
    const u1 = (this.uint32() + 0.5) * 2.3283064365386963e-10;
    const u2 = this.float();
    return mean + std * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** A Gamma(shape, 1) draw (Marsaglia & Tsang 2000). */
  gamma(shape: number): number {
    if (!(shape > 0)) throw new RangeError(`gamma(shape): expected shape > 0, got ${shape}`);
    if (shape < 1) return this.gamma(shape + 1) * Math.pow(this.float() + 1e-300, 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.float();
      if (u < 1 - 0.0331 * x * x * x * x) return d * v;
      if (Math.log(u + 1e-300) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  /** A Beta(α, β) draw, through two Gamma draws. */
  beta(alpha: number, beta: number): number {
    const x = this.gamma(alpha);
    const y = this.gamma(beta);
    return x / (x + y);
  }

  /** One element of a non-empty list, uniformly. */
  choice<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError("choice: expected a non-empty list");
    return items[this.int(items.length)];
  }

  /** Shuffles in place (Fisher–Yates) and returns the same array. */
  shuffle<T, A extends { length: number; [i: number]: T }>(items: A): A {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** MurmurHash3's 32-bit finalizer: a bijective scramble of one word. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
