/** Small statistics: means and correlations. (Intervals over seeds are rliable's: core/rliable-bootstrap.ts.) */

export function mean(xs: readonly number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN;
}

/** Pearson correlation; NaN when either side is constant. */
export function pearson(xs: readonly number[], ys: readonly number[]): number {
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  }
  return sxx === 0 || syy === 0 ? NaN : sxy / Math.sqrt(sxx * syy);
}

/** Ranks from 0, ties sharing their mean rank. */
export function ranks(xs: readonly number[]): number[] {
  const order = xs.map((value, i) => ({ value, i })).sort((a, b) => a.value - b.value);
  const r = new Array<number>(xs.length);
  for (let k = 0; k < order.length; ) {
    let j = k;
    while (j + 1 < order.length && order[j + 1].value === order[k].value) j++;
    for (let m = k; m <= j; m++) r[order[m].i] = (k + j) / 2;
    k = j + 1;
  }
  return r;
}

/** Spearman's rank correlation: Pearson's over ranks; NaN with fewer than 3 points or no spread. */
export function spearman(xs: readonly number[], ys: readonly number[]): number {
  return xs.length < 3 ? NaN : pearson(ranks(xs), ranks(ys));
}
