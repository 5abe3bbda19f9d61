/** Numbers in reports: short, and exact enough to compare by eye. */

/** Three significant digits, exponent form for very large or small magnitudes: `0.01`, `6.4`, `1.23e-5`. */
export function formatNumber(x: number): string {
  if (x === 0) return "0";
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a >= 1e5 || a < 1e-3) return x.toExponential(2).replace("e+", "e");
  return String(Number(x.toPrecision(3)));
}

/** `34.8×`, `1230×`; for a zero denominator, says so. */
export function formatRatio(r: number): string {
  if (!Number.isFinite(r)) return "the primary's is 0";
  return `${r >= 100 ? Math.round(r) : Number(r.toPrecision(3))}×`;
}
