/**
 * A small static line chart as an SVG document: for analyses run from the
 * command line, whose one figure should open anywhere without a page,
 * scripts or a network (the training reports draw interactive charts in
 * the browser instead).
 */
export interface ChartSeries {
  name: string;
  points: readonly (readonly [number, number])[];
}

export interface ChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly ChartSeries[];
  logX?: boolean;
  /** A horizontal reference line (e.g. a threshold) and its label. */
  reference?: { y: number; label: string };
}

const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"];

export function lineChartSvg(o: ChartOptions): string {
  const W = 640;
  const H = 400;
  const m = { left: 64, right: 150, top: 40, bottom: 52 };
  const fx = (x: number) => (o.logX ? Math.log10(x) : x);
  const xs = o.series.flatMap((s) => s.points.map((p) => fx(p[0])));
  const ys = o.series.flatMap((s) => s.points.map((p) => p[1])).concat(o.reference ? [o.reference.y] : []);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const [y0, y1] = [Math.min(0, ...ys), Math.max(...ys) * 1.05 || 1];
  const px = (x: number) => m.left + ((fx(x) - x0) / (x1 - x0 || 1)) * (W - m.left - m.right);
  const py = (y: number) => H - m.bottom - ((y - y0) / (y1 - y0 || 1)) * (H - m.top - m.bottom);
  const esc = (t: string) => t.replace(/&/g, "&amp;").replace(/</g, "&lt;");
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  parts.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  parts.push(`<text x="${W / 2 - m.right / 2}" y="22" text-anchor="middle" font-size="14">${esc(o.title)}</text>`);
  // Axes, ticks (decades on a log axis, five steps otherwise).
  parts.push(`<line x1="${m.left}" y1="${H - m.bottom}" x2="${W - m.right}" y2="${H - m.bottom}" stroke="black"/>`);
  parts.push(`<line x1="${m.left}" y1="${m.top}" x2="${m.left}" y2="${H - m.bottom}" stroke="black"/>`);
  const xTicks = o.logX ? range(Math.ceil(x0), Math.floor(x1)).map((e) => 10 ** e) : steps(x0, x1);
  for (const t of xTicks) parts.push(`<text x="${px(t)}" y="${H - m.bottom + 16}" text-anchor="middle">${o.logX ? `1e${Math.round(Math.log10(t))}` : fmt(t)}</text>`);
  for (const t of steps(y0, y1)) {
    parts.push(`<line x1="${m.left - 4}" y1="${py(t)}" x2="${W - m.right}" y2="${py(t)}" stroke="#ddd"/>`);
    parts.push(`<text x="${m.left - 8}" y="${py(t) + 4}" text-anchor="end">${fmt(t)}</text>`);
  }
  parts.push(`<text x="${(m.left + W - m.right) / 2}" y="${H - 12}" text-anchor="middle">${esc(o.xLabel)}</text>`);
  parts.push(`<text transform="translate(16 ${(m.top + H - m.bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(o.yLabel)}</text>`);
  if (o.reference) {
    parts.push(`<line x1="${m.left}" y1="${py(o.reference.y)}" x2="${W - m.right}" y2="${py(o.reference.y)}" stroke="#888" stroke-dasharray="4 3"/>`);
    parts.push(`<text x="${W - m.right + 6}" y="${py(o.reference.y) + 4}" fill="#555">${esc(o.reference.label)}</text>`);
  }
  o.series.forEach((s, k) => {
    const color = COLORS[k % COLORS.length];
    parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${s.points.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(" ")}"/>`);
    for (const [x, y] of s.points) parts.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3" fill="${color}"/>`);
    parts.push(`<text x="${W - m.right + 6}" y="${m.top + 16 * k}" fill="${color}">${esc(s.name)}</text>`);
  });
  parts.push(`</svg>`);
  return parts.join("\n") + "\n";
}

const range = (a: number, b: number) => Array.from({ length: Math.max(0, b - a + 1) }, (_, i) => a + i);
const steps = (a: number, b: number) => Array.from({ length: 6 }, (_, i) => a + ((b - a) * i) / 5);
const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(1) : v.toFixed(2));
