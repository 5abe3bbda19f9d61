/** Welford/Chan running mean and variance over batches (Gymnasium's RunningMeanStd). */
export class RunningMeanStd {
  mean = 0;
  var = 1;
  count = 1e-4;

  update(batch: ArrayLike<number>, n: number): void {
    let m = 0;
    for (let i = 0; i < n; i++) m += batch[i];
    m /= n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (batch[i] - m) ** 2;
    v /= n;
    const delta = m - this.mean;
    const total = this.count + n;
    this.mean += (delta * n) / total;
    this.var = (this.var * this.count + v * n + (delta * delta * this.count * n) / total) / total;
    this.count = total;
  }

  state(): RunningMeanStdState {
    return { mean: this.mean, var: this.var, count: this.count };
  }

  load(state: RunningMeanStdState): void {
    this.mean = state.mean;
    this.var = state.var;
    this.count = state.count;
  }
}

export interface RunningMeanStdState {
  mean: number;
  var: number;
  count: number;
}
