/**
 * A growing table of fixed-width Float32 rows: what the reward modules that
 * learn between rollouts (RND, E3B, adversarial) keep of a rollout. Growth
 * doubles, so appending a step's rows allocates only now and then.
 */
export class Rows {
  private data: Float32Array;
  count = 0;

  constructor(readonly width: number) {
    this.data = new Float32Array(64 * width);
  }

  /** Appends n rows from `src` (n × width values, row-major). */
  push(src: Float32Array, n: number): void {
    const need = (this.count + n) * this.width;
    if (need > this.data.length) {
      const grown = new Float32Array(Math.max(2 * this.data.length, need));
      grown.set(this.data.subarray(0, this.count * this.width));
      this.data = grown;
    }
    this.data.set(src.subarray(0, n * this.width), this.count * this.width);
    this.count += n;
  }

  /** Row i, as a view (valid until the next push). */
  row(i: number): Float32Array {
    return this.data.subarray(i * this.width, (i + 1) * this.width);
  }

  clear(): void {
    this.count = 0;
  }
}
