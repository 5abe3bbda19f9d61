/**
 * Spaces describe what an environment accepts and returns, as in Gymnasium.
 * Every value has a flat length (`size`) so batches can live in one typed
 * array: a vector of n environments with a space of size k uses n × k slots.
 */
import type { Rng } from "./rng.js";

export type Space = Discrete | MultiDiscrete | Box;

/** Integers `start, …, start + n − 1`. */
export class Discrete {
  readonly kind = "discrete";
  readonly size = 1;
  constructor(
    readonly n: number,
    readonly start = 0,
  ) {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`Discrete: expected n to be a positive integer, got ${n}`);
  }
  sample(rng: Rng): number {
    return this.start + rng.int(this.n);
  }
  contains(x: unknown): boolean {
    return typeof x === "number" && Number.isInteger(x) && x >= this.start && x < this.start + this.n;
  }
  toString(): string {
    return this.start === 0 ? `Discrete(${this.n})` : `Discrete(${this.n}, start=${this.start})`;
  }
}

/** A vector of integers, entry i in `[0, nvec[i])`. */
export class MultiDiscrete {
  readonly kind = "multi-discrete";
  readonly size: number;
  readonly nvec: readonly number[];
  constructor(nvec: readonly number[]) {
    if (nvec.length === 0 || nvec.some((n) => !Number.isInteger(n) || n < 1)) {
      throw new RangeError(`MultiDiscrete: expected a non-empty list of positive integers, got [${nvec.join(", ")}]`);
    }
    this.nvec = [...nvec];
    this.size = nvec.length;
  }
  sample(rng: Rng, out: Int32Array = new Int32Array(this.size), offset = 0): Int32Array {
    for (let i = 0; i < this.size; i++) out[offset + i] = rng.int(this.nvec[i]);
    return out;
  }
  contains(x: unknown): boolean {
    if (!isNumberList(x) || x.length !== this.size) return false;
    for (let i = 0; i < this.size; i++) if (!Number.isInteger(x[i]) || x[i] < 0 || x[i] >= this.nvec[i]) return false;
    return true;
  }
  toString(): string {
    return `MultiDiscrete([${this.nvec.join(", ")}])`;
  }
}

/** Real vectors within per-entry bounds, flattened in row-major order. */
export class Box {
  readonly kind = "box";
  readonly size: number;
  readonly low: Float32Array;
  readonly high: Float32Array;
  readonly shape: readonly number[];
  constructor(low: number | ArrayLike<number>, high: number | ArrayLike<number>, shape?: readonly number[]) {
    const inferred = shape ?? [typeof low === "number" ? (typeof high === "number" ? 1 : high.length) : low.length];
    this.shape = [...inferred];
    this.size = inferred.reduce((a, b) => a * b, 1);
    this.low = broadcast(low, this.size, "low");
    this.high = broadcast(high, this.size, "high");
    for (let i = 0; i < this.size; i++) {
      if (!(this.low[i] <= this.high[i])) throw new RangeError(`Box: expected low ≤ high at entry ${i}, got ${this.low[i]} > ${this.high[i]}`);
    }
  }
  /** Uniform within finite bounds; a standard normal where a bound is infinite (as Gymnasium). */
  sample(rng: Rng, out: Float32Array = new Float32Array(this.size), offset = 0): Float32Array {
    for (let i = 0; i < this.size; i++) {
      const lo = this.low[i];
      const hi = this.high[i];
      if (Number.isFinite(lo) && Number.isFinite(hi)) out[offset + i] = rng.uniform(lo, hi);
      else if (Number.isFinite(lo)) out[offset + i] = lo - Math.log(1 - rng.float());
      else if (Number.isFinite(hi)) out[offset + i] = hi + Math.log(1 - rng.float());
      else out[offset + i] = rng.normal();
    }
    return out;
  }
  contains(x: unknown): boolean {
    if (!isNumberList(x) || x.length !== this.size) return false;
    for (let i = 0; i < this.size; i++) if (!(x[i] >= this.low[i] && x[i] <= this.high[i])) return false;
    return true;
  }
  toString(): string {
    const lo = uniformValue(this.low);
    const hi = uniformValue(this.high);
    const bounds = lo !== undefined && hi !== undefined ? `${lo}, ${hi}` : "low, high";
    return `Box(${bounds}, (${this.shape.join(", ")}${this.shape.length === 1 ? "," : ""}))`;
  }
}

function broadcast(v: number | ArrayLike<number>, size: number, name: string): Float32Array {
  if (typeof v === "number") return new Float32Array(size).fill(v);
  if (v.length !== size) throw new RangeError(`Box: expected ${name} to have ${size} entries, got ${v.length}`);
  return Float32Array.from(v);
}

function uniformValue(a: Float32Array): number | undefined {
  for (let i = 1; i < a.length; i++) if (a[i] !== a[0]) return undefined;
  return a[0];
}

function isNumberList(x: unknown): x is ArrayLike<number> {
  return (Array.isArray(x) || ArrayBuffer.isView(x)) && Array.from(x as ArrayLike<unknown>).every((v) => typeof v === "number");
}

/** A JSON-friendly description of a space, for `envs show` and run logs. */
export function describeSpace(space: Space): Record<string, unknown> {
  switch (space.kind) {
    case "discrete":
      return { type: "Discrete", n: space.n, start: space.start };
    case "multi-discrete":
      return { type: "MultiDiscrete", nvec: space.nvec };
    case "box":
      return { type: "Box", shape: space.shape, low: summarize(space.low), high: summarize(space.high) };
  }
}

/** Bounds for people: float32 noise rounded off, infinities as "inf" (JSON has none). */
function summarize(a: Float32Array): number | string | (number | string)[] {
  const show = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(7)) : x > 0 ? "inf" : "-inf");
  const u = uniformValue(a);
  return u !== undefined ? show(u) : Array.from(a, show);
}

/** A typed array that holds a batch of actions for `space` (Int32Array for discrete spaces). */
export function actionBuffer(space: Space, n: number): Int32Array | Float32Array {
  return space.kind === "box" ? new Float32Array(n * space.size) : new Int32Array(n * space.size);
}

/** Writes one sample of `space` into `out` at `offset`. */
export function sampleInto(space: Space, rng: Rng, out: Int32Array | Float32Array, offset: number): void {
  switch (space.kind) {
    case "discrete":
      out[offset] = space.start + rng.int(space.n);
      return;
    case "multi-discrete":
      for (let i = 0; i < space.size; i++) out[offset + i] = rng.int(space.nvec[i]);
      return;
    case "box":
      space.sample(rng, out as Float32Array, offset);
  }
}
